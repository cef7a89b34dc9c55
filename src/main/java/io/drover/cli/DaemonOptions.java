package io.drover.cli;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.HeapDumps;
import io.drover.core.Host;
import io.drover.core.NodeName;
import io.drover.core.Templates;
import io.drover.core.Umask;
import io.drover.core.UsageException;
import io.drover.launch.LaunchOutcome;
import io.drover.launch.LaunchSpec;
import io.drover.launch.Launcher;
import io.drover.launch.NodeLaunch;
import io.drover.node.Handshake;
import io.drover.node.LogOptions;
import io.drover.node.Node;
import io.drover.node.NodeConfig;
import io.drover.posix.Posix;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options a worker and beat share (celery's names), and how either runs: in this JVM, or
 * detached through the same spawn-and-handshake path multi uses.
 */
final class DaemonOptions {
    @Option(names = {"-A", "--app"}, paramLabel = "CLASS",
            description = "Application class. Default: the built-in demo.")
    String app;

    @Option(names = {"-l", "--loglevel"}, paramLabel = "LEVEL", defaultValue = "INFO",
            description = "DEBUG, INFO, WARNING, ERROR or CRITICAL. Default: ${DEFAULT-VALUE}.")
    String loglevel;

    @Option(names = {"-f", "--logfile"}, paramLabel = "PATH",
            description = "Log file (%%n %%h %%d %%p %%i %%I %%%% expanded). Default: stderr.")
    String logfile;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text (celery's lines) or json (one JSON object a line). Default: text.")
    String logFormat;

    @Option(names = "--log-max-size", paramLabel = "SIZE",
            description = "Rotate the logfile in the node when it reaches SIZE (10K, 100M, 1G); old files are gzip'ed.")
    String logMaxSize;

    @Option(names = "--log-keep", paramLabel = "N",
            description = "Rotated logfiles kept (LOG.1.gz ... LOG.N.gz). Default: 7.")
    Integer logKeep;

    @Option(names = "--log-rotate", paramLabel = "WHEN",
            description = "daily: rotate the logfile at midnight too (daily,size with --log-max-size).")
    String logRotate;

    @Option(names = "--pidfile", paramLabel = "PATH", description = "Pidfile, created exclusively and locked. Default: none.")
    String pidfile;

    @Option(names = "--workdir", paramLabel = "DIR", description = "Working directory.")
    String workdir;

    @Option(names = "--umask", paramLabel = "OCTAL", description = "umask, e.g. 022.")
    String umask;

    @Option(names = "--classpath", paramLabel = "PATHS",
            description = "The application's jars and directories, ':' separated; dir/* for every jar in dir.")
    String classpath;

    @Option(names = "--jvm-opts", paramLabel = "OPTIONS", description = "JVM options for a detached JVM, e.g. '-Xmx256m'.")
    String jvmOpts;

    @Option(names = "--executable", paramLabel = "JAVA", description = "java binary for a detached JVM. Default: the one running drover.")
    String executable;

    @Option(names = "--uid", paramLabel = "USER",
            description = "Run as this user (name or number): groups, gid and uid are dropped before any file is opened.")
    String uid;

    @Option(names = "--gid", paramLabel = "GROUP", description = "Run as this group (name or number). Default: the --uid user's primary group.")
    String gid;

    @Option(names = "--heap-dump-dir", paramLabel = "DIR",
            description = "Where a detached JVM dumps its heap on OutOfMemoryError (%%n %%h %%d %%p expanded); empty or"
                    + " 'none': no dump. Default: heapdump/%%n in the logfile's directory.")
    String heapDumpDir;

    @Option(names = "--heap-dump-keep", paramLabel = "N",
            description = "Heap dumps kept: the node removes all but the newest N at its start. Default: 2.")
    String heapDumpKeep;

    @Option(names = "--detach", description = "Run in the background: return once it reported ready, or with its error.")
    boolean detach;

    @Option(names = "--start-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long --detach waits for the ready report; 0 for no limit. Default: ${DEFAULT-VALUE}.")
    double startTimeout;

    // Read by Main from the raw arguments (a failure can come before these fields are filled);
    // declared here so both parsers accept it and --help lists it.
    @Option(names = "--verbose", description = "On a failed start, print the stack trace of what the application threw"
            + " (the node's log always has it).")
    boolean verbose;

    /** The settings of one node, with the per-command parts filled in by the caller. */
    NodeConfig config(List<String> rawArgs, String nodename, int concurrency, List<String> queues,
                      List<String> appArgs, Integer healthPort, Duration healthTimeout, InetAddress healthAddress) {
        String full = fullNodename(nodename, Host.current().hostname());
        Duration timeout = Seconds.startTimeout(Seconds.of("--start-timeout", startTimeout, String.valueOf(startTimeout)));
        Integer mask = umask == null ? null : Umask.parse(umask);
        LogOptions logging = LogOptions.of(logFormat, logMaxSize, logKeep, logRotate);
        if (logging.rotates() && logfile == null) {
            throw new UsageException("--log-max-size and --log-rotate need --logfile");
        }
        return new NodeConfig(app, full, concurrency, loglevel, logfile, pidfile, List.copyOf(queues), workdir, mask,
                classpath, detach, timeout, List.copyOf(appArgs),
                List.copyOf(rawArgs), executable, jvmOpts, uid, gid, healthPort, healthTimeout, healthAddress, heapDumpDir,
                heapDumpKeep == null ? HeapDumps.DEFAULT_KEEP : HeapDumps.keep(heapDumpKeep), logging);
    }

    /**
     * The node's name from {@code -n}: host templates expanded as in multi's node names,
     * this host added when there is no {@code @}, and checked to be a name before anything is
     * opened with it (issue 16: {@code -n ../../x} would put the pidfile elsewhere).
     */
    static String fullNodename(String nodename, String host) {
        try {
            String full = Templates.expandHostInName(nodename, host);
            return NodeName.parse(full.contains("@") ? full : full + "@" + host).full();
        } catch (UsageException e) {
            throw new UsageException("-n/--hostname: " + e.getMessage());
        }
    }

    /**
     * Runs the node here, or (with --detach, unless this JVM is the detached one or
     * DROVER_FAKEFORK=1) spawns it and waits for its handshake.
     */
    static int run(NodeConfig cfg, String command, Node.AppFactory factory) {
        return run(cfg, command, factory, List.of());
    }

    /** {@link #run(NodeConfig, String, Node.AppFactory)} for an application with files of its own. */
    static int run(NodeConfig cfg, String command, Node.AppFactory factory, List<String> dataFiles) {
        Handshake handshake = Handshake.fromEnvironment();
        if (cfg.detach() && handshake == null && !Launcher.fakefork()) {
            return detach(cfg, command);
        }
        if (cfg.uid() != null && cfg.gid() == null) {
            // the node resolves its user itself and would take a bare uid with the caller's group
            Posix.get().identity(cfg.uid(), null).requireGroup(cfg.uid(), null);
        }
        return Node.run(cfg, handshake, factory, dataFiles);
    }

    /**
     * The detached start of the node these options describe, as the launcher takes it: the
     * node's JVM re-runs {@code command} with the arguments given here.
     */
    static LaunchSpec launchSpec(NodeConfig cfg, String command) {
        List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(cfg.argv());
        NodeName name = NodeName.parse(cfg.nodename());
        String heapDumps = HeapDumps.dir(cfg.heapDumpDir(), cfg.logfile(), name);
        return new LaunchSpec(name, NodeLaunch.argv(cfg.executable(), cfg.jvmOpts(), heapDumps, args),
                cfg.pidfile(), cfg.logfile(), cfg.umask(), cfg.workdir(), new LaunchSpec.RunAs(cfg.uid(), cfg.gid()),
                cfg.app(), cfg.startTimeout(), null);
    }

    private static int detach(NodeConfig cfg, String command) {
        LaunchSpec spec = launchSpec(cfg, command);
        NodeName name = spec.nodename();
        LaunchOutcome outcome = new Launcher(Posix::get, Host.current()).start(spec);
        if (outcome instanceof LaunchOutcome.Failed failed) {
            throw new NodeFailedException(failed.exitCode(), name + ": " + failed.reason(), failed.trace());
        }
        if (outcome instanceof LaunchOutcome.AlreadyRunning running) {
            throw new DroverException(ExitCode.NODE_FAILED, name + ": already running (pid " + running.pid() + ")");
        }
        return ExitCode.OK;
    }

    /**
     * The arguments after the command's name, exactly as picocli was given them: a detaching
     * node re-runs itself with them.
     */
    static List<String> rawArgs(CommandSpec spec, String command) {
        // Run as a node command (Main.nodeCommandLine) the arguments start after the name;
        // run through the whole tree they include it.
        List<String> all = Arrays.asList(spec.commandLine().getParseResult().originalArgs().toArray(String[]::new));
        boolean fromTree = spec.commandLine().getParent() != null;
        return List.copyOf(fromTree ? all.subList(all.indexOf(command) + 1, all.size()) : all);
    }
}
