package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.NodeProtocol;
import io.drover.core.Signals;
import io.drover.launch.LaunchOutcome;
import io.drover.launch.Launcher;
import io.drover.launch.NodeIdentity;
import io.drover.posix.Identity;
import io.drover.posix.Pidfile;
import io.drover.posix.PidfileState;
import io.drover.posix.Posix;
import io.drover.posix.ProcessStats;
import io.drover.posix.ProcessTable;
import io.drover.registry.NodeRecord;
import io.drover.registry.NodeRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operations of {@code multi} over a list of nodes. Reports through a {@link ClusterListener},
 * never prints; returns the command's exit status. The native layer is asked for only when a
 * node must be spawned or signalled, so {@code status} never loads it.
 */
public final class Cluster {
    /** How often a wait for exiting nodes looks again: fast enough to feel instant, cheap for 50 nodes. */
    static final Duration POLL = Duration.ofMillis(20);
    /**
     * How long a SIGKILLed node may take to be gone: the signal cannot be caught, so only a
     * process stuck in the kernel (uninterruptible sleep, a dying NFS mount) outlives it.
     */
    static final Duration KILL_WAIT = Duration.ofSeconds(30);
    /** How often a wait for exiting nodes says which ones it still waits for. */
    static final Duration WAITING_REPORT = Duration.ofSeconds(1);
    /**
     * The most nodes one operation handles at once: each is a thread that mostly waits (for a
     * spawn's handshake, a process's end), and this many keeps a large cluster's threads bounded.
     */
    static final int MAX_PARALLEL = 64;

    /**
     * The start window: how many nodes may be in their own start-up (JVM, logging, pidfile,
     * drover's classes) at once, about the core count. A node leaves it when it says {@code UP},
     * before its application starts, so an application that waits on a broker holds no slot.
     * Fifty JVMs starting at once on two cores cost each more CPU than a few at a time
     * (docs/performance.md, the start window).
     */
    static final int START_WINDOW = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(START_WINDOW, true);
    private final Supplier<Posix> posix;
    private final ClusterListener listener;

    private final NodeRegistry registry;
    private final Launcher launcher;

    public Cluster(Supplier<Posix> posix, ClusterListener listener, Host host) {
        this.posix = posix;
        this.listener = listener;
        this.registry = new NodeRegistry(Path.of(host.registryDir()));
        this.launcher = new Launcher(posix, host);
    }

    /** Starts every node that is not running, in parallel; 0 if all run afterwards. */
    public int start(List<NodeSpec> nodes, Duration startTimeout) {
        checkLaunches(nodes);
        listener.phase("Starting nodes", nodes);
        nodes = trusted(nodes, false);
        List<NodeEvent> results = parallel(nodes, node -> startOne(node, launchOf(node), startTimeout));
        return exitStatus(results);
    }

    /**
     * {@code DROVER_FAKEFORK=1 multi start}: runs each node in turn in the foreground, its
     * output on this terminal, as celery's C_FAKEFORK does, to see why a node will not start.
     *
     * @return the exit status of the last node
     */
    public int startInForeground(List<NodeSpec> nodes) {
        checkStarts(nodes);
        listener.phase("Starting nodes in the foreground (DROVER_FAKEFORK=1)", nodes);
        int code = ExitCode.OK;
        for (NodeSpec node : nodes) {
            try {
                code = launcher.runInForeground(LaunchSpecs.of(node));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCode.NODE_FAILED;
            }
            listener.node(node, code == 0 ? new NodeEvent.Down(-1) : new NodeEvent.Failed(code, "exited with status " + code));
        }
        return code;
    }

    /** Sends {@code signal} to every running node and returns without waiting. */
    public int stop(List<NodeSpec> nodes, int signal) {
        listener.phase("Stopping nodes", nodes);
        return exitStatus(signalAll(trusted(nodes, false), signal).failures);
    }

    /**
     * Sends {@code signal}, then waits until every signalled process is gone, removing pidfiles a
     * killed node could not remove.
     *
     * @param timeout how long to wait; zero waits without limit
     */
    public int stopwait(List<NodeSpec> nodes, int signal, Duration timeout) {
        listener.phase("Stopping nodes", nodes);
        Signalled signalled = signalAll(trusted(nodes, false), signal);
        int waited = awaitDown(signalled.pids, timeout, signal);
        return Math.max(exitStatus(signalled.failures), waited);
    }

    /** SIGKILL to every running node, then waits for them to be gone and removes their pidfiles. */
    public int kill(List<NodeSpec> nodes) {
        listener.phase("Killing nodes", nodes);
        Signalled signalled = signalAll(trusted(nodes, false), Signals.KILL);
        int waited = awaitDown(signalled.pids, KILL_WAIT, Signals.KILL);
        return Math.max(exitStatus(signalled.failures), waited);
    }

    /**
     * Stops each running node and starts it again as soon as it is down; starts nodes that were
     * not running. A node restarted with no worker options given re-runs the command line it
     * was started with, so a restart never forgets options.
     */
    public int restart(List<NodeSpec> nodes, int signal, Duration timeout, Duration startTimeout) {
        checkLaunches(nodes);
        listener.phase("Restarting nodes", nodes);
        return exitStatus(parallel(trusted(nodes, false), node -> restartOne(node, signal, timeout, startTimeout)));
    }

    /**
     * {@code restart --rolling}: {@code batch} nodes at a time, the next batch only once every
     * node of this one reported ready, so the others keep serving. A node that does not come
     * back stops the roll: it is named, the nodes not yet restarted are left running, exit 1.
     */
    public int restartRolling(List<NodeSpec> nodes, int signal, Duration timeout, Duration startTimeout, int batch) {
        checkLaunches(nodes);
        listener.phase("Restarting nodes, " + batch + " at a time", nodes);
        nodes = trusted(nodes, false);
        for (int i = 0; i < nodes.size(); i += batch) {
            List<NodeSpec> group = nodes.subList(i, Math.min(nodes.size(), i + batch));
            int code = exitStatus(parallel(group, node -> restartOne(node, signal, timeout, startTimeout)));
            if (code != ExitCode.OK) {
                List<NodeSpec> left = nodes.subList(Math.min(nodes.size(), i + batch), nodes.size());
                left.forEach(node -> listener.node(node, new NodeEvent.Warning(ROLL_STOPPED)));
                return code;
            }
        }
        return ExitCode.OK;
    }

    /**
     * A start refused: a live process of this nodename, started from this node registry under
     * another pidfile (the pid, then {@code " with pidfile P"} or nothing).
     */
    public static final String NAME_TAKEN = "already runs as pid %d%s, started from this node registry;"
            + " stop it first, give that pidfile, or choose other names (--range-prefix, --prefix)";
    /** {@link #NAME_TAKEN} for a process started outside any registry drover can read: the name is taken in all. */
    public static final String NAME_TAKEN_OUTSIDE = "already runs as pid %d%s, started outside any node registry"
            + " drover can read (by hand, or by an older drover), so its name is taken in every one;"
            + " stop it first, give that pidfile, or choose other names (--range-prefix, --prefix)";

    /** Said of each node a stopped rolling restart left alone. */
    public static final String ROLL_STOPPED = "not restarted: the rolling restart stopped at a node that did not come back";

    private NodeEvent restartOne(NodeSpec node, int signal, Duration timeout, Duration startTimeout) {
        // The command line comes from drover's own record, never from the running process:
        // the node's user controls that process and its pidfile (docs/security.md, S1).
        Launch launch = launchOf(node);
        PidfileState state = Pidfile.inspect(Path.of(node.pidfile()), check(node));
        if (state instanceof PidfileState.Running running) {
            NodeEvent sent = signalOne(node, running.pid(), signal);
            if (sent instanceof NodeEvent.Failed) {
                return sent;
            }
            if (!awaitGone(running.pid(), timeout)) {
                NodeEvent alive = new NodeEvent.StillAlive(running.pid());
                listener.node(node, alive);
                return new NodeEvent.Failed(ExitCode.NODE_FAILED, "still running (pid " + running.pid() + ")");
            }
            Pidfile.removeIfStale(Path.of(node.pidfile()), check(node));
            noteExit(node, running.pid(), signal);
            listener.node(node, new NodeEvent.Down(running.pid()));
        }
        return startOne(node, launch, startTimeout);
    }

    /** LSB status: 0 all running, 1 a node is dead with its pidfile left, 3 not running. */
    public int status(List<NodeSpec> nodes) {
        listener.phase("Status", nodes);
        List<NodeSpec> trusted = trusted(nodes, true);
        boolean dead = nodes.size() != trusted.size();
        boolean stopped = false;
        // a node's pidfile, record and /proc are a few reads of CPU each, looked at in turn (50
        // threads doing that at once on two cores were slower); only the health ports are asked
        // in parallel, as one that does not answer costs up to a second
        List<Look> looks = new ArrayList<>();
        for (NodeSpec node : trusted) {
            looks.add(lookAt(node));
        }
        List<String> health = probe(looks);
        for (int i = 0; i < trusted.size(); i++) {
            NodeEvent.Status look = looks.get(i).status();
            switch (look.state()) {
                case "unknown", "stale", "dead" -> dead = true;
                case "stopped" -> stopped = true;
                default -> { }
            }
            listener.node(trusted.get(i), health.get(i) == null ? look : look.withHealth(health.get(i)));
        }
        return dead ? ExitCode.STATUS_DEAD_PIDFILE : stopped ? ExitCode.STATUS_NOT_RUNNING : ExitCode.STATUS_RUNNING;
    }

    /** A node's status line without its health, and the health port to ask (null: none to ask). */
    private record Look(NodeEvent.Status status, Integer healthPort) {}

    /** What each look's health port says (null where there is none to ask), asked in parallel. */
    private static List<String> probe(List<Look> looks) {
        ExecutorService pool = null;
        List<Future<String>> answers = new ArrayList<>();
        try {
            for (Look look : looks) {
                Integer port = look.healthPort();
                if (port == null) {
                    answers.add(null);
                    continue;
                }
                if (pool == null) {
                    pool = daemonPool(looks.size(), "drover-probe");
                }
                answers.add(pool.submit(() -> HealthProbe.of(port)));
            }
            List<String> health = new ArrayList<>();
            for (Future<String> answer : answers) {
                health.add(answer == null ? null : answer.get());
            }
            return health;
        } catch (ExecutionException e) {
            throw new IllegalStateException("health probe failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DroverException(ExitCode.NODE_FAILED, "interrupted");
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** One node's status line: its pidfile's state, with the figures /proc and its record give. */
    private Look lookAt(NodeSpec node) {
        PidfileState state;
        try {
            state = Pidfile.inspect(Path.of(node.pidfile()), NodeIdentity.of(node.nodename().full(), null));
        } catch (DroverException e) {
            return new Look(new NodeEvent.Status("unknown", -1, null, node.pidfile(), e.getMessage()), null);
        }
        NodeRecord record = recordedByAll(node);
        Integer restarts = record == null ? null : Integer.valueOf(record.restarts());
        String lastExit = record == null ? null : record.lastExit();
        if (state instanceof PidfileState.Running r) {
            // alive but not yet ready (or its starter died before it was): "starting"
            String running = ProcessTable.hasThread(r.pid(), NodeProtocol.READY_THREAD) ? "running" : "starting";
            ProcessStats.Figures figures = ProcessStats.figures(r.pid());
            Long rss = figures.rssBytes().isPresent() ? Long.valueOf(figures.rssBytes().getAsLong()) : null;
            Double cpu = figures.cpuPercent().isPresent() ? Double.valueOf(figures.cpuPercent().getAsDouble()) : null;
            return new Look(new NodeEvent.Status(running, r.pid(), figures.uptime().orElse(null), node.pidfile(), null,
                    rss, cpu, restarts, lastExit, null), started(node, record, false).healthPort());
        }
        if (state instanceof PidfileState.Stale s) {
            // a dead node nobody reaped still tells how it ended
            String exit = s.pidAlive() ? lastExit : ProcessStats.zombieExit(s.pid()).orElse(lastExit);
            return new Look(new NodeEvent.Status(s.pidAlive() ? "stale" : "dead", s.pid(), null, node.pidfile(),
                    s.reason(), null, null, restarts, exit, null), null);
        }
        return new Look(new NodeEvent.Status("stopped", -1, null, node.pidfile(), null, null, null, restarts, lastExit, null), null);
    }

    private NodeEvent startOne(NodeSpec node, Launch launch, Duration startTimeout) {
        NodeRecord before = optionsGiven(node) ? record(node) : null;
        NodeEvent result;
        try {
            result = spawn(node, launch, startTimeout, null);
        } catch (DroverException e) {
            result = new NodeEvent.Failed(e.exitCode(), e.getMessage());
        }
        if (result instanceof NodeEvent.Started) {
            // the settings it was started with: a node restarted from its record keeps its --uid
            remember(launch.spec(), launch.argv());
        }
        listener.node(node, result);
        if (result instanceof NodeEvent.Started && before != null) {
            // options given replace the record: say what is gone, so nothing is lost silently
            List<String> dropped = RecordedNodes.dropped(before.argv(), node);
            if (!dropped.isEmpty()) {
                listener.node(node, new NodeEvent.Dropped(dropped));
            }
        }
        return result;
    }

    /**
     * The node as it was started: its record's options when none are given (as {@link #launchOf}
     * chooses), so {@code status 3} finds the {@code --health-port} that {@code start 3 ...} gave.
     */
    private NodeSpec started(NodeSpec node, NodeRecord record, boolean warn) {
        if (optionsGiven(node) || record == null) {
            return node;
        }
        try {
            return RecordedNodes.spec(node.index(), record);
        } catch (DroverException unreadable) {
            if (warn) {
                listener.node(node, new NodeEvent.Warning(unreadable.getMessage()));
            }
            return node;
        }
    }

    /** Whether worker options (or a passthrough) were given for the node: then they replace its record. */
    private static boolean optionsGiven(NodeSpec node) {
        return !node.options().isEmpty() || !node.passthrough().isEmpty();
    }

    /**
     * A node as it is started: {@code spec} gives its launch settings (user, umask, workdir,
     * application) and {@code argv} its command line. Both come from one source, so a node
     * recorded with {@code --uid} is started as that user with its directories given to that
     * user, even by a command line that names no options.
     */
    private record Launch(NodeSpec spec, List<String> argv) {}

    /**
     * How to start a node: as drover recorded it when it last started it at this pidfile, when
     * no worker options are given (even for a node that died); else as given. Never the command
     * line of the running process: the node's user controls that process and its pidfile
     * (docs/security.md, S1). An untrusted record is named in a warning.
     */
    private Launch launchOf(NodeSpec node) {
        return launchOf(node, true);
    }

    private Launch launchOf(NodeSpec node, boolean warn) {
        NodeRecord recorded = optionsGiven(node) ? null : record(node, warn);
        NodeSpec spec = started(node, recorded, warn);
        return spec == node ? new Launch(node, NodeCommand.argv(node)) : new Launch(spec, recorded.argv());
    }

    /**
     * One node's start for supervise: as {@code start} does it, reporting and recording
     * nothing; with a {@code heartbeat} the node beats on its handshake pipe ({@link NodeEvent.Started#channel}).
     */
    NodeEvent spawnSupervised(NodeSpec node, List<String> argv, Duration startTimeout, Duration heartbeat) {
        try {
            return spawn(node, new Launch(node, argv), startTimeout, heartbeat);
        } catch (DroverException e) {
            return new NodeEvent.Failed(e.exitCode(), e.getMessage());
        }
    }

    private NodeEvent spawn(NodeSpec node, Launch launch, Duration startTimeout, Duration heartbeat) {
        Path pidfile = Path.of(node.pidfile());
        PidfileState state = Pidfile.inspect(pidfile, check(node));
        if (state instanceof PidfileState.Running running) {
            return new NodeEvent.AlreadyRunning(running.pid());
        }
        String replaced = state instanceof PidfileState.Stale stale ? stale.reason() : null;
        if (state instanceof PidfileState.Stale stale && !stale.pidAlive()) {
            // a dead node nobody reaped tells how it ended: kept in its record as its last exit
            io.drover.posix.ProcessStats.zombieExit(stale.pid()).ifPresent(exit -> noteExit(node, exit));
        }
        Identity owner = identity(launch.spec());
        NodeIdentity.Running other = elsewhere(node, owner);
        if (other != null) {
            // one process per nodename in its namespace: never a second drover1@HOST beside one
            // this registry started with another pidfile template (or whose pidfile its user removed)
            String pidfileOf = other.pidfile() == null ? "" : " with pidfile " + other.pidfile();
            return new NodeEvent.Failed(ExitCode.NODE_FAILED, String.format(
                    other.namespace() == null ? NAME_TAKEN_OUTSIDE : NAME_TAKEN, other.pid(), pidfileOf));
        }
        LaunchOutcome outcome;
        try {
            window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NodeEvent.Failed(ExitCode.NODE_FAILED, "interrupted before it was started");
        }
        java.util.concurrent.atomic.AtomicBoolean inWindow = new java.util.concurrent.atomic.AtomicBoolean(true);
        Runnable leave = () -> {
            if (inWindow.compareAndSet(true, false)) {
                window.release();
            }
        };
        try {
            outcome = launcher.start(LaunchSpecs.of(launch.spec(), launch.argv(), startTimeout, heartbeat), leave);
        } finally {
            leave.run();
        }
        if (outcome instanceof LaunchOutcome.Ready ready) {
            return new NodeEvent.Started(ready.pid(), replaced, ready.heartbeat());
        }
        if (outcome instanceof LaunchOutcome.AlreadyRunning running) {
            return new NodeEvent.AlreadyRunning(running.pid());
        }
        LaunchOutcome.Failed failed = (LaunchOutcome.Failed) outcome;
        return new NodeEvent.Failed(failed.exitCode(), failed.reason(), failed.trace());
    }

    /**
     * Refuses, before anything is spawned or stopped, what would fail a node's start: a umask out
     * of range ({@link LaunchSpecs#of}), an application as root, a user or group that does not
     * exist ({@link Launcher#check}), for the nodes as given (supervise, a foreground start).
     */
    void checkStarts(List<NodeSpec> nodes) {
        for (NodeSpec node : nodes) {
            launcher.check(LaunchSpecs.of(node));
        }
    }

    /**
     * {@link #checkStarts} for the nodes as {@code start} and {@code restart} will start them:
     * from their records when no options are given, so a restart refused for its recorded
     * settings is refused before it stops a node, not after.
     */
    private void checkLaunches(List<NodeSpec> nodes) {
        for (NodeSpec node : nodes) {
            Launch launch = launchOf(node, false);
            launcher.check(LaunchSpecs.of(launch.spec(), launch.argv(), Duration.ZERO, null));
        }
    }

    /**
     * What the process holding a node's pidfile must be before drover signals it: that node,
     * run by the user it runs as (docs/security.md, S6).
     */
    Pidfile.NodeCheck check(NodeSpec node) {
        return pid -> NodeIdentity.of(node.nodename().full(), expectedUid(node)).mismatch(pid);
    }

    /**
     * The uid a node runs as: its {@code --uid}, else what drover recorded when it started it;
     * null when neither says (then only the lock and the nodename are checked).
     */
    private Integer expectedUid(NodeSpec node) {
        Identity id = identity(node);
        if (id != null) {
            return id.uid();
        }
        NodeRecord r = record(node);
        return r == null ? null : r.uid();
    }

    private List<NodeIdentity.Candidate> nodeProcesses;

    /** The processes that look like drover nodes, looked up once per operation, before anything starts. */
    private synchronized List<NodeIdentity.Candidate> nodeProcesses() {
        if (nodeProcesses == null) {
            nodeProcesses = NodeIdentity.candidates();
        }
        return nodeProcesses;
    }

    /**
     * A live process that runs this node's nodename under another pidfile, as root, the caller
     * or the node's user (a process of any other user proves nothing), in this registry's
     * namespace or in none drover can read (docs/security.md, rule 6).
     */
    private NodeIdentity.Running elsewhere(NodeSpec node, Identity owner) {
        int self = ProcessTable.uid(ProcessHandle.current().pid()).orElse(-1);
        java.util.function.IntPredicate counts = uid -> uid == 0 || uid == self || owner != null && uid == owner.uid();
        for (NodeIdentity.Running r : NodeIdentity.named(nodeProcesses(), node.nodename().full(), counts)) {
            // one on the same pidfile is left to the pidfile's lock (a concurrent start of ours)
            boolean samePidfile = r.pidfile() != null && Path.of(r.pidfile()).toAbsolutePath().normalize()
                    .equals(Path.of(node.pidfile()).toAbsolutePath().normalize());
            // another registry's node: another project's drover1, not ours
            boolean otherNamespace = r.namespace() != null && !r.namespace().equals(launcher.namespace());
            if (!samePidfile && !otherNamespace && ProcessTable.isAlive(r.pid())) {
                return r;
            }
        }
        return null;
    }

    /** The node's record made at this pidfile, or null (none, another pidfile's, or untrusted). */
    private NodeRecord record(NodeSpec node) {
        return record(node, false);
    }

    private NodeRecord record(NodeSpec node, boolean warn) {
        try {
            // a record made for another pidfile is another deployment of that name
            return registry.find(node.nodename().full()).filter(r -> node.pidfile().equals(r.pidfile())).orElse(null);
        } catch (DroverException e) {
            if (warn) {
                listener.node(node, new NodeEvent.Warning(e.getMessage()));
            }
            return null;
        }
    }

    /** Keeps how a node ended in its record, when drover saw it end. */
    private void noteExit(NodeSpec node, String exit) {
        NodeRecord r = record(node);
        if (r == null || exit == null) {
            return;
        }
        try {
            registry.write(new NodeRecord(r.nodename(), r.pidfile(), r.logfile(), r.argv(), r.started(), r.restarts(),
                    exit, r.version(), r.uid()));
        } catch (DroverException e) {
            listener.node(node, new NodeEvent.Warning(e.getMessage()));
        }
    }

    /** {@link #noteExit(NodeSpec, String)} for a node that ended after drover sent it {@code signal}. */
    private void noteExit(NodeSpec node, long pid, int signal) {
        noteExit(node, ProcessStats.zombieExit(pid).orElse("after " + Signals.name(signal) + " from drover"));
    }

    /**
     * The records {@link #allRecorded} read, by nodename: {@code status --all}, which writes no
     * record, need not read each one again.
     */
    private final Map<String, NodeRecord> readByAll = new java.util.concurrent.ConcurrentHashMap<>();

    /** The node's record as {@link #allRecorded} read it, else as {@link #record(NodeSpec)} reads it now. */
    private NodeRecord recordedByAll(NodeSpec node) {
        NodeRecord known = readByAll.get(node.nodename().full());
        return known != null && node.pidfile().equals(known.pidfile()) ? known : record(node);
    }

    /** Nodenames of {@link #allRecorded} whose record is not trusted, and why. */
    private final Map<String, String> untrusted = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Every node of this user's registry, for {@code --all}, in nodename order, each with its
     * own pidfile and command line. A record that is not trusted is in the list too, so that
     * every operation names it; none acts on it ({@code status} reports it "unknown").
     */
    public List<NodeSpec> allRecorded() {
        List<NodeSpec> nodes = new ArrayList<>();
        for (NodeRegistry.Entry e : registry.all()) {
            int index = nodes.size() + 1;
            if (e.record() != null) {
                try {
                    nodes.add(RecordedNodes.spec(index, e.record()));
                    readByAll.put(e.nodename(), e.record());
                    continue;
                } catch (DroverException bad) {
                    untrusted.put(e.nodename(), "node record of " + e.nodename() + ": " + bad.getMessage() + "; not trusted");
                }
            } else {
                untrusted.put(e.nodename(), e.problem());
            }
            io.drover.core.NodeName name;
            try {
                name = io.drover.core.NodeName.parse(e.nodename());
            } catch (DroverException bad) {
                name = io.drover.core.NodeName.parse(io.drover.core.NodeName.printable(e.nodename()).replace('/', '_'));
                untrusted.put(name.full(), e.problem() == null ? bad.getMessage() : e.problem());
            }
            nodes.add(new NodeSpec(index, name.shortName(), name, "", "", Map.of(), List.of()));
        }
        return nodes;
    }

    /** Ends the warning that names a node whose record is not trusted: nothing is done to it. */
    public static final String SKIPPED = "skipped";

    /**
     * The nodes whose records are trusted. Each other one is named: a warning that says it is
     * {@link #SKIPPED}, or for status the state "unknown". None of them changes the exit code
     * (status's aside): as an empty registry, a registry of untrusted records leaves nothing to do.
     */
    private List<NodeSpec> trusted(List<NodeSpec> nodes, boolean asStatus) {
        if (untrusted.isEmpty()) {
            return nodes;
        }
        List<NodeSpec> trusted = new ArrayList<>();
        for (NodeSpec node : nodes) {
            String problem = untrusted.get(node.nodename().full());
            if (problem == null) {
                trusted.add(node);
            } else {
                listener.node(node, asStatus ? new NodeEvent.Status("unknown", -1, null, null, problem)
                        : new NodeEvent.Warning(problem + "; " + SKIPPED));
            }
        }
        return trusted;
    }

    /**
     * Removes the records of nodes that are not running; a running one (its recorded pidfile
     * held, or its nodename run by a process of this user) is refused, exit 1 for it.
     */
    public int forget(List<NodeSpec> nodes) {
        listener.phase("Forgetting nodes", nodes);
        List<NodeEvent> results = new ArrayList<>();
        for (NodeSpec node : nodes) {
            String nodename = node.nodename().full();
            NodeRecord r;
            try {
                r = registry.find(nodename).orElse(null);
            } catch (DroverException corrupt) {
                r = null; // an untrusted record can be forgotten: its pidfile is not looked at
            }
            NodeEvent result;
            try {
                String pidfile = r != null ? r.pidfile() : node.pidfile();
                Integer uid = r != null ? r.uid() : null;
                // an untrusted record from --all has no pidfile to look at: the process table decides
                PidfileState state = pidfile.isEmpty() ? null : Pidfile.inspect(Path.of(pidfile), NodeIdentity.of(nodename, uid));
                NodeIdentity.Running other = elsewhere(node, null);
                if (state instanceof PidfileState.Running running) {
                    result = new NodeEvent.Failed(ExitCode.NODE_FAILED, "runs as pid " + running.pid() + " with pidfile "
                            + pidfile + "; stop it first");
                } else if (other != null) {
                    result = new NodeEvent.Failed(ExitCode.NODE_FAILED, "runs as pid " + other.pid()
                            + (other.pidfile() == null ? "" : " with pidfile " + other.pidfile()) + "; stop it first");
                } else {
                    result = new NodeEvent.Forgotten(registry.forget(nodename));
                }
            } catch (DroverException e) {
                result = new NodeEvent.Failed(e.exitCode(), e.getMessage());
            }
            listener.node(node, result);
            results.add(result);
        }
        return exitStatus(results);
    }

    private void remember(NodeSpec node, List<String> argv) {
        remember(node, argv, null);
    }

    /**
     * Records a start: a node drover started before counts one restart more; {@code lastExit} how
     * it last ended, when the caller saw it (supervise), else what the record already says.
     */
    void remember(NodeSpec node, List<String> argv, String exit) {
        try {
            int restarts = 0;
            String lastExit = exit;
            // a record made for another pidfile is another deployment of that name: its count
            // starts again (record() reads only a trusted record of this pidfile)
            NodeRecord before = record(node);
            if (before != null) {
                restarts = before.restarts() + 1;
                lastExit = exit != null ? exit : before.lastExit();
            }
            Identity id = identity(node);
            Integer uid = id != null ? Integer.valueOf(id.uid()) : ProcessTable.uid(ProcessHandle.current().pid()).orElse(null);
            registry.write(new NodeRecord(node.nodename().full(), node.pidfile(), node.logfile(), argv,
                    java.time.Instant.now(), restarts, lastExit, null, uid));
        } catch (DroverException e) {
            listener.node(node, new NodeEvent.Warning(e.getMessage()));
        }
    }

    /** The user a node drops to, or null when it keeps ours. */
    private Identity identity(NodeSpec node) {
        return launcher.identity(LaunchSpecs.runAs(node));
    }

    private record Signalled(Map<NodeSpec, Long> pids, List<NodeEvent> failures) {}

    private Signalled signalAll(List<NodeSpec> nodes, int signal) {
        Map<NodeSpec, Long> pids = new LinkedHashMap<>();
        List<NodeEvent> failures = new ArrayList<>();
        for (NodeSpec node : nodes) {
            PidfileState state;
            try {
                state = Pidfile.inspect(Path.of(node.pidfile()), check(node));
            } catch (DroverException e) {
                NodeEvent failed = new NodeEvent.Failed(e.exitCode(), e.getMessage());
                listener.node(node, failed);
                failures.add(failed);
                continue;
            }
            if (state instanceof PidfileState.Running running) {
                NodeEvent sent = signalOne(node, running.pid(), signal);
                if (sent instanceof NodeEvent.Signalled) {
                    pids.put(node, running.pid());
                } else if (sent instanceof NodeEvent.Failed) {
                    failures.add(sent);
                }
            } else if (state instanceof PidfileState.Stale stale) {
                listener.node(node, new NodeEvent.StaleIgnored(stale.reason()));
            } else {
                listener.node(node, new NodeEvent.NotRunning());
            }
        }
        return new Signalled(pids, failures);
    }

    private NodeEvent signalOne(NodeSpec node, long pid, int signal) {
        NodeEvent event;
        try {
            event = posix.get().kill(pid, signal) ? new NodeEvent.Signalled(signal, pid) : new NodeEvent.NotRunning();
        } catch (DroverException e) {
            event = new NodeEvent.Failed(e.exitCode(), e.getMessage());
        }
        listener.node(node, event);
        return event;
    }

    /** Waits until every process is gone; 0, or 1 after naming the ones still alive at the deadline. */
    private int awaitDown(Map<NodeSpec, Long> pids, Duration timeout, int signal) {
        if (pids.isEmpty()) {
            return ExitCode.OK;
        }
        List<NodeSpec> remaining = new ArrayList<>(pids.keySet());
        listener.waiting(List.copyOf(remaining));
        long start = System.nanoTime();
        long nextTick = start + WAITING_REPORT.toNanos();
        while (!remaining.isEmpty()) {
            remaining.removeIf(node -> {
                long pid = pids.get(node);
                if (ProcessTable.isAlive(pid)) {
                    return false;
                }
                Pidfile.removeIfStale(Path.of(node.pidfile()), check(node));
                noteExit(node, pid, signal);
                listener.node(node, new NodeEvent.Down(pid));
                return true;
            });
            if (remaining.isEmpty()) {
                break;
            }
            long now = System.nanoTime();
            if (!timeout.isZero() && now - start >= timeout.toNanos()) {
                remaining.forEach(node -> listener.node(node, new NodeEvent.StillAlive(pids.get(node))));
                return ExitCode.NODE_FAILED;
            }
            if (now >= nextTick) {
                nextTick += WAITING_REPORT.toNanos();
                listener.waiting(List.copyOf(remaining));
            }
            sleep(POLL);
        }
        return ExitCode.OK;
    }

    private static boolean awaitGone(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ProcessTable.isAlive(pid)) {
            if (!timeout.isZero() && System.nanoTime() >= deadline) {
                return false;
            }
            sleep(POLL);
        }
        return true;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DroverException(ExitCode.NODE_FAILED, "interrupted while waiting for nodes to exit");
        }
    }

    private static List<NodeEvent> parallel(List<NodeSpec> nodes, Function<NodeSpec, NodeEvent> task) {
        if (nodes.isEmpty()) {
            // every node skipped (restart --all of untrusted records): a pool of no threads is an error
            return List.of();
        }
        if (nodes.size() == 1) {
            return List.of(task.apply(nodes.get(0)));
        }
        ExecutorService pool = daemonPool(nodes.size(), "drover-node");
        try {
            List<Future<NodeEvent>> futures = new ArrayList<>();
            for (NodeSpec node : nodes) {
                futures.add(pool.submit(() -> task.apply(node)));
            }
            List<NodeEvent> results = new ArrayList<>();
            for (Future<NodeEvent> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof DroverException d) {
                        results.add(new NodeEvent.Failed(d.exitCode(), d.getMessage()));
                    } else {
                        throw new IllegalStateException("node operation failed: " + cause, cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DroverException(ExitCode.NODE_FAILED, "interrupted");
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** At most {@link #MAX_PARALLEL} daemon threads named {@code name}, one per task up to that. */
    private static ExecutorService daemonPool(int tasks, String name) {
        return Executors.newFixedThreadPool(Math.min(tasks, MAX_PARALLEL), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * 0 when nothing failed. When every failure has the same specific cause (permission, a file
     * that cannot be created, java missing) its sysexits code, so a script can tell; else 1.
     */
    static int exitStatus(List<NodeEvent> results) {
        Integer common = null;
        for (NodeEvent e : results) {
            if (e instanceof NodeEvent.Failed f) {
                int code = f.exitCode() == ExitCode.OK ? ExitCode.NODE_FAILED : f.exitCode();
                common = common == null || common == code ? Integer.valueOf(code) : Integer.valueOf(ExitCode.NODE_FAILED);
            }
        }
        if (common == null) {
            return ExitCode.OK;
        }
        return switch (common) {
            case ExitCode.NO_USER, ExitCode.UNAVAILABLE, ExitCode.CANT_CREATE, ExitCode.NO_PERMISSION, ExitCode.USAGE -> common;
            default -> ExitCode.NODE_FAILED;
        };
    }
}
