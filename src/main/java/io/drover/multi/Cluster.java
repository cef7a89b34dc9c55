package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.Signals;
import io.drover.launch.Launcher;
import io.drover.launch.NodeStarter;
import io.drover.posix.PidfileState;
import io.drover.posix.Posix;
import io.drover.registry.NodeRecord;
import io.drover.registry.NodeRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The operations of {@code multi} over a list of nodes: each acts on a {@link NodeHandle} per
 * node, within a {@link Snapshot} made for it, and fans out and sums up. Reports through a
 * {@link ClusterListener}, never prints; returns the command's exit status. The native layer
 * is asked for only when a node must be spawned or signalled, so {@code status} never loads it.
 */
public final class Cluster {
    /**
     * How long a SIGKILLed node may take to be gone: the signal cannot be caught, so only a
     * process stuck in the kernel (uninterruptible sleep, a dying NFS mount) outlives it.
     */
    static final Duration KILL_WAIT = Duration.ofSeconds(30);

    /**
     * A start refused: a live process of this nodename, started from this node registry under
     * another pidfile (the pid, then {@code " with pidfile P"} or nothing).
     */
    public static final String NAME_TAKEN = "already runs as pid %d%s, started from this node registry: "
            + Fixes.NAME_TAKEN;
    /** {@link #NAME_TAKEN} for a process started outside any registry drover can read: the name is taken in all. */
    public static final String NAME_TAKEN_OUTSIDE = "already runs as pid %d%s, started outside any node registry"
            + " drover can read (by hand, or by an older drover), so its name is taken in every one: " + Fixes.NAME_TAKEN;

    private static final class Fixes {
        /**
         * What to do about a name taken: usually a new node that wants a name of its own, which
         * comes first; stopping the other is for when it is the same node, started elsewhere.
         */
        static final String NAME_TAKEN = "give this node another name (other names, --range-prefix or --prefix),"
                + " or stop that one first (give its pidfile to reach it)";
    }
    /** Said of each node a stopped rolling restart left alone. */
    public static final String ROLL_STOPPED = "not restarted: the rolling restart stopped at a node that did not come back";
    /** A start refused: the node runs (the pid) though its pidfile (the path) is gone. */
    public static final String PIDFILE_LOST = "already runs as pid %d, but its pidfile %s is gone (removed while it"
            + " ran); stop it first: stop, stopwait, kill and restart find it without its pidfile";
    /** Ends the warning that names a node whose record is not trusted: nothing is done to it. */
    public static final String SKIPPED = "skipped";

    private final StartWindow window = new StartWindow();
    private final Supplier<Posix> posix;
    private final ClusterListener listener;
    private final Path registryDir;
    private final NodeStarter launcher;

    public Cluster(Supplier<Posix> posix, ClusterListener listener, Host host) {
        this(posix, listener, Path.of(host.registryDir()), new Launcher(posix, host));
    }

    /** A cluster whose nodes {@code launcher} starts, recorded in {@code registryDir}. */
    Cluster(Supplier<Posix> posix, ClusterListener listener, Path registryDir, NodeStarter launcher) {
        this.posix = posix;
        this.listener = listener;
        this.registryDir = registryDir;
        this.launcher = launcher;
    }

    /** A fresh view of the registry and the machine, for one operation. */
    public Snapshot snapshot() {
        return new Snapshot(new NodeRegistry(registryDir), launcher);
    }

    /** The handle of {@code node} in {@code snapshot}; its warnings go to the listener. */
    NodeHandle handle(Snapshot snapshot, NodeSpec node) {
        return handle(snapshot, node, false);
    }

    /** {@link #handle(Snapshot, NodeSpec)}, started as given when {@code asGiven} (supervise), never from its record. */
    NodeHandle handle(Snapshot snapshot, NodeSpec node, boolean asGiven) {
        return new NodeHandle(node, snapshot, posix, window, w -> listener.node(node, new NodeEvent.Warning(w)), asGiven);
    }

    /** Starts every node that is not running, in parallel; 0 if all run afterwards. */
    public int start(Snapshot snapshot, List<NodeSpec> nodes, Duration startTimeout) {
        List<NodeHandle> handles = checked(snapshot, nodes);
        listener.phase("Starting nodes", nodes);
        List<NodeHandle> starting = trusted(snapshot, handles, false);
        Set<NodeSpec> pending = Collections.synchronizedSet(new LinkedHashSet<>());
        starting.forEach(h -> pending.add(h.node()));
        Thread report = Waits.reportStillStarting(listener, pending);
        try {
            return FanOut.exitStatus(inOrder(starting, h -> {
                try {
                    return startOne(h, startTimeout);
                } finally {
                    pending.remove(h.node());
                }
            }, h -> pending.remove(h.node())));
        } finally {
            report.interrupt();
            try {
                report.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }


    /**
     * {@code multi dryrun}: what {@link #start} would refuse, each problem a {@link NodeEvent.Failed}
     * of its node, with nothing made, started or recorded, and the code start would exit with.
     * A registry that could not record the start is thrown, as start throws it.
     * A node refused before anything starts ({@link NodeHandle#checkStart}: a umask out of range,
     * an application as root, a user that does not exist) is named with that alone, and the first
     * such node's code is the exit code, as start throws it; otherwise a node's first problem is
     * its start's failure ({@link NodeHandle#preflight}), summed up as start sums its nodes up.
     */
    public int preflight(Snapshot snapshot, List<NodeSpec> nodes) {
        snapshot.registry().checkCouldWrite();
        Integer refused = null;
        List<NodeEvent> outcomes = new ArrayList<>();
        for (NodeHandle h : handles(snapshot, nodes)) {
            List<NodeEvent.Failed> problems;
            try {
                h.checkStart();
                problems = h.preflight();
            } catch (DroverException e) {
                refused = refused == null ? Integer.valueOf(e.exitCode()) : refused;
                problems = List.of(new NodeEvent.Failed(e.exitCode(), e.getMessage()));
            }
            problems.forEach(p -> listener.node(h.node(), p));
            if (!problems.isEmpty()) {
                outcomes.add(problems.get(0));
            }
        }
        return refused != null ? refused : FanOut.exitStatus(outcomes);
    }

    /**
     * {@code DROVER_FAKEFORK=1 multi start}: runs each node in turn in the foreground, its
     * output on this terminal, as celery's C_FAKEFORK does, to see why a node will not start.
     *
     * @return the exit status of the last node
     */
    public int startInForeground(List<NodeSpec> nodes) {
        nodes.forEach(node -> launcher.check(LaunchSpecs.of(node)));
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
    public int stop(Snapshot snapshot, List<NodeSpec> nodes, int signal) {
        listener.phase("Stopping nodes", nodes);
        List<NodeEvent> failures = new ArrayList<>();
        // dependents first; stop does not wait, so only the signals are in order (stopwait waits)
        for (List<NodeHandle> level : stopLevels(trusted(snapshot, handles(snapshot, nodes), false))) {
            failures.addAll(signalAll(level, signal).failures);
        }
        return FanOut.exitStatus(failures);
    }

    /**
     * Sends {@code signal}, then waits until every signalled process is gone, removing pidfiles a
     * killed node could not remove.
     *
     * @param timeout how long to wait; zero waits without limit
     * @param killAfter {@code --kill-after-timeout}: the nodes alive at the timeout are asked for a
     *     thread dump, then killed (else they are named, exit 1)
     */
    public int stopwait(Snapshot snapshot, List<NodeSpec> nodes, int signal, Duration timeout, boolean killAfter) {
        listener.phase("Stopping nodes", nodes);
        int code = ExitCode.OK;
        long deadline = System.nanoTime() + timeout.toNanos();
        // dependents first, each level down before the nodes it is after are signalled; the
        // timeout is for the whole command, as without --after
        for (List<NodeHandle> level : stopLevels(trusted(snapshot, handles(snapshot, nodes), false))) {
            Signalled signalled = signalAll(level, signal);
            Duration left = timeout.isZero() ? timeout : Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            code = Math.max(code, Math.max(FanOut.exitStatus(signalled.failures),
                    Waits.awaitDown(listener, signalled.pids, left, signal, killAfter)));
        }
        return code;
    }

    /** SIGKILL to every running node, then waits for them to be gone and removes their pidfiles. */
    public int kill(Snapshot snapshot, List<NodeSpec> nodes) {
        listener.phase("Killing nodes", nodes);
        int code = ExitCode.OK;
        for (List<NodeHandle> level : stopLevels(trusted(snapshot, handles(snapshot, nodes), false))) {
            Signalled signalled = signalAll(level, Signals.KILL);
            code = Math.max(code, Math.max(FanOut.exitStatus(signalled.failures),
                    Waits.awaitDown(listener, signalled.pids, KILL_WAIT, Signals.KILL)));
        }
        return code;
    }

    /**
     * Stops each running node and starts it again as soon as it is down; starts nodes that were
     * not running. A node restarted with no worker options given is started with the options
     * drover recorded for it, so a restart never forgets options.
     */
    public int restart(Snapshot snapshot, List<NodeSpec> nodes, int signal, Duration timeout, Duration startTimeout) {
        List<NodeHandle> handles = checked(snapshot, nodes);
        listener.phase("Restarting nodes", nodes);
        handles = trusted(snapshot, handles, false);
        if (!ordered(handles)) {
            return FanOut.exitStatus(FanOut.events(handles, h -> restartOne(h, signal, timeout, startTimeout)));
        }
        // in order: every node stopped, dependents first, then started, dependencies first
        Map<NodeHandle, NodeEvent> notStopped = new java.util.concurrent.ConcurrentHashMap<>();
        for (List<NodeHandle> level : stopLevels(handles)) {
            FanOut.events(level, h -> {
                NodeEvent failed = stopToRestart(h, signal, timeout);
                if (failed != null) {
                    notStopped.put(h, failed);
                }
                return failed != null ? failed : new NodeEvent.NotRunning(); // a result FanOut can hold, not reported
            });
        }
        return FanOut.exitStatus(inOrder(handles,
                h -> notStopped.containsKey(h) ? notStopped.get(h) : startOne(h, startTimeout), h -> { }));
    }

    /**
     * Refuses nodes of which drover knows nothing ({@link NodeHandle#known}: no record, no
     * pidfile, no process of that nodename) before anything is stopped or started, as a usage
     * error naming them (exit 64): a restart of such a name is a typo more often than a new
     * node ({@code restart nc9} beside nc1..nc3), and {@code start} is the way to make new
     * nodes. A recorded node that is stopped is known, and restarted.
     */
    public void refuseUnknown(Snapshot snapshot, List<NodeSpec> nodes) {
        List<NodeSpec> unknown = new ArrayList<>();
        for (NodeSpec node : nodes) {
            if (!handle(snapshot, node).known()) {
                unknown.add(node);
            }
        }
        if (!unknown.isEmpty()) {
            throw UnknownNodes.refusal(unknown, snapshot.recordedNames());
        }
    }

    /**
     * {@code restart --rolling}: {@code batch} nodes at a time, the next batch only once every
     * node of this one reported ready, so the others keep serving. A node that does not come
     * back stops the roll: it is named, the nodes not yet restarted are left running, exit 1.
     */
    public int restartRolling(Snapshot snapshot, List<NodeSpec> nodes, int signal, Duration timeout,
                              Duration startTimeout, int batch) {
        List<NodeHandle> handles = checked(snapshot, nodes);
        listener.phase("Restarting nodes, " + batch + " at a time", nodes);
        handles = trusted(snapshot, handles, false);
        if (ordered(handles)) {
            // a roll goes in start order: a node comes back after the nodes it is after
            handles = StartOrder.ordered(handles, Cluster::full, NodeHandle::after);
        }
        for (int i = 0; i < handles.size(); i += batch) {
            List<NodeHandle> group = handles.subList(i, Math.min(handles.size(), i + batch));
            int code = FanOut.exitStatus(FanOut.events(group, h -> restartOne(h, signal, timeout, startTimeout)));
            if (code != ExitCode.OK) {
                handles.subList(Math.min(handles.size(), i + batch), handles.size())
                        .forEach(h -> listener.node(h.node(), new NodeEvent.Warning(ROLL_STOPPED)));
                return code;
            }
        }
        return ExitCode.OK;
    }

    /** LSB status: 0 all running, 1 a node is dead with its pidfile left, 3 not running. */
    public int status(Snapshot snapshot, List<NodeSpec> nodes) {
        listener.phase("Status", nodes);
        List<NodeHandle> trusted = trusted(snapshot, handles(snapshot, nodes), true);
        boolean dead = nodes.size() != trusted.size();
        boolean stopped = false;
        // a node's pidfile, record and /proc are a few reads of CPU each, looked at in turn (50
        // threads doing that at once on two cores were slower); only the health ports are asked
        // in parallel, as one that does not answer costs up to a second
        List<NodeHandle.Look> looks = trusted.stream().map(NodeHandle::look).toList();
        List<String> health = HealthProbe.all(looks.stream().map(NodeHandle.Look::healthPort).toList());
        for (int i = 0; i < trusted.size(); i++) {
            NodeEvent.Status look = looks.get(i).status();
            switch (look.state()) {
                case UNKNOWN, STALE, DEAD -> dead = true;
                case STOPPED -> stopped = true;
                case RUNNING, STARTING -> { }
            }
            listener.node(trusted.get(i).node(), health.get(i) == null ? look : look.withHealth(health.get(i)));
        }
        return dead ? ExitCode.STATUS_DEAD_PIDFILE : stopped ? ExitCode.STATUS_NOT_RUNNING : ExitCode.STATUS_RUNNING;
    }

    /**
     * Removes the records of nodes that are not running; a running one (its recorded pidfile
     * held, or its nodename run by a process of this user) is refused, exit 1 for it.
     */
    public int forget(Snapshot snapshot, List<NodeSpec> nodes) {
        listener.phase("Forgetting nodes", nodes);
        List<NodeEvent> results = new ArrayList<>();
        for (NodeHandle h : handles(snapshot, nodes)) {
            NodeEvent result = h.forget();
            listener.node(h.node(), result);
            results.add(result);
        }
        return FanOut.exitStatus(results);
    }

    private NodeEvent startOne(NodeHandle h, Duration startTimeout) {
        NodeSpec node = h.node();
        NodeRecord before = node.optionsGiven() ? h.record() : null;
        NodeEvent result = h.start(startTimeout, null);
        io.drover.core.EnvFile.Changes env = null;
        if (result instanceof NodeEvent.Started) {
            // the settings it was started with: a node restarted from its record keeps its --uid
            env = h.recordStart(null);
        }
        listener.node(node, result);
        if (env != null && !env.none()) {
            listener.node(node, new NodeEvent.EnvChanged(env.changed(), env.added(), env.removed()));
        }
        if (result instanceof NodeEvent.Started && before != null) {
            // options given replace the record: say what is gone, so nothing is lost silently
            List<String> dropped = RecordedNodes.dropped(before, node);
            if (!dropped.isEmpty()) {
                listener.node(node, new NodeEvent.Dropped(dropped));
            }
        }
        return result;
    }

    private NodeEvent restartOne(NodeHandle h, int signal, Duration timeout, Duration startTimeout) {
        NodeEvent failed = stopToRestart(h, signal, timeout);
        return failed != null ? failed : startOne(h, startTimeout);
    }

    /** The first half of a restart: the node stopped and its end noted; null when it is down, else why not. */
    private NodeEvent stopToRestart(NodeHandle h, int signal, Duration timeout) {
        NodeSpec node = h.node();
        // how it will be started, read before it is stopped: a record not trusted is named first
        h.launched(true);
        NodeEvent supervised = h.stopSupervised(signal);
        PidfileState state = supervised == null ? h.inspectOrFind()
                : supervised instanceof NodeEvent.Signalled s ? new PidfileState.Running(s.pid()) : new PidfileState.Absent();
        if (supervised instanceof NodeEvent.Failed) {
            listener.node(node, supervised);
            return supervised;
        }
        if (state instanceof PidfileState.Running running) {
            NodeEvent sent = supervised != null ? supervised : h.signal(running.pid(), signal);
            listener.node(node, sent);
            if (sent instanceof NodeEvent.Failed) {
                return sent;
            }
            if (!Waits.awaitGone(running.pid(), timeout)) {
                listener.node(node, new NodeEvent.StillAlive(running.pid()));
                return new NodeEvent.Failed(ExitCode.NODE_FAILED, "still running (pid " + running.pid() + ")");
            }
            h.removeStalePidfile();
            h.noteExit(running.pid(), signal);
            listener.node(node, new NodeEvent.Down(running.pid()));
        }
        return null;
    }

    /** Said of a node not started because a node it is after did not start (its nodename). */
    public static final String NOT_STARTED = "not started: %s did not start";

    private static String full(NodeHandle h) {
        return h.node().nodename().full();
    }

    /** Whether a node of these is after another of them ({@code --after}, given or recorded). */
    private static boolean ordered(List<NodeHandle> handles) {
        return StartOrder.any(handles, Cluster::full, NodeHandle::after);
    }

    /** The nodes by level, last level first: how stop, stopwait, kill and restart stop them. */
    private static List<List<NodeHandle>> stopLevels(List<NodeHandle> handles) {
        if (!ordered(handles)) {
            return List.of(handles);
        }
        List<List<NodeHandle>> levels = new ArrayList<>(StartOrder.levels(handles, Cluster::full, NodeHandle::after));
        Collections.reverse(levels);
        return levels;
    }

    /**
     * Runs {@code task} for each node, in parallel as {@link FanOut#events} does, but a node
     * that is after others ({@code --after}) only once their tasks came back with anything but a
     * failure: those nodes are ready. A node whose dependency failed is not started: it is
     * reported {@link #NOT_STARTED} (and {@code skipped} run for it), a failure in turn for its
     * own dependents. The tasks are handed to the pool in start order, and the pool runs them
     * first come first served, so a task that waits only ever waits for one that already runs:
     * a cluster larger than the pool cannot deadlock.
     */
    private List<NodeEvent> inOrder(List<NodeHandle> handles, java.util.function.Function<NodeHandle, NodeEvent> task,
                                    java.util.function.Consumer<NodeHandle> skipped) {
        if (!ordered(handles)) {
            return FanOut.events(handles, task);
        }
        Map<String, List<String>> deps = StartOrder.dependencies(handles, Cluster::full, NodeHandle::after);
        Map<String, java.util.concurrent.CompletableFuture<Boolean>> ready = new java.util.HashMap<>();
        handles.forEach(h -> ready.put(full(h), new java.util.concurrent.CompletableFuture<>()));
        return FanOut.events(StartOrder.ordered(handles, Cluster::full, NodeHandle::after), h -> {
            boolean ok = false;
            try {
                for (String dep : deps.get(full(h))) {
                    if (!ready.get(dep).join()) {
                        NodeEvent notStarted = new NodeEvent.Failed(ExitCode.NODE_FAILED, String.format(NOT_STARTED, dep));
                        skipped.accept(h);
                        listener.node(h.node(), notStarted);
                        return notStarted;
                    }
                }
                NodeEvent result = task.apply(h);
                ok = !(result instanceof NodeEvent.Failed);
                return result;
            } finally {
                ready.get(full(h)).complete(ok);
            }
        });
    }

    /**
     * The handles of the nodes, each start refused before anything is spawned or stopped for
     * what would fail it as it will be started (from its record when no options are given): a
     * registry that cannot record it, a umask out of range, an application as root, a user or
     * group that does not exist.
     */
    private List<NodeHandle> checked(Snapshot snapshot, List<NodeSpec> nodes) {
        snapshot.registry().checkWritable();
        List<NodeHandle> handles = handles(snapshot, nodes);
        handles.forEach(NodeHandle::checkStart);
        return handles;
    }

    private List<NodeHandle> handles(Snapshot snapshot, List<NodeSpec> nodes) {
        return nodes.stream().map(n -> handle(snapshot, n)).toList();
    }

    /**
     * The nodes whose records are trusted. Each other one is named: a warning that says it is
     * {@link #SKIPPED}, or for status the state "unknown". None of them changes the exit code
     * (status's aside): as an empty registry, a registry of untrusted records leaves nothing to do.
     */
    private List<NodeHandle> trusted(Snapshot snapshot, List<NodeHandle> handles, boolean asStatus) {
        List<NodeHandle> trusted = new ArrayList<>();
        for (NodeHandle h : handles) {
            String problem = snapshot.untrusted(h.node());
            if (problem == null) {
                trusted.add(h);
            } else {
                listener.node(h.node(), asStatus ? new NodeEvent.Status(NodeEvent.State.UNKNOWN, -1, null, null, problem)
                        : new NodeEvent.Warning(problem + "; " + SKIPPED));
            }
        }
        return trusted;
    }

    private record Signalled(Map<NodeHandle, Long> pids, List<NodeEvent> failures) {}

    private Signalled signalAll(List<NodeHandle> handles, int signal) {
        Map<NodeHandle, Long> pids = new LinkedHashMap<>();
        List<NodeEvent> failures = new ArrayList<>();
        for (NodeHandle h : handles) {
            NodeEvent event;
            try {
                NodeEvent supervised = h.stopSupervised(signal);
                PidfileState state = supervised != null ? null : h.inspectOrFind();
                if (supervised != null) {
                    event = supervised;
                    if (supervised instanceof NodeEvent.Signalled s) {
                        pids.put(h, s.pid());
                    }
                } else if (state instanceof PidfileState.Running running) {
                    event = h.signal(running.pid(), signal);
                    if (event instanceof NodeEvent.Signalled) {
                        pids.put(h, running.pid());
                    }
                } else {
                    event = state instanceof PidfileState.Stale stale ? new NodeEvent.StaleIgnored(stale.reason())
                            : new NodeEvent.NotRunning();
                }
            } catch (DroverException e) {
                event = new NodeEvent.Failed(e.exitCode(), e.getMessage());
            }
            if (event instanceof NodeEvent.Failed) {
                failures.add(event);
            }
            listener.node(h.node(), event);
        }
        return new Signalled(pids, failures);
    }
}
