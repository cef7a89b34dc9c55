package io.drover.cli;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.NodeName;
import io.drover.core.Templates;
import io.drover.core.UsageException;
import io.drover.posix.Identity;
import io.drover.posix.Posix;
import io.drover.worker.Detacher;
import io.drover.worker.Handshake;
import io.drover.worker.Node;
import io.drover.worker.NodeLaunch;
import io.drover.worker.RootPolicy;
import io.drover.worker.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "worker",
        mixinStandardHelpOptions = true,
        versionProvider = DroverCommand.Version.class,
        description = {"Run one worker node, in the foreground or detached (--detach).",
            "With no -A the built-in demo application runs. TERM: warm shutdown (finish work in flight);"
                + " INT: cold shutdown; HUP: restart the application in place (same pid, same pidfile)."},
        footer = {"", "Environment: DROVER_FAKEFORK=1 runs --detach in the foreground (output on the terminal);"
            + " DROVER_FORCE_ROOT=1 lets an application (-A) run as root.",
            "", "Example:", "  drover worker -A com.acme.Consumer --classpath='/opt/acme/lib/*' -c 4 -l INFO"})
final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-A", "--app"}, paramLabel = "CLASS",
            description = "Application class: an io.drover.api.NodeApp or a class with main(String[]). Default: the demo.")
    String app;

    @Option(names = {"-n", "--hostname"}, paramLabel = "NODENAME", defaultValue = "drover@%h",
            description = "Node name; %%h is this host's name. Default: ${DEFAULT-VALUE}.")
    String nodename;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", description = "Threads for the application. Default: CPUs.")
    Integer concurrency;

    @Option(names = {"-P", "--pool"}, paramLabel = "POOL", defaultValue = "threads",
            description = "Pool implementation: threads (solo is threads with -c 1). Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(names = {"-l", "--loglevel"}, paramLabel = "LEVEL", defaultValue = "INFO",
            description = "DEBUG, INFO, WARNING, ERROR or CRITICAL. Default: ${DEFAULT-VALUE}.")
    String loglevel;

    @Option(names = {"-f", "--logfile"}, paramLabel = "PATH",
            description = "Log file (%%n %%h %%d %%p %%i %%I %%%% expanded). Default: stderr.")
    String logfile;

    @Option(names = "--pidfile", paramLabel = "PATH", description = "Pidfile, created exclusively and locked. Default: none.")
    String pidfile;

    @Option(names = {"-Q", "--queues"}, paramLabel = "QUEUES", split = ",", description = "Queues to consume, comma separated.")
    List<String> queues = new ArrayList<>();

    @Option(names = "--workdir", paramLabel = "DIR", description = "Working directory of the node.")
    String workdir;

    @Option(names = "--umask", paramLabel = "OCTAL", description = "umask of the node, e.g. 022.")
    String umask;

    @Option(names = "--classpath", paramLabel = "PATHS", description = "The application's jars and directories, ':' separated; dir/* for every jar in dir.")
    String classpath;

    @Option(names = "--jvm-opts", paramLabel = "OPTIONS", description = "JVM options for a detached node's JVM, e.g. '-Xmx256m'.")
    String jvmOpts;

    @Option(names = "--executable", paramLabel = "JAVA", description = "java binary for a detached node. Default: the one running drover.")
    String executable;

    @Option(names = "--uid", paramLabel = "USER", description = "Run as this user (name or number): groups, gid and uid are dropped before any file is opened.")
    String uid;

    @Option(names = "--gid", paramLabel = "GROUP", description = "Run as this group (name or number). Default: the --uid user's primary group.")
    String gid;

    @Option(names = "--detach", description = "Run in the background: return once the node reported ready, or its error.")
    boolean detach;

    @Option(names = "--start-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long --detach waits for the node to report ready. Default: ${DEFAULT-VALUE}.")
    double startTimeout;

    @Parameters(paramLabel = "ARGS", description = "Arguments after -- are passed to the application.")
    List<String> appArgs = new ArrayList<>();

    @Override
    public Integer call() {
        WorkerConfig cfg = config();
        Handshake handshake = Handshake.fromEnvironment();
        boolean fakefork = "1".equals(System.getenv("DROVER_FAKEFORK"));
        if (cfg.detach() && handshake == null && !fakefork) {
            return detach(cfg);
        }
        return Node.run(cfg, handshake);
    }

    private int detach(WorkerConfig cfg) {
        List<String> workerArgs = new ArrayList<>();
        workerArgs.add("worker");
        workerArgs.addAll(cfg.argv());
        List<String> argv = NodeLaunch.argv(cfg.executable(), cfg.jvmOpts(), workerArgs);
        NodeName name = NodeName.parse(cfg.nodename());
        String log = cfg.logfile() == null ? null
                : Templates.expandForProcess(cfg.logfile(), name, Templates.MAIN_PROCESS, "--logfile");
        Identity owner = cfg.uid() == null && cfg.gid() == null ? null : Posix.get().identity(cfg.uid(), cfg.gid());
        RootPolicy.check(Host.isEffectiveRoot(), cfg.app(), cfg.uid(), System.getenv(RootPolicy.FORCE_ROOT));
        Detacher.Outcome outcome = Detacher.start(Posix.get(), argv, log, cfg.umask(), cfg.workdir(), cfg.startTimeout(),
                owner);
        if (outcome instanceof Detacher.Outcome.Failed failed) {
            throw new DroverException(failed.exitCode(), name + ": " + failed.reason());
        }
        if (outcome instanceof Detacher.Outcome.AlreadyRunning running) {
            throw new DroverException(ExitCode.NODE_FAILED, name + ": already running (pid " + running.pid() + ")");
        }
        return ExitCode.OK;
    }

    private WorkerConfig config() {
        if (!pool.equals("threads") && !pool.equals("solo")) {
            throw new UsageException("--pool " + pool + " is not available: drover runs applications on threads (threads, solo)");
        }
        int threads = pool.equals("solo") ? 1 : concurrency == null ? Runtime.getRuntime().availableProcessors() : concurrency;
        if (threads < 1) {
            throw new UsageException("--concurrency must be at least 1, got " + threads);
        }
        if (startTimeout <= 0) {
            throw new UsageException("--start-timeout must be positive, got " + startTimeout);
        }
        Integer mask = null;
        if (umask != null) {
            try {
                mask = Integer.parseInt(umask, 8);
            } catch (NumberFormatException e) {
                throw new UsageException("--umask " + umask + " is not an octal number (e.g. 022)");
            }
        }
        String full = Templates.expandHostInName(nodename, Host.current().hostname());
        if (!full.contains("@")) {
            full = full + "@" + Host.current().hostname();
        }
        return new WorkerConfig(app, full, threads, loglevel, logfile, pidfile, List.copyOf(queues), workdir, mask,
                classpath, detach, Duration.ofMillis((long) (startTimeout * 1000)), List.copyOf(appArgs), rawArgs(),
                executable, jvmOpts, uid, gid);
    }

    /** The arguments after "worker", exactly as given: a detaching worker re-runs itself with them. */
    private List<String> rawArgs() {
        List<String> all = Arrays.asList(spec.commandLine().getParseResult().originalArgs().toArray(String[]::new));
        int at = all.indexOf("worker");
        return List.copyOf(all.subList(at + 1, all.size()));
    }
}
