package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.Signals;
import io.drover.core.Templates;
import io.drover.core.Umask;
import io.drover.posix.Identity;
import io.drover.posix.Pidfile;
import io.drover.posix.PidfileState;
import io.drover.posix.Posix;
import io.drover.posix.ProcessTable;
import io.drover.registry.NodeRecord;
import io.drover.registry.NodeRegistry;
import io.drover.worker.Detacher;
import io.drover.worker.NodeIdentity;
import io.drover.worker.ReadyMark;
import io.drover.worker.RootPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
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

    private final Supplier<Posix> posix;
    private final ClusterListener listener;
    private final Host host;

    private final NodeRegistry registry;

    public Cluster(Supplier<Posix> posix, ClusterListener listener, Host host) {
        this.posix = posix;
        this.listener = listener;
        this.host = host;
        this.registry = new NodeRegistry(Path.of(host.registryDir()));
    }

    /** Starts every node that is not running, in parallel; 0 if all run afterwards. */
    public int start(List<NodeSpec> nodes, Duration startTimeout) {
        checkRootPolicy(nodes);
        listener.phase("Starting nodes", nodes);
        List<NodeEvent> results = parallel(nodes, node -> startOne(node, NodeCommand.argv(node), startTimeout));
        return exitStatus(results);
    }

    /**
     * {@code DROVER_FAKEFORK=1 multi start}: runs each node in turn in the foreground, its
     * output on this terminal, as celery's C_FAKEFORK does, to see why a node will not start.
     *
     * @return the exit status of the last node
     */
    public int startInForeground(List<NodeSpec> nodes) {
        checkRootPolicy(nodes);
        listener.phase("Starting nodes in the foreground (DROVER_FAKEFORK=1)", nodes);
        int code = ExitCode.OK;
        for (NodeSpec node : nodes) {
            // the node checks and makes its directories itself (Node.run, run by hand)
            ProcessBuilder pb = new ProcessBuilder(NodeCommand.argv(node)).inheritIO();
            pb.environment().put("DROVER_FAKEFORK", "1");
            String workdir = node.option("--workdir");
            if (workdir != null) {
                pb.directory(new java.io.File(workdir));
            }
            try {
                code = pb.start().waitFor();
            } catch (java.io.IOException e) {
                throw new DroverException(ExitCode.UNAVAILABLE, "cannot run " + pb.command().get(0) + ": " + e.getMessage());
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
        return exitStatus(signalAll(nodes, signal).failures);
    }

    /**
     * Sends {@code signal}, then waits until every signalled process is gone, removing pidfiles a
     * killed node could not remove.
     *
     * @param timeout how long to wait; zero waits without limit
     */
    public int stopwait(List<NodeSpec> nodes, int signal, Duration timeout) {
        listener.phase("Stopping nodes", nodes);
        Signalled signalled = signalAll(nodes, signal);
        int waited = awaitDown(signalled.pids, timeout);
        return Math.max(exitStatus(signalled.failures), waited);
    }

    /** SIGKILL to every running node, then waits for them to be gone and removes their pidfiles. */
    public int kill(List<NodeSpec> nodes) {
        listener.phase("Killing nodes", nodes);
        Signalled signalled = signalAll(nodes, Signals.KILL);
        int waited = awaitDown(signalled.pids, Duration.ofSeconds(30));
        return Math.max(exitStatus(signalled.failures), waited);
    }

    /**
     * Stops each running node and starts it again as soon as it is down; starts nodes that were
     * not running. A node restarted with no worker options given re-runs the command line it
     * was started with, so a restart never forgets options.
     */
    public int restart(List<NodeSpec> nodes, int signal, Duration timeout, Duration startTimeout) {
        checkRootPolicy(nodes);
        listener.phase("Restarting nodes", nodes);
        return exitStatus(parallel(nodes, node -> restartOne(node, signal, timeout, startTimeout)));
    }

    /**
     * {@code restart --rolling}: {@code batch} nodes at a time, the next batch only once every
     * node of this one reported ready, so the others keep serving. A node that does not come
     * back stops the roll: it is named, the nodes not yet restarted are left running, exit 1.
     */
    public int restartRolling(List<NodeSpec> nodes, int signal, Duration timeout, Duration startTimeout, int batch) {
        checkRootPolicy(nodes);
        listener.phase("Restarting nodes, " + batch + " at a time", nodes);
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

    /** Said of each node a stopped rolling restart left alone. */
    public static final String ROLL_STOPPED = "not restarted: the rolling restart stopped at a node that did not come back";

    private NodeEvent restartOne(NodeSpec node, int signal, Duration timeout, Duration startTimeout) {
        // The command line comes from drover's own record, never from the running process:
        // the node's user controls that process and its pidfile (docs/security.md, S1).
        List<String> argv = NodeCommand.argv(node);
        if (node.options().isEmpty() && node.passthrough().isEmpty()) {
            argv = recorded(node).orElse(argv);
        }
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
            listener.node(node, new NodeEvent.Down(running.pid()));
        }
        return startOne(node, argv, startTimeout);
    }

    /** LSB status: 0 all running, 1 a node is dead with its pidfile left, 3 not running. */
    public int status(List<NodeSpec> nodes) {
        listener.phase("Status", nodes);
        boolean dead = false;
        boolean stopped = false;
        for (NodeSpec node : nodes) {
            PidfileState state;
            try {
                state = Pidfile.inspect(Path.of(node.pidfile()), NodeIdentity.of(node.nodename().full(), null));
            } catch (DroverException e) {
                listener.node(node, new NodeEvent.Status("unknown", -1, null, node.pidfile(), e.getMessage()));
                dead = true;
                continue;
            }
            recordOf(node).ifPresent(r -> listener.node(node, new NodeEvent.Recorded(r.restarts(), r.lastExit())));
            if (state instanceof PidfileState.Running r) {
                // alive but not yet ready (or its starter died before it was): "starting"
                String running = ProcessTable.hasThread(r.pid(), ReadyMark.THREAD) ? "running" : "starting";
                listener.node(node, new NodeEvent.Status(running, r.pid(), ProcessTable.uptime(r.pid()).orElse(null),
                        node.pidfile(), null));
            } else if (state instanceof PidfileState.Stale s) {
                dead = true;
                listener.node(node, new NodeEvent.Status(s.pidAlive() ? "stale" : "dead", s.pid(), null, node.pidfile(),
                        s.reason()));
            } else {
                stopped = true;
                listener.node(node, new NodeEvent.Status("stopped", -1, null, node.pidfile(), null));
            }
        }
        return dead ? ExitCode.STATUS_DEAD_PIDFILE : stopped ? ExitCode.STATUS_NOT_RUNNING : ExitCode.STATUS_RUNNING;
    }

    private NodeEvent startOne(NodeSpec node, List<String> argv, Duration startTimeout) {
        NodeEvent result;
        try {
            result = spawn(node, argv, startTimeout);
        } catch (DroverException e) {
            result = new NodeEvent.Failed(e.exitCode(), e.getMessage());
        }
        if (result instanceof NodeEvent.Started) {
            remember(node, argv);
        }
        listener.node(node, result);
        return result;
    }

    private NodeEvent spawn(NodeSpec node, List<String> argv, Duration startTimeout) {
        return spawn(node, argv, startTimeout, null);
    }

    /**
     * One node's start for supervise: as {@code start} does it, reporting and recording
     * nothing; with a {@code heartbeat} the node beats on its handshake pipe ({@link NodeEvent.Started#channel}).
     */
    NodeEvent spawnSupervised(NodeSpec node, List<String> argv, Duration startTimeout, Duration heartbeat) {
        try {
            return spawn(node, argv, startTimeout, heartbeat);
        } catch (DroverException e) {
            return new NodeEvent.Failed(e.exitCode(), e.getMessage());
        }
    }

    private NodeEvent spawn(NodeSpec node, List<String> argv, Duration startTimeout, Duration heartbeat) {
        Path pidfile = Path.of(node.pidfile());
        PidfileState state = Pidfile.inspect(pidfile, check(node));
        if (state instanceof PidfileState.Running running) {
            return new NodeEvent.AlreadyRunning(running.pid());
        }
        String replaced = state instanceof PidfileState.Stale stale ? stale.reason() : null;
        Identity owner = identity(node);
        NodeIdentity.Running other = elsewhere(node, owner);
        if (other != null) {
            // one process per nodename: never a second drover1@HOST beside one started with
            // another pidfile template (or whose pidfile its user removed)
            return new NodeEvent.Failed(ExitCode.NODE_FAILED, "already runs as pid " + other.pid()
                    + (other.pidfile() == null ? "" : " with pidfile " + other.pidfile())
                    + "; stop it first, or give that pidfile");
        }
        String logfile = Templates.expandForProcess(node.logfile(), node.nodename(), Templates.MAIN_PROCESS, "--logfile");
        Detacher.Outcome outcome = Detacher.start(posix.get(), argv, node.pidfile(), logfile, umask(node),
                node.option("--workdir"), startTimeout, owner, heartbeat);
        if (outcome instanceof Detacher.Outcome.Ready ready) {
            return new NodeEvent.Started(ready.pid(), replaced, ready.channel());
        }
        if (outcome instanceof Detacher.Outcome.AlreadyRunning running) {
            return new NodeEvent.AlreadyRunning(running.pid());
        }
        Detacher.Outcome.Failed failed = (Detacher.Outcome.Failed) outcome;
        return new NodeEvent.Failed(failed.exitCode(), failed.reason(), failed.trace());
    }

    private static Integer umask(NodeSpec node) {
        String value = node.option("--umask");
        return value == null ? null : Umask.parse(value);
    }

    /**
     * Refuses, before anything is spawned, what would fail every node alike: an application as
     * root (docs/design.md, "Root is refused for applications"), a user or group that does not exist, a umask out of range.
     */
    void checkRootPolicy(List<NodeSpec> nodes) {
        for (NodeSpec node : nodes) {
            RootPolicy.check(host.root(), node.option("-A", "--app"), node.option("--uid"),
                    host.env().get(RootPolicy.FORCE_ROOT));
            identity(node);
            umask(node);
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
        try {
            return registry.find(node.nodename().full()).filter(r -> node.pidfile().equals(r.pidfile()))
                    .map(NodeRecord::uid).orElse(null);
        } catch (DroverException e) {
            return null;
        }
    }

    private Map<String, List<NodeIdentity.Running>> everyNode;

    /** This machine's drover nodes, looked up once per operation, before anything starts. */
    private synchronized Map<String, List<NodeIdentity.Running>> everyNode() {
        if (everyNode == null) {
            everyNode = NodeIdentity.everyNode();
        }
        return everyNode;
    }

    /**
     * A live process that runs this node's nodename under another pidfile, as root, the caller
     * or the node's user (a process of any other user proves nothing).
     */
    private NodeIdentity.Running elsewhere(NodeSpec node, Identity owner) {
        int self = ProcessTable.uid(ProcessHandle.current().pid()).orElse(-1);
        for (NodeIdentity.Running r : everyNode().getOrDefault(node.nodename().full(), List.of())) {
            boolean trusted = r.uid() == 0 || r.uid() == self || owner != null && r.uid() == owner.uid();
            // one on the same pidfile is left to the pidfile's lock (a concurrent start of ours)
            boolean samePidfile = r.pidfile() != null && Path.of(r.pidfile()).toAbsolutePath().normalize()
                    .equals(Path.of(node.pidfile()).toAbsolutePath().normalize());
            if (trusted && !samePidfile && ProcessTable.isAlive(r.pid())) {
                return r;
            }
        }
        return null;
    }

    /** The command line drover recorded when it last started this node, if it did. */
    private java.util.Optional<List<String>> recorded(NodeSpec node) {
        try {
            // a record made for another pidfile is another deployment of that name
            return registry.find(node.nodename().full()).filter(r -> node.pidfile().equals(r.pidfile()))
                    .map(NodeRecord::argv);
        } catch (DroverException e) {
            listener.node(node, new NodeEvent.Warning(e.getMessage()));
            return java.util.Optional.empty();
        }
    }

    private void remember(NodeSpec node, List<String> argv) {
        remember(node, argv, null);
    }

    /** The registry's record of a node, if there is one to trust. */
    java.util.Optional<NodeRecord> recordOf(NodeSpec node) {
        try {
            return registry.find(node.nodename().full());
        } catch (DroverException e) {
            return java.util.Optional.empty();
        }
    }

    /** Records a start: a node drover started before counts one restart more; {@code lastExit} how it last ended. */
    void remember(NodeSpec node, List<String> argv, String lastExit) {
        try {
            int restarts = 0;
            try {
                restarts = registry.find(node.nodename().full()).map(r -> r.restarts() + 1).orElse(0);
            } catch (DroverException corrupt) {
                // replaced by the record written now
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
        String uid = node.option("--uid");
        String gid = node.option("--gid");
        return uid == null && gid == null ? null : posix.get().identity(uid, gid).requireGroup(uid, gid);
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
    private int awaitDown(Map<NodeSpec, Long> pids, Duration timeout) {
        if (pids.isEmpty()) {
            return ExitCode.OK;
        }
        List<NodeSpec> remaining = new ArrayList<>(pids.keySet());
        listener.waiting(List.copyOf(remaining));
        long start = System.nanoTime();
        long nextTick = start + 1_000_000_000L;
        while (!remaining.isEmpty()) {
            remaining.removeIf(node -> {
                long pid = pids.get(node);
                if (ProcessTable.isAlive(pid)) {
                    return false;
                }
                Pidfile.removeIfStale(Path.of(node.pidfile()), check(node));
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
                nextTick += 1_000_000_000L;
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
        if (nodes.size() == 1) {
            return List.of(task.apply(nodes.get(0)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(nodes.size(), 64), r -> {
            Thread t = new Thread(r, "drover-node");
            t.setDaemon(true);
            return t;
        });
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
