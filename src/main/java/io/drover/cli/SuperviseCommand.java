package io.drover.cli;

import io.drover.core.Signals;
import io.drover.core.UsageException;
import io.drover.multi.ClusterListener;
import io.drover.multi.Hooks;
import io.drover.multi.NodeConflicts;
import io.drover.multi.NodeSpec;
import io.drover.multi.ArgParser;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Supervisor;
import io.drover.node.SignalHooks;
import io.drover.posix.Posix;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import picocli.CommandLine.Command;

@Command(name = SuperviseCommand.NAME,
        description = {"Start the nodes in parallel (adopting the ones already running under their pidfiles) and keep them"
                + " running, in the foreground: a node that exits unasked starts again at once, and after a backoff from"
                + " its second exit in a row (--backoff=1 s, doubling to --backoff-max=60, with jitter; a first exit"
                + " again once it ran --backoff-reset=60 s);"
                + " --max-restarts=N --within=60 gives up on a node after N restarts within that many seconds.",
            "--max-memory=SIZE (512M, 2G) restarts warmly a node whose RSS is over SIZE in two samples in a row"
                + " (--memory-interval=10 s); --heartbeat=SECONDS makes each node beat at that interval, and one"
                + " silent for 3 intervals is killed and restarted as hung.",
            "TERM stops every node warmly, INT coldly, and exits 0 once all are down (1, naming them, when"
                + " --timeout=90 ran out and they were killed). HUP restarts the nodes --batch=1 at a time, the next"
                + " only once the previous are ready. A second supervise of a node is refused; under systemd"
                + " (NOTIFY_SOCKET) it reports READY=1 once every node is ready, and WATCHDOG=1.",
            "Hooks: --on-failure=CMD (a node exited unasked or did not start), --on-restart=CMD (supervise restarts"
                + " it: after a crash, for its memory, hung) and --on-give-up=CMD run CMD through /bin/sh -c as"
                + " supervise's own user, with DROVER_NODE, DROVER_EVENT, DROVER_EXIT, DROVER_RESTARTS, DROVER_LOGFILE"
                + " and DROVER_PIDFILE set, one at a time; each line of its output is a line of supervise's. One"
                + " still running after --hook-timeout=30 s gets TERM, with its process group, and KILL 5 s later.",
            "--metrics-port=PORT serves GET /metrics (Prometheus text format) with each node's figures, labelled"
                + " node=\"NODENAME\": up, ready, restarts, last exit code, RSS, CPU seconds, heartbeat age, given up;"
                + " on loopback unless --metrics-address=ADDR says otherwise.",
            "--detach returns once every node is ready (OK/FAILED and exit codes as start) and leaves one supervisor"
                + " per node registry running in a session of its own, its lines appended to --supervisor-log=PATH"
                + " (default supervisor.log in the registry's directory), its pid in supervisor.pid there; a later"
                + " --detach hands its nodes to that supervisor, which keeps its own supervise options."},
        footer = {"drover multi supervise 3 -c 2 --pidfile=/tmp/drover/%%n.pid --logfile=/tmp/drover/%%n%%I.log",
            "# give up on a node that needed 5 restarts within a minute; restart one over 1 GiB",
            "drover multi supervise 3 --max-restarts=5 --within=60 --max-memory=1G",
            "# rolling restart, two at a time: kill -HUP the supervise process",
            "# kept running by a supervisor in the background; a second --detach adds to it",
            "drover multi supervise --detach 3 --max-restarts=5"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE", "NO_USER", "DATA_ERROR", "CANT_CREATE", "NO_PERMISSION"})
@Manual.Environment({"NOTIFY_SOCKET", "WATCHDOG_USEC", "DROVER_FORCE_ROOT", "XDG_STATE_HOME", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class SuperviseCommand extends MultiLeaf {
    static final String NAME = "supervise";

    /** multi's own options supervise reads; not restart's --rolling: HUP is supervise's rolling restart. */
    @Override
    java.util.Set<io.drover.multi.ArgParser.Own> takes() {
        return java.util.EnumSet.of(io.drover.multi.ArgParser.Own.BACKOFF, io.drover.multi.ArgParser.Own.BACKOFF_MAX,
                io.drover.multi.ArgParser.Own.BACKOFF_RESET, io.drover.multi.ArgParser.Own.MAX_RESTARTS,
                io.drover.multi.ArgParser.Own.WITHIN, io.drover.multi.ArgParser.Own.MAX_MEMORY,
                io.drover.multi.ArgParser.Own.MEMORY_INTERVAL, io.drover.multi.ArgParser.Own.HEARTBEAT,
                io.drover.multi.ArgParser.Own.TIMEOUT, io.drover.multi.ArgParser.Own.START_TIMEOUT,
                io.drover.multi.ArgParser.Own.BATCH,
                io.drover.multi.ArgParser.Own.ON_FAILURE, io.drover.multi.ArgParser.Own.ON_RESTART,
                io.drover.multi.ArgParser.Own.ON_GIVE_UP, io.drover.multi.ArgParser.Own.HOOK_TIMEOUT,
                io.drover.multi.ArgParser.Own.GIVE_UP_FOR, io.drover.multi.ArgParser.Own.METRICS_PORT,
                io.drover.multi.ArgParser.Own.METRICS_ADDRESS);
    }


    /** Runs the supervisor in a session of its own and returns once its nodes are ready (issue 29). */
    static final String DETACH = "--detach";
    /** Where the detached supervisor's lines go: appended; REGISTRY_DIR/supervisor.log by default. */
    static final String SUPERVISOR_LOG = "--supervisor-log";

    @Override
    java.util.Map<String, OwnOptions.Kind> ownOptions() {
        return java.util.Map.of(DETACH, OwnOptions.Kind.FLAG, SUPERVISOR_LOG, OwnOptions.Kind.WORD);
    }

    @Override
    int run(ParsedArgs parsed, Output output) {
        List<NodeSpec> nodes = nodes(parsed, 0);
        NodeConflicts.check(nodes);
        if (nodes.isEmpty()) {
            throw new UsageException("supervise: no nodes given (a count or names)");
        }
        Supervisor.Options options = options(parsed);
        Integer metricsPort = metricsPort(parsed);
        java.net.InetAddress metricsAddress = parsed.has(ArgParser.Own.METRICS_ADDRESS)
                ? WorkerCommand.address(ArgParser.Own.METRICS_ADDRESS.spelling(), parsed.own(ArgParser.Own.METRICS_ADDRESS))
                : null;
        if (metricsAddress != null && metricsPort == null) {
            throw new UsageException("supervise: --metrics-address needs --metrics-port");
        }
        if (own.has(SUPERVISOR_LOG) && !own.has(DETACH)) {
            throw new UsageException("supervise: " + SUPERVISOR_LOG + " goes with " + DETACH
                    + " (a foreground supervise writes to its own output)");
        }
        if (own.has(DETACH)) {
            return SupervisorDetach.run(host(), nodes, own.rest(), own.value(SUPERVISOR_LOG), options.startTimeout(),
                    parsed.multiOptions().keySet(), output);
        }
        // a line per event as it comes, with the time: what a journal or a container log shows
        ClusterListener reporter = output.json ? JsonReporter.lines(output, Instant::now)
                : TerminalReporter.log(output, Instant::now);
        Supervisor supervisor = new Supervisor(Posix.get(), reporter, host(), nodes, options, hooks(parsed));
        if (metricsPort != null) {
            supervisor.metrics(metricsAddress, metricsPort);
        }
        if (io.drover.multi.DetachedSupervisor.isDetached()) {
            // an add's words are read as this command line was: the same grammar and expander
            supervisor.detached(words -> {
                ParsedArgs added = parse(words);
                if (added.has(io.drover.multi.Reserved.HELP)) {
                    throw new UsageException("no help here: give nodes and their options");
                }
                return nodes(added, 0);
            });
        }
        for (String name : List.of("TERM", "INT", "HUP")) {
            int number = Signals.parseArgument("-" + name).orElseThrow();
            SignalHooks.handle(name, () -> supervisor.signal(number));
        }
        return supervisor.run();
    }

    static Supervisor.Options options(ParsedArgs parsed) {
        return new Supervisor.Options(
                positive(parsed, ArgParser.Own.BACKOFF, Duration.ofSeconds(1)),
                positive(parsed, ArgParser.Own.BACKOFF_MAX, Duration.ofSeconds(60)),
                positive(parsed, ArgParser.Own.BACKOFF_RESET, Duration.ofSeconds(60)),
                count(parsed, ArgParser.Own.MAX_RESTARTS, 0),
                positive(parsed, ArgParser.Own.WITHIN, Duration.ofSeconds(60)),
                size(parsed.own(ArgParser.Own.MAX_MEMORY)),
                positive(parsed, ArgParser.Own.MEMORY_INTERVAL, Duration.ofSeconds(10)),
                parsed.has(ArgParser.Own.HEARTBEAT) ? positive(parsed, ArgParser.Own.HEARTBEAT, null) : null,
                LifecycleLeaf.seconds(parsed, ArgParser.Own.TIMEOUT, LifecycleLeaf.DEFAULT_STOP_TIMEOUT),
                LifecycleLeaf.startTimeout(parsed),
                Math.max(1, count(parsed, ArgParser.Own.BATCH, 1)),
                giveUpFor(parsed));
    }

    /**
     * The hooks given on the command line, the only place they come from (a node's files or
     * record never name one: supervise may be root); an empty command is refused.
     */
    static Hooks hooks(ParsedArgs parsed) {
        Map<Hooks.Kind, String> commands = new EnumMap<>(Hooks.Kind.class);
        for (Hooks.Kind kind : Hooks.Kind.values()) {
            ArgParser.Own option = HOOK_OPTIONS.get(kind);
            String command = parsed.own(option);
            if (command != null && command.isBlank()) {
                throw new UsageException(option.spelling() + " needs a command (given to /bin/sh -c)");
            }
            if (command != null) {
                commands.put(kind, command);
            }
        }
        return new Hooks(commands, positive(parsed, ArgParser.Own.HOOK_TIMEOUT, Hooks.DEFAULT_TIMEOUT));
    }

    private static final Map<Hooks.Kind, ArgParser.Own> HOOK_OPTIONS = Map.of(Hooks.Kind.FAILURE, ArgParser.Own.ON_FAILURE,
            Hooks.Kind.RESTART, ArgParser.Own.ON_RESTART, Hooks.Kind.GIVE_UP, ArgParser.Own.ON_GIVE_UP);

    /** {@code --metrics-port}: a port, or null when not given. */
    private static Integer metricsPort(ParsedArgs parsed) {
        String value = parsed.own(ArgParser.Own.METRICS_PORT);
        if (value == null) {
            return null;
        }
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("--metrics-port must be a port (1-65535), got " + value);
    }

    /** {@code --give-up-for}: how long a node given up stays down before it is tried again; 0, for good (null). */
    private static Duration giveUpFor(ParsedArgs parsed) {
        String value = parsed.own(ArgParser.Own.GIVE_UP_FOR);
        Duration d = value == null ? DEFAULT_GIVE_UP_FOR : Seconds.parse(ArgParser.Own.GIVE_UP_FOR.spelling(), value);
        return d.isZero() ? null : d;
    }

    /** As Kubernetes' longest CrashLoopBackOff (5 min) and then some: a node given up is not forgotten. */
    static final Duration DEFAULT_GIVE_UP_FOR = Duration.ofMinutes(10);

    /** A duration option that must be more than 0. */
    private static Duration positive(ParsedArgs parsed, ArgParser.Own which, Duration fallback) {
        String option = which.spelling();
        String value = parsed.own(which);
        if (value == null) {
            return fallback;
        }
        Duration d = Seconds.parse(option, value);
        if (d.isZero()) {
            throw new UsageException(option + " " + value + " must be more than 0 seconds");
        }
        return d;
    }

    static int count(ParsedArgs parsed, ArgParser.Own which, int fallback) {
        String option = which.spelling();
        String value = parsed.own(which);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + " " + value + " is not a count (0 or more)");
    }

    /** {@code 512M}, {@code 2G}, {@code 300MiB}, {@code 1048576}: bytes; 0 when not given. */
    static long size(String value) {
        if (value == null) {
            return 0;
        }
        String v = value.trim().toUpperCase(Locale.ROOT).replaceFirst("I?B$", "");
        long unit = 1;
        if (!v.isEmpty() && "KMGT".indexOf(v.charAt(v.length() - 1)) >= 0) {
            unit = 1L << (10 * ("KMGT".indexOf(v.charAt(v.length() - 1)) + 1));
            v = v.substring(0, v.length() - 1);
        }
        try {
            double n = Double.parseDouble(v);
            if (n > 0 && !Double.isInfinite(n)) {
                return (long) (n * unit);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("--max-memory " + value + " is not a size (e.g. 512M, 2G, 300MiB, or bytes)");
    }
}
