package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.EnvFile;
import io.drover.core.ExitCode;
import io.drover.core.NodeProtocol;
import io.drover.core.Signals;
import io.drover.launch.LaunchOutcome;
import io.drover.node.StartChecks;
import io.drover.posix.ExitWords;
import io.drover.posix.Identity;
import io.drover.posix.NodeProcesses;
import io.drover.posix.Pidfile;
import io.drover.posix.PidfileState;
import io.drover.posix.Posix;
import io.drover.posix.ProcessStats;
import io.drover.posix.ProcessTable;
import io.drover.registry.NodeRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * One node within one operation: the node as given, as it is started (its record's options when
 * none are given), and every act on its process — inspect, start through the window, signal,
 * record. Its pid comes from one place: the pidfile's holder, checked to be this node
 * ({@link #inspect}), or the spawn the launcher verified ({@link NodeEvent.Started#pid}).
 * Reports nothing but warnings; the caller renders what it returns.
 */
final class NodeHandle {
    private final NodeSpec node;
    private final Snapshot snapshot;
    private final Supplier<Posix> posix;
    private final StartWindow window;
    private final Consumer<String> warn;
    /** Whether the warning that the node's record is not trusted was given. */
    private boolean warned;
    /** Whether the node is started as given even without options (supervise), never from its record. */
    private final boolean asGiven;
    /** The supervise that watches the node, looked for once; {@link #NONE} when none does. */
    private SupervisorLink supervisor;
    private static final SupervisorLink NONE = null;
    private boolean supervisorLooked;
    /** Whether the last start was made by the supervise that watches the node, which recorded it. */
    private boolean startedBySupervisor;
    /** Whether the last stop went through the supervise that watches the node, which records the exit. */
    private boolean stoppedBySupervisor;
    /** Why drover killed the node, for its last exit ("killed: ..., thread dump in ..."); null when it did not. */
    private String killedFor;

    NodeHandle(NodeSpec node, Snapshot snapshot, Supplier<Posix> posix, StartWindow window, Consumer<String> warn) {
        this(node, snapshot, posix, window, warn, false);
    }

    /**
     * @param asGiven start the node as given even when no options are given ({@code supervise}:
     *     its command line, a unit's {@code ExecStart=}, says what the node is), not from its record
     */
    NodeHandle(NodeSpec node, Snapshot snapshot, Supplier<Posix> posix, StartWindow window, Consumer<String> warn,
               boolean asGiven) {
        this.asGiven = asGiven;
        this.node = node;
        this.snapshot = snapshot;
        this.posix = posix;
        this.window = window;
        this.warn = warn;
    }

    /** The node as given. */
    NodeSpec node() {
        return node;
    }

    /** The node's record made at its pidfile, or null (none, another pidfile's, or untrusted). */
    NodeRecord record() {
        return snapshot.record(node, w -> { });
    }

    /**
     * The node as it is started: as given when worker options are given, else as drover
     * recorded it when it last started it at this pidfile (even a node that died), rebuilt with
     * this installation's java and flags. Never the command line of the running process: the
     * node's user controls that process and its pidfile (docs/security.md, S1).
     */
    NodeSpec launched() {
        return launched(false);
    }

    /**
     * {@link #launched()}; when {@code warnUntrusted}, a record that is not trusted is named in a
     * warning, once per handle (a restart names it before it stops the node, not again at the start).
     */
    NodeSpec launched(boolean warnUntrusted) {
        if (asGiven) {
            return node;
        }
        Consumer<String> once = w -> {
            if (!warned) {
                warned = true;
                warn.accept(w);
            }
        };
        NodeRecord recorded = node.optionsGiven() ? null : snapshot.record(node, warnUntrusted ? once : w -> { });
        NodeSpec launched = recorded == null ? node : RecordedNodes.spec(node.index(), recorded);
        if (!node.after().isEmpty()) {
            return launched.withAfter(node.after());
        }
        if (!node.optionsGiven()) {
            return launched;
        }
        // worker options given replace the record's, but not its order: --after is about other
        // nodes, and "restart web1 -c 4" should not start web1 before its database from now on
        NodeRecord before = snapshot.record(node, w -> { });
        return before == null || before.after().isEmpty() ? launched : launched.withAfter(before.after());
    }

    /** The full nodenames this node starts after: as given, else as recorded ({@link #launched()}). */
    List<String> after() {
        return launched().after();
    }

    /**
     * What the process holding the node's pidfile must be before drover signals it: that node,
     * run by the user it runs as (docs/security.md, S6): the {@code --uid} given, else the uid
     * drover recorded (a number, never a name looked up again) when it started it; only the lock
     * and the nodename when neither says. Worked out only once the pidfile has a live holder.
     */
    Pidfile.NodeCheck check() {
        return pid -> NodeProcesses.of(node.nodename().full(), expectedUid()).mismatch(pid);
    }

    private Integer expectedUid() {
        Identity id = snapshot.identity(node);
        if (id != null) {
            return id.uid();
        }
        NodeRecord r = record();
        return r == null ? null : r.uid();
    }

    /** The state of the node's pidfile, its holder checked to be this node. */
    PidfileState inspect() {
        return Pidfile.inspect(Path.of(node.pidfile()), check());
    }

    /**
     * {@link #inspect}, and when the pidfile names no live node, the node found without it
     * ({@link #lostPidfile}) as {@link PidfileState.Running}: what stop, kill and restart act on.
     */
    PidfileState inspectOrFind() {
        PidfileState state = inspect();
        if (state instanceof PidfileState.Running) {
            return state;
        }
        Long lost = lostPidfile();
        return lost == null ? state : new PidfileState.Running(lost);
    }

    /**
     * Whether drover knows anything of this node: a record of its nodename (any pidfile, trusted
     * or not), a pidfile (its holder alive or not), the process found without it, or a process
     * of its nodename under another pidfile. A node of which nothing is known is a name drover
     * never used: {@code restart} refuses it ({@link Cluster#refuseUnknown}). Looks at the
     * process table only for a node with neither record nor pidfile.
     */
    boolean known() {
        if (snapshot.hasRecord(node.nodename())) {
            return true;
        }
        try {
            if (!(inspectOrFind() instanceof PidfileState.Absent)) {
                return true;
            }
        } catch (DroverException e) {
            return true; // a pidfile that cannot be trusted: there is one, and restart names it
        }
        return elsewhere(null) != null;
    }

    /** Refuses, before anything is spawned or stopped, what would fail the node's start as it is started. */
    void checkStart() {
        NodeSpec launched = launched();
        snapshot.launcher().check(LaunchSpecs.of(launched));
        String waitFor = OptionTable.Read.WAIT_FOR.in(launched.options());
        if (waitFor != null) {
            // the node would refuse it as its start began; refused here, no JVM is spawned for it
            io.drover.node.WaitFor.of(List.of(waitFor.split(",", -1)), 1);
        }
    }

    /**
     * Starts the node through the start window, unless it runs; reports and records nothing.
     *
     * @param heartbeat the interval the node beats at on its handshake pipe (supervise), or null
     * @return {@link NodeEvent.Started}, {@link NodeEvent.AlreadyRunning} or {@link NodeEvent.Failed}
     */
    NodeEvent start(Duration startTimeout, Duration heartbeat) {
        try {
            return spawn(launched(true), startTimeout, heartbeat);
        } catch (DroverException e) {
            return new NodeEvent.Failed(e.exitCode(), e.getMessage());
        }
    }

    private NodeEvent spawn(NodeSpec launched, Duration startTimeout, Duration heartbeat) {
        PidfileState state = inspect();
        if (state instanceof PidfileState.Running running) {
            return new NodeEvent.AlreadyRunning(running.pid());
        }
        String replaced = state instanceof PidfileState.Stale stale ? stale.reason() : null;
        SupervisorLink link = supervisor();
        if (link != null) {
            // a supervise watches it (stopped by request, given up, in its backoff): it starts the
            // node, as one restart more, and keeps it; a second process beside its would be refused
            Long pid = link.start(node.nodename().full(), startTimeout);
            if (pid != null) {
                startedBySupervisor = true;
                NodeRecord r = record();
                boolean asSupervised = r != null && r.options().equals(node.options())
                        && r.passthrough().equals(node.passthrough());
                if (node.optionsGiven() && !asSupervised) {
                    // supervise starts it as it was given to supervise: said, never silently dropped
                    warn.accept("started by supervise (pid " + link.pid() + "), as it was given to supervise: the"
                            + " options given here are not used (forget it there, or stop that supervise, to change them)");
                }
                return new NodeEvent.Started(pid, replaced);
            }
        }
        if (state instanceof PidfileState.Stale stale && !stale.pidAlive()) {
            // a dead node nobody reaped tells how it ended: kept in its record as its last exit
            ProcessStats.zombieExit(stale.pid()).ifPresent(this::noteExit);
        }
        NodeEvent.Failed refused = taken(launched);
        if (refused != null) {
            return refused;
        }
        Runnable leave;
        try {
            leave = window.enter(startTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NodeEvent.Failed(ExitCode.NODE_FAILED, "interrupted before it was started");
        }
        LaunchOutcome outcome;
        try {
            outcome = snapshot.launcher().start(LaunchSpecs.of(launched, startTimeout, heartbeat), leave);
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
     * Why the node, its pidfile naming no live node, may not be started as {@code launched}: it
     * runs though its pidfile is gone, or another process runs its nodename; null when neither.
     */
    private NodeEvent.Failed taken(NodeSpec launched) {
        Long lost = lostPidfile();
        if (lost != null && !(inspect() instanceof PidfileState.Running now && now.pid() == lost)) {
            // (a node whose start was under way when its pidfile was looked at holds it by now:
            // not lost; the start goes on and meets its lock, "already running")
            return new NodeEvent.Failed(ExitCode.NODE_FAILED, String.format(Cluster.PIDFILE_LOST, lost, node.pidfile()));
        }
        NodeProcesses.Running other = elsewhere(snapshot.identity(launched));
        if (other != null) {
            // one process per nodename in its namespace: never a second drover1@HOST beside one
            // this registry started with another pidfile template (or whose pidfile its user removed)
            String pidfileOf = other.pidfile() == null ? "" : " with pidfile " + other.pidfile();
            return new NodeEvent.Failed(ExitCode.NODE_FAILED, String.format(
                    other.namespace() == null ? Cluster.NAME_TAKEN_OUTSIDE : Cluster.NAME_TAKEN, other.pid(), pidfileOf));
        }
        return null;
    }

    /**
     * What would fail the node's start after {@link #checkStart}, found with nothing made,
     * started or recorded, in the order the start meets them: its pidfile unreadable, its name
     * taken ({@link #taken}), its directories, then the node's own checks (its {@code -A} class
     * on its class path, its health port free). Empty for a node that runs, which a start leaves
     * alone, or one that would start.
     */
    java.util.List<NodeEvent.Failed> preflight() {
        NodeSpec launched = launched(true);
        java.util.List<NodeEvent.Failed> problems = new java.util.ArrayList<>();
        try {
            if (inspect() instanceof PidfileState.Running) {
                return problems;
            }
            NodeEvent.Failed refused = taken(launched);
            if (refused != null) {
                problems.add(refused);
            }
            snapshot.launcher().checkFiles(LaunchSpecs.of(launched), snapshot.identity(launched));
        } catch (DroverException e) {
            problems.add(new NodeEvent.Failed(e.exitCode(), e.getMessage()));
        }
        NodeSettings s = launched.settings();
        if (s.app() != null) {
            check(problems, () -> StartChecks.appClass(s.app(), OptionTable.Read.CLASSPATH.in(launched.options()),
                    s.workdir()));
        }
        if (s.healthPort() != null) {
            check(problems, () -> StartChecks.healthPort(OptionTable.Read.HEALTH_ADDRESS.in(launched.options()),
                    s.healthPort()));
        }
        return problems;
    }

    private static void check(java.util.List<NodeEvent.Failed> problems, Runnable check) {
        try {
            check.run();
        } catch (DroverException e) {
            problems.add(new NodeEvent.Failed(e.exitCode(), e.getMessage()));
        }
    }

    /**
     * The live process that is this node though its pidfile is gone (removed, or its directory,
     * while it ran): it runs this nodename with this very pidfile in this registry's namespace,
     * as root, the caller or the node's user, and it reported ready (a start of ours still under
     * way has not, and is left to the pidfile's lock). Null when there is none. Asked only when
     * the pidfile names no live node, so a running node costs no look at the process table.
     */
    Long lostPidfile() {
        int self = Snapshot.self();
        Integer expected = expectedUid();
        IntPredicate counts = uid -> uid == 0 || uid == self || expected != null && uid == expected;
        for (NodeProcesses.Running r : NodeProcesses.named(snapshot.processes(), node.nodename().full(), counts)) {
            if (samePidfile(r) && r.namespace() != null && r.namespace().equals(snapshot.launcher().namespace())
                    && ProcessTable.hasThread(r.pid(), NodeProtocol.READY_THREAD) && ProcessTable.isAlive(r.pid())) {
                return r.pid();
            }
        }
        return null;
    }

    private boolean samePidfile(NodeProcesses.Running r) {
        return r.pidfile() != null && Path.of(r.pidfile()).toAbsolutePath().normalize()
                .equals(Path.of(node.pidfile()).toAbsolutePath().normalize());
    }

    /**
     * A live process that runs this node's nodename under another pidfile, as root, the caller
     * or the node's user (a process of any other user proves nothing), in this registry's
     * namespace or in none drover can read (docs/security.md, rule 6).
     */
    NodeProcesses.Running elsewhere(Identity owner) {
        int self = Snapshot.self();
        IntPredicate counts = uid -> uid == 0 || uid == self || owner != null && uid == owner.uid();
        for (NodeProcesses.Running r : NodeProcesses.named(snapshot.processes(), node.nodename().full(), counts)) {
            // one on the same pidfile is left to the pidfile's lock (a concurrent start of ours),
            // or found by lostPidfile() when it lost its pidfile
            // another registry's node: another project's drover1, not ours
            boolean otherNamespace = r.namespace() != null && !r.namespace().equals(snapshot.launcher().namespace());
            if (!samePidfile(r) && !otherNamespace && ProcessTable.isAlive(r.pid())) {
                return r;
            }
        }
        return null;
    }

    /**
     * Records a start of the node as it was started: one restart more than its record says;
     * {@code exit} how it last ended, when the caller saw it (supervise), else what the record
     * already says.
     */
    EnvFile.Changes recordStart(String exit) {
        if (startedBySupervisor) {
            return null; // the supervise that started it recorded the start
        }
        try {
            NodeSpec launched = launched();
            // a record made for another pidfile is another deployment of that name: its count
            // starts again (record() reads only a trusted record of this pidfile)
            NodeRecord before = record();
            int restarts = before == null ? 0 : before.restarts() + 1;
            String lastExit = exit != null || before == null ? exit : before.lastExit();
            Identity id = snapshot.identity(launched);
            Integer uid = id != null ? Integer.valueOf(id.uid()) : Snapshot.selfUid();
            // the env file as it is now: read again for its hashes (the start read it a moment ago)
            String envFile = OptionTable.Read.ENV_FILE.in(launched.options());
            Map<String, String> env = envFile == null ? null : io.drover.posix.EnvFiles.read(envFile);
            snapshot.write(RecordedNodes.record(launched, restarts, lastExit, uid, env));
            return before == null || before.envSalt() == null || env == null ? null
                    : EnvFile.changes(before.envSalt(), before.envHashes(), env);
        } catch (DroverException e) {
            warn.accept(e.getMessage());
            return null;
        }
    }

    /** Keeps how the node ended in its record, when drover saw it end. */
    void noteExit(String exit) {
        NodeRecord r = record();
        if (r == null || exit == null) {
            return;
        }
        try {
            snapshot.write(r.withLastExit(exit));
        } catch (DroverException e) {
            warn.accept(e.getMessage());
        }
    }

    /**
     * {@link #noteExit(String)} for the process {@code pid}, which ended after drover sent it
     * {@code signal}: why it ended, and how where its unreaped zombie still says ("status 0 after
     * TERM from drover"); a bare "status 0" read as if the node had ended by itself.
     */
    void noteExit(long pid, int signal) {
        if (stoppedBySupervisor) {
            return; // its parent saw how it ended, and recorded it (a KILL through it: "signal 9")
        }
        if (killedFor != null) {
            noteExit(killedFor); // why it was killed, and where its thread dump is
            return;
        }
        String why = ExitWords.afterSignalFromDrover(signal);
        noteExit(ProcessStats.zombieExit(pid).map(how -> how + " " + why).orElse(why));
    }

    /**
     * The supervise that watches the node, or null: never for supervise's own handles, which are
     * that supervise. Its answer about the node says whether it watches it.
     */
    SupervisorLink supervisor() {
        if (!supervisorLooked) {
            supervisorLooked = true;
            supervisor = asGiven ? NONE : SupervisorLink.of(snapshot.registry(), node.nodename().full());
        }
        return supervisor;
    }

    /**
     * The operator's stop of a node a supervise watches, through it, so that it is obeyed and
     * not taken for a crash: Signalled (the pid), NotRunning (nothing ran: it stays down all the
     * same), or null when no supervise watches the node (the caller signals it itself).
     */
    NodeEvent stopSupervised(int signal) {
        SupervisorLink link = supervisor();
        if (link == null) {
            return null;
        }
        try {
            Long pid = link.signal(node.nodename().full(), signal);
            if (pid == null) {
                return null;
            }
            stoppedBySupervisor = true;
            return pid > 0 ? new NodeEvent.Signalled(signal, pid) : new NodeEvent.NotRunning();
        } catch (DroverException e) {
            return new NodeEvent.Failed(e.exitCode(), e.getMessage());
        }
    }

    /**
     * Sends {@code signal} to the node's process {@code pid}, which the caller verified to be this
     * node: Signalled, NotRunning (gone) or Failed. A KILL goes to the node's whole process group
     * while the node leads its own session (it does from its spawn), so what its application
     * started does not outlive it holding its ports; TERM and the others go to the node alone,
     * whose application ends its own children warmly.
     */
    NodeEvent signal(long pid, int signal) {
        try {
            boolean sent = signal == Signals.KILL && ProcessTable.leadsSession(pid)
                    ? posix.get().killGroup(pid, signal) : posix.get().kill(pid, signal);
            return sent ? new NodeEvent.Signalled(signal, pid) : new NodeEvent.NotRunning();
        } catch (DroverException e) {
            return new NodeEvent.Failed(e.exitCode(), e.getMessage());
        }
    }

    /** Whether {@code pid} is still this node, by its pidfile's lock (or, its pidfile lost, as {@link #lostPidfile} finds it). */
    boolean stillIs(long pid) {
        return inspectOrFind() instanceof PidfileState.Running now && now.pid() == pid;
    }

    /**
     * Asks the node's process {@code pid}, which the caller verified to be this node, for a
     * thread dump and waits for it ({@link ThreadDump}): where it is, or why there is none, in words.
     */
    String threadDump(long pid) {
        return ThreadDump.take(launched(), pid, posix.get());
    }

    /** The node is killed for this reason ({@code killed: ...}): its last exit says so once it is gone. */
    void killedFor(String why) {
        killedFor = why;
    }

    /** Removes the pidfile a node that was killed could not remove, if it is stale now. */
    void removeStalePidfile() {
        Pidfile.removeIfStale(Path.of(node.pidfile()), check());
    }

    /** A node's status line without its health, and the health port to ask (null: none to ask). */
    record Look(NodeEvent.Status status, Integer healthPort) {}

    /**
     * The node's status: its pidfile's state, with the figures /proc and its record give, and
     * what the supervise that watches it says.
     */
    Look look() {
        Look look = lookAlone();
        SupervisorLink link = supervisor();
        NodeEvent.Supervision view = link == null ? null : link.status(node.nodename().full());
        return view == null ? look : new Look(look.status().withSupervisor(view), look.healthPort());
    }

    private Look lookAlone() {
        PidfileState state;
        try {
            state = Pidfile.inspect(Path.of(node.pidfile()), NodeProcesses.of(node.nodename().full(), null), snapshot.locks());
        } catch (DroverException e) {
            return new Look(new NodeEvent.Status(NodeEvent.State.UNKNOWN, -1, null, node.pidfile(), e.getMessage()), null);
        }
        NodeRecord record = snapshot.record(node, w -> { });
        String unreadable = snapshot.unreadable(node);
        if (unreadable != null) {
            // a damaged record is not "stopped": what drover knows of the node cannot be trusted
            return new Look(new NodeEvent.Status(NodeEvent.State.UNKNOWN, -1, null, node.pidfile(), unreadable), null);
        }
        Integer restarts = record == null ? null : Integer.valueOf(record.restarts());
        String lastExit = record == null ? null : record.lastExit();
        String lostReason = null;
        Long lost = state instanceof PidfileState.Running ? null : lostPidfile();
        if (lost != null) {
            // the node runs though its pidfile is gone or names another pid: said, not hidden
            lostReason = state instanceof PidfileState.Stale st ? "pidfile stale (" + st.reason() + ")" : "pidfile missing";
            state = new PidfileState.Running(lost);
        }
        if (state instanceof PidfileState.Running r) {
            // alive but not yet ready (or its starter died before it was): "starting"
            NodeEvent.State running = ProcessTable.hasThread(r.pid(), NodeProtocol.READY_THREAD)
                    ? NodeEvent.State.RUNNING : NodeEvent.State.STARTING;
            ProcessStats.Figures figures = ProcessStats.figures(r.pid());
            Long rss = figures.rssBytes().isPresent() ? Long.valueOf(figures.rssBytes().getAsLong()) : null;
            Double cpu = figures.cpuPercent().isPresent() ? Double.valueOf(figures.cpuPercent().getAsDouble()) : null;
            return new Look(new NodeEvent.Status(running, r.pid(), figures.uptime().orElse(null), node.pidfile(),
                    lostReason, rss, cpu, restarts, lastExit, null), launched().settings().healthPort());
        }
        if (state instanceof PidfileState.Stale s) {
            // a dead node nobody reaped still tells how it ended
            String exit = s.pidAlive() ? lastExit : ProcessStats.zombieExit(s.pid()).orElse(lastExit);
            if (!s.pidAlive()) {
                // its end unseen (or "status 3"): a heap dump of its very pid says it ran out of memory
                exit = OutOfMemory.describe(launched(), s.pid(), exit == null || exit.equals(lastExit) ? null : exit);
                exit = exit != null ? exit : lastExit;
            }
            // a pid in use again is another process's, and so is its group: only a dead node's is looked for
            List<Long> leftover = s.pidAlive() ? null : leftover(s.pid());
            return new Look(new NodeEvent.Status(s.pidAlive() ? NodeEvent.State.STALE : NodeEvent.State.DEAD, s.pid(),
                    null, node.pidfile(), s.reason(), null, null, restarts, exit, null, leftover), null);
        }
        return new Look(new NodeEvent.Status(NodeEvent.State.STOPPED, -1, null, node.pidfile(), null, null, null,
                restarts, lastExit, null), null);
    }

    /**
     * The processes left of the dead node {@code pid}'s group: its session's and group's, of the
     * node's user (else the caller's) only, as another user's cannot be the node's.
     */
    private List<Long> leftover(long pid) {
        Integer uid = expectedUid();
        return ProcessTable.groupLeft(snapshot.sessionGroups(), pid, uid != null ? uid : Snapshot.self());
    }

    /**
     * Removes the node's record unless the node runs (its recorded pidfile held, or its nodename
     * run by a process of this user): Forgotten, or Failed naming the process.
     */
    NodeEvent forget() {
        String nodename = snapshot.fileName(node);
        SupervisorLink link = supervisor();
        if (link != null) {
            // a supervise that watches it lets it go first, or says why not (it runs)
            try {
                link.forget(node.nodename().full());
            } catch (DroverException e) {
                return new NodeEvent.Failed(e.exitCode(), e.getMessage());
            }
        }
        NodeRecord r;
        try {
            r = snapshot.registry().find(nodename).orElse(null);
        } catch (DroverException corrupt) {
            r = null; // an untrusted record can be forgotten: its pidfile is not looked at
        }
        try {
            String pidfile = r != null ? r.pidfile() : node.pidfile();
            Integer uid = r != null ? r.uid() : null;
            // an untrusted record from --all has no pidfile to look at: the process table decides
            PidfileState state = pidfile.isEmpty() ? null : Pidfile.inspect(Path.of(pidfile), NodeProcesses.of(nodename, uid));
            NodeProcesses.Running other = elsewhere(null);
            if (state instanceof PidfileState.Running running) {
                return new NodeEvent.Failed(ExitCode.NODE_FAILED, "runs as pid " + running.pid() + " with pidfile "
                        + pidfile + "; stop it first");
            }
            if (other != null) {
                return new NodeEvent.Failed(ExitCode.NODE_FAILED, "runs as pid " + other.pid()
                        + (other.pidfile() == null ? "" : " with pidfile " + other.pidfile()) + "; stop it first");
            }
            return new NodeEvent.Forgotten(snapshot.registry().forget(nodename));
        } catch (DroverException e) {
            return new NodeEvent.Failed(e.exitCode(), e.getMessage());
        }
    }
}
