package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.Signals;
import io.drover.launch.HandshakeReader;
import io.drover.multi.KeeperState.Event;
import io.drover.posix.PidfileState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * supervise's keeper of one node: starts it (or adopts it), waits for its end and decides what
 * comes next, as {@link KeeperState}'s table says. One monitor guards every field; each field
 * changes only in the same synchronized block as the move of the table it belongs to, so no
 * thread sees a state with another state's pid. What the node does is asked of a
 * {@link SupervisedNode}; time is a {@link KeeperClock}, so the decisions are tested without
 * processes and without waiting.
 */
final class Keeper {
    /** A start's outcome, before it is a move of the table: the pid and its end, or why not. */
    private record Start(long pid, boolean ours, CompletableFuture<String> end, HandshakeReader heartbeat,
                         String failure) {
        static Start failed(String why) {
            return new Start(-1, false, null, null, why);
        }
    }

    private final SupervisedNode node;
    private final NodeSpec spec;
    private final Supervisor.Options options;
    private final Backoff backoff;
    private final KeeperClock clock;
    private final ClusterListener listener;
    private final KeeperOwner owner;

    // guarded by this
    private KeeperState state = KeeperState.STARTING;
    private long pid = -1;
    /** The child a start under way spawned, not yet ready (-1: none): what a stop during the start signals. */
    private long starting = -1;
    /**
     * The keeper's thread is in a start, from {@link #awaitStart} to {@link #started}: only then
     * does a start's end come to carry out a stop asked in STARTING.
     */
    private boolean startUnderWay;
    private CompletableFuture<String> end;
    private int stopSignal;
    private NodeEvent.RestartAsked asked;
    /** Who waits for the node to be back up (a roll, the operator's start): completed with null, or why not. */
    private final java.util.List<CompletableFuture<String>> back = new java.util.ArrayList<>();
    /** The first start's outcome (null: it runs; else why not), for {@code supervise --detach}'s OK or FAILED. */
    private final CompletableFuture<String> firstStart = new CompletableFuture<>();
    /** The count of the timers set: a timer whose count is not the last one set finds its wait cut short. */
    private int timers;
    /** When the next try is due (clock nanos) in BACKOFF or GAVE_UP with a cool-down; 0: none set. */
    private long nextTry;
    /** STOPPED because the operator asked, not because supervise is ending. */
    private boolean byRequest;
    /** supervise is ending: a stopped or given-up node stays so, and the keeper's thread ends. */
    private boolean retired;
    private String lastExit;
    private final Deque<Long> restarts = new ArrayDeque<>();
    private int inARow;
    private long startedAt;
    private boolean readyTold;
    private int overMemory;
    /** Starts and adoptions of the node so far (the first included), for supervise's {@code /metrics}. */
    private final java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * How supervise killed the running node, for its last exit ("killed: hung, thread dump in
     * ..."): set as the KILL that follows a thread dump is sent, null otherwise.
     */
    private String killed;
    // observations of a running node, written by its heartbeat's reader: not the keeper's state
    private volatile boolean beating;
    private volatile long lastBeat;

    Keeper(SupervisedNode node, Supervisor.Options options, Backoff backoff, KeeperClock clock, ClusterListener listener,
           KeeperOwner owner) {
        this.node = node;
        this.spec = node.spec();
        this.options = options;
        this.backoff = backoff;
        this.clock = clock;
        this.listener = listener;
        this.owner = owner;
        back.add(firstStart);
    }

    /** Completes once the node's first start (or adoption) is over: null when it runs, else why not. */
    CompletableFuture<String> firstStart() {
        return firstStart;
    }

    NodeSpec spec() {
        return spec;
    }

    /**
     * {@code --after}: the first starts of the nodes this one is after, which its own first start
     * waits for (ready or failed: as systemd's After=, it orders, it does not require); a restart
     * does not wait. Set before the keeper's thread starts.
     */
    private volatile CompletableFuture<?> after = CompletableFuture.completedFuture(null);

    void startAfter(CompletableFuture<?> firstStarts) {
        after = firstStarts;
    }

    /** Waits for {@link #after}; false when supervise ended meanwhile. */
    private boolean awaitAfter() {
        while (!after.isDone()) {
            synchronized (this) {
                if (retired) {
                    return false;
                }
            }
            try {
                after.get(200, java.util.concurrent.TimeUnit.MILLISECONDS); // and look at retired again
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // not done yet, or done: the loop says which
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The keeper's thread: start, wait for the end, and again, until the table says it is over. */
    void keep() {
        if (!awaitAfter()) {
            return;
        }
        while (awaitStart()) {
            CompletableFuture<String> running = started(start());
            if (running != null) {
                exited(running.join());
            }
        }
    }

    /**
     * Waits out a backoff, a cool-down, or a stop until the operator's start: true when the node
     * is to be started now, false when supervise is ending.
     */
    private synchronized boolean awaitStart() {
        while (!retired && (state == KeeperState.BACKOFF || state.ended())) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        startUnderWay = !retired && state == KeeperState.STARTING;
        return startUnderWay;
    }

    /**
     * Starts or adopts the node; outside the monitor, as it may take the whole start window. Every
     * attempt is recorded, a failed one too: one restart more, and its last exit "did not start:
     * REASON", so {@code status} of a node given up after failed starts tells what happened.
     */
    private Start start() {
        starts.incrementAndGet();
        Start start = attempt();
        if (start.failure() != null) {
            node.recordStart("did not start: " + start.failure());
        }
        return start;
    }

    private Start attempt() {
        PidfileState found;
        try {
            found = node.inspect();
        } catch (DroverException e) {
            return Start.failed(e.getMessage());
        }
        if (found instanceof PidfileState.Running running) {
            CompletableFuture<String> watched = node.adopt(running.pid());
            if (watched != null) {
                return new Start(running.pid(), false, watched, null, null);
            }
        }
        NodeEvent event = node.spawn(options.startTimeout(), options.heartbeat(), this::spawned);
        if (event instanceof NodeEvent.Started started) {
            CompletableFuture<String> ended = node.childEnd(started.pid());
            node.recordStart(lastExit());
            return new Start(started.pid(), true, ended, started.heartbeat(), null);
        }
        if (event instanceof NodeEvent.AlreadyRunning r) {
            CompletableFuture<String> watched = node.adopt(r.pid());
            // words, not the record's toString(): this reason is printed as it is
            return watched != null ? new Start(r.pid(), false, watched, null, null) : Start.failed("already running as pid "
                    + r.pid() + ", which could not be watched: it ended, or its pidfile changed, while supervise looked");
        }
        return Start.failed(((NodeEvent.Failed) event).reason()); // spawn says Started, AlreadyRunning or Failed
    }

    private synchronized String lastExit() {
        return lastExit;
    }

    /**
     * The start under way spawned {@code child}: a stop asked before (or while) it was spawned is
     * sent now, as the start may never end by itself (a node never ready, {@code --start-timeout=0}).
     */
    private synchronized void spawned(long child) {
        starting = child;
        if (state == KeeperState.STARTING_TO_STOP) {
            send(child, stopSignal);
        }
    }

    /** The start's outcome as a move: the node's end to wait for, or null when there is none. */
    private synchronized CompletableFuture<String> started(Start start) {
        starting = -1;
        startUnderWay = false;
        if (start.failure() != null) {
            cameBack(start.failure()); // first: a give-up's move would tell a waiting roll "stopping"
            if (state == KeeperState.STARTING) {
                unasked("did not start: " + start.failure(), Event.START_FAILED);
            } else {
                // a stop came during the start, and was sent to it: it ended before it was ready
                move(Event.START_FAILED);
                listener.node(spec, new NodeEvent.Stopped("while starting: " + start.failure()));
            }
            return null;
        }
        move(start.ours() ? Event.STARTED : Event.ADOPTED);
        killed = null;
        pid = start.pid();
        end = start.end();
        startedAt = clock.nanoTime();
        listener.node(spec, start.ours() ? new NodeEvent.Started(pid, null)
                : new NodeEvent.Adopted(pid, spec.pidfile()));
        if (start.heartbeat() != null) {
            listen(start.heartbeat());
        }
        cameBack(null);
        tellReady();
        if (state == KeeperState.STOPPING) {
            send(pid, stopSignal); // the stop asked during the start, carried out now
        }
        return end;
    }

    /** The node's process ended ({@code how}); what comes next is the state's to say. */
    private synchronized void exited(String how) {
        long was = pid;
        pid = -1;
        end = null;
        beating = false;
        overMemory = 0;
        if (killed != null && !how.startsWith("status ")) {
            how = killed; // the signal's number says less than why it was sent, and where its dump is
        }
        killed = null;
        lastExit = how;
        NodeEvent.RestartAsked why = asked;
        asked = null;
        switch (state) {
            case RUNNING -> unasked(how, Event.EXITED);
            case STOPPING_TO_RESTART -> {
                if (why.why() == NodeEvent.Why.MEMORY || why.why() == NodeEvent.Why.HUNG) {
                    // a leak or a hang is a failure: it counts, and waits, as a crash does
                    counted(how, Event.RECYCLED, why.reason());
                } else {
                    move(Event.EXITED);
                    listener.node(spec, new NodeEvent.Restarting(how, why.reason()));
                }
            }
            case STOPPING -> {
                move(Event.EXITED);
                node.noteExit(how); // status says how it ended while it stays down
                listener.node(spec, new NodeEvent.Stopped(how));
            }
            default -> throw new IllegalStateException("keeper of " + spec.nodename().full() + ": pid " + was
                    + " ended in state " + state);
        }
    }

    /**
     * An end nobody asked for (an exit, a failed start): gives up once {@code --max-restarts}
     * are spent within {@code --within}, else the backoff, whose end the clock tells.
     */
    private void unasked(String how, Event event) {
        counted(how, event, null);
    }

    /**
     * An end that counts towards {@code --max-restarts}: {@link #unasked}, or a recycle for the
     * node's memory or its silent heartbeat ({@code recycled}, the reason it was asked for; null
     * for an unasked end), which is reported
     * as the restart it is, with its backoff.
     */
    private void counted(String how, Event event, String recycled) {
        long now = clock.nanoTime();
        if (startedAt != 0 && now - startedAt >= options.backoffReset().toNanos()) {
            inARow = 0;
        }
        startedAt = 0;
        while (!restarts.isEmpty() && now - restarts.peekFirst() > options.within().toNanos()) {
            restarts.removeFirst();
        }
        lastExit = how;
        if (options.maxRestarts() > 0 && restarts.size() >= options.maxRestarts()) {
            move(Event.GIVE_UP);
            listener.node(spec, new NodeEvent.GaveUp(how, restarts.size(), options.maxRestarts(), options.within()));
            if (options.giveUpFor() != null) {
                int timer = ++timers;
                nextTry = now + options.giveUpFor().toNanos();
                clock.schedule(options.giveUpFor(), () -> coolDownOver(timer));
            }
            owner.gaveUp();
            return;
        }
        move(event);
        inARow++;
        Duration delay = backoff.delay(inARow);
        int timer = ++timers;
        nextTry = now + delay.toNanos();
        listener.node(spec, recycled == null ? new NodeEvent.ExitedUnasked(how, restarts.size() + 1, delay)
                : new NodeEvent.Restarting(how, recycled + "; restart " + (restarts.size() + 1) + " in "
                        + delay.toMillis() / 1000.0 + " s (--backoff)"));
        clock.schedule(delay, () -> backoffOver(timer));
    }

    private synchronized void backoffOver(int timer) {
        if (timer == timers && move(Event.BACKOFF_OVER)) {
            nextTry = 0;
            restarts.addLast(clock.nanoTime());
        }
    }

    /** A node given up is tried again, its count of restarts within the window begun anew. */
    private synchronized void coolDownOver(int timer) {
        if (timer == timers && move(Event.COOLDOWN_OVER)) {
            nextTry = 0;
            restarts.clear();
            inARow = 0;
            listener.node(spec, new NodeEvent.Restarting(lastExit, "given up " + seconds(options.giveUpFor())
                    + " ago; trying again (--give-up-for)"));
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    /**
     * The operator's stop (or kill): the node stops and stays stopped, not restarted, until the
     * operator's start; a backoff or a cool-down under way is cancelled. A KILL to a node already
     * stopping is the stop's escalation.
     *
     * @return the pid the signal went to (the node, or the child of its start under way), or -1
     *         when nothing ran
     */
    synchronized long stopAsked(int signal) {
        KeeperState was = state;
        stop(signal);
        if (state == was && signal == Signals.KILL) {
            kill(false); // the operator's own KILL: at once, as asked
        }
        if (state == KeeperState.STOPPED || state == KeeperState.STOPPING || state == KeeperState.STARTING_TO_STOP) {
            byRequest = true;
            ++timers;
            nextTry = 0;
        }
        return pid > 0 ? pid : starting;
    }

    /**
     * The operator's start: a node stopped, given up or in its backoff is started now (one
     * restart more in the registry, not a crash); one that is stopping is started once it has
     * stopped. Completes with null once the node is up and ready, else with why not.
     */
    synchronized CompletableFuture<String> startAsked() {
        CompletableFuture<String> f = new CompletableFuture<>();
        if (retired) {
            // supervise is ending: no thread would start it, and its stop must find it down
            f.complete("supervise is stopping every node");
            return f;
        }
        KeeperState was = state;
        if (move(Event.START_ASKED)) {
            byRequest = false;
            ++timers;
            nextTry = 0;
            if (was == KeeperState.GAVE_UP) {
                restarts.clear();
                inARow = 0;
            }
            if (state == KeeperState.STOPPING_TO_RESTART) {
                asked = new NodeEvent.RestartAsked(NodeEvent.Why.OPERATOR, "start asked while it stopped", pid, stopSignal);
            }
            back.add(f);
        } else if (state == KeeperState.RUNNING) {
            f.complete(null);
        } else if (state == KeeperState.STARTING || state == KeeperState.STOPPING_TO_RESTART) {
            back.add(f); // on its way up already
        } else {
            f.complete("it is being stopped");
        }
        return f;
    }

    /**
     * The operator's forget: a node that does not run (stopped, given up, in its backoff) is let
     * go, its timers cancelled and its thread ended, in one step, so no backoff's end can start it
     * in between; else what it is doing, in words, and nothing changes.
     */
    synchronized String release() {
        if (pid > 0 || starting > 0 || !(state.ended() || state == KeeperState.BACKOFF)) {
            return state.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (pid > 0 ? " (pid " + pid + ")" : "");
        }
        ++timers;
        nextTry = 0;
        if (state != KeeperState.STOPPED) {
            move(Event.STOP_ASKED); // BACKOFF and GAVE_UP take it to STOPPED, nothing to signal
        }
        byRequest = true;
        retire();
        return null;
    }

    /** supervise is ending: the keeper's thread ends once its node is down. */
    synchronized void retire() {
        retired = true;
        notifyAll();
    }

    /** What the operator is told of this node: its state, pid, restarts in the window, the next try. */
    record View(KeeperState state, long pid, int restarts, Duration nextTry, boolean byRequest) {}

    synchronized View view() {
        long now = clock.nanoTime();
        Duration next = nextTry == 0 ? null : Duration.ofNanos(Math.max(0, nextTry - now));
        return new View(state, pid > 0 ? pid : starting, restarts.size(), next, byRequest);
    }

    /** Asks the node to stop for good with {@code signal}; at once, or as soon as its start ends. */
    synchronized void stop(int signal) {
        if (!move(Event.STOP_ASKED)) {
            return;
        }
        stopSignal = signal;
        if (state == KeeperState.STOPPING) {
            send(pid, signal);
        } else if (state == KeeperState.STARTING_TO_STOP && !startUnderWay) {
            // STARTING with no start begun (waiting for --after, or a backoff's timer that just
            // ran, its thread not yet back or ended as supervise retired it): no start's end will
            // carry the stop out, so it is carried out here, as a start that ended with no child
            move(Event.START_FAILED);
            listener.node(spec, new NodeEvent.Stopped("before its start began"));
        } else if (starting > 0) {
            send(starting, signal); // STARTING_TO_STOP: the start's child, not yet ready
        }
        cameBack(null); // a roll waiting for this node hears it is stopping, not that it failed
    }

    /**
     * SIGKILL to a node that outlived the stop's timeout: its process, or the child of its start
     * under way (or, when the start has not spawned it yet, as soon as it does); true if there is one.
     *
     * @param dump whether a thread dump is asked for first ({@link #dumpThenKill}): supervise's own
     *     kill at {@code --timeout}; not the operator's KILL, which is sent at once
     */
    synchronized boolean kill(boolean dump) {
        if (!move(Event.KILL_ASKED)) {
            return false;
        }
        stopSignal = Signals.KILL;
        long target = pid > 0 ? pid : starting;
        if (target > 0) {
            if (dump) {
                dumpThenKill(target, TIMED_OUT);
            } else {
                send(target, Signals.KILL);
            }
        }
        return true;
    }

    /** Why a node was killed, in its last exit, when it outlived a stop's {@code --timeout}. */
    static final String TIMED_OUT = "still running after --timeout";

    /**
     * Forensics before a kill (issue 30, item 3): the node's JVM is asked for a thread dump, and
     * the KILL follows once it is written (or its deadline passed). The dump takes seconds, so it
     * is waited for off this monitor ({@link SupervisedNode#threadDump}); the KILL is sent under
     * it, and only while {@code target} is still the node: one that ended meanwhile is not
     * signalled again (its pid may be another's by then).
     */
    private void dumpThenKill(long target, String why) {
        node.threadDump(target, where -> dumped(target, why, where));
    }

    private synchronized void dumped(long target, String why, String where) {
        if (target != pid && target != starting) {
            return; // it ended while its dump was waited for
        }
        killed = "killed: " + why + ", " + where;
        listener.node(spec, new NodeEvent.Killing(target, why, where));
        send(target, Signals.KILL);
    }

    /**
     * Stops the node to start it again at once; a warm stop that outlives {@code --timeout} is
     * made a kill.
     *
     * @return false when it is not running, or already on its way
     */
    synchronized boolean restartAsked(NodeEvent.Why why, String reason, int signal) {
        if (!move(Event.RESTART_ASKED)) {
            return false;
        }
        long target = pid;
        asked = new NodeEvent.RestartAsked(why, reason, target, signal);
        listener.node(spec, asked);
        if (why == NodeEvent.Why.HUNG && signal == Signals.KILL) {
            dumpThenKill(target, "hung");
        } else {
            send(target, signal);
        }
        if (signal != Signals.KILL && !options.stopTimeout().isZero()) {
            clock.schedule(options.stopTimeout(), () -> killAfterTimeout(target));
        }
        return true;
    }

    private synchronized void killAfterTimeout(long target) {
        // a late timer, for a process that is gone, moves nothing
        if (pid == target && move(Event.KILL_ASKED)) {
            listener.node(spec, new NodeEvent.TimedOut(target));
            dumpThenKill(target, asked != null && asked.why() == NodeEvent.Why.MEMORY
                    ? "over --max-memory, " + TIMED_OUT : TIMED_OUT);
        }
    }

    /** For a rolling restart: completes with null once the node is back and ready (or stopping), else why not. */
    synchronized CompletableFuture<String> restartNow() {
        CompletableFuture<String> f = new CompletableFuture<>();
        if (restartAsked(NodeEvent.Why.ROLLING, "rolling restart", Signals.TERM)) {
            back.add(f);
        } else {
            f.complete(null); // not running: nothing to wait for
        }
        return f;
    }

    /** A memory sample of {@code sampled}: restarted warmly when over {@code --max-memory} in enough samples in a row. */
    synchronized void memory(long sampled, long rss) {
        if (sampled != pid || state != KeeperState.RUNNING) {
            return; // a sample of a process that has gone meanwhile
        }
        if (rss <= options.maxMemory()) {
            overMemory = 0;
        } else if (++overMemory >= Supervisor.MEMORY_SAMPLES) {
            overMemory = 0;
            restartAsked(NodeEvent.Why.MEMORY, "RSS " + mib(rss) + " over --max-memory " + mib(options.maxMemory()),
                    Signals.TERM);
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** Kills and restarts a node whose heartbeat was silent for {@link Supervisor#HEARTBEAT_MISSES} intervals. */
    synchronized void checkHeartbeat() {
        long silent = clock.nanoTime() - lastBeat;
        if (state == KeeperState.RUNNING && beating
                && silent > options.heartbeat().toNanos() * Supervisor.HEARTBEAT_MISSES) {
            restartAsked(NodeEvent.Why.HUNG, "hung: no heartbeat for " + silent / 1_000_000 / 1000.0 + " s ("
                    + Supervisor.HEARTBEAT_MISSES + " intervals of --heartbeat)", Signals.KILL);
        }
    }

    /**
     * Reads the node's heartbeats: each BEAT line with the start's key is a beat (what its
     * application writes on the pipe is not); end-of-file is the node's end.
     */
    private void listen(HandshakeReader heartbeat) {
        lastBeat = clock.nanoTime();
        beating = true;
        Thread reader = new Thread(() -> {
            while (heartbeat.nextBeat()) {
                lastBeat = clock.nanoTime();
            }
            heartbeat.close();
        }, "drover-heartbeat-" + spec.nodename().full());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * What supervise's {@code /metrics} says of the node: its state, its process (-1: none), the
     * starts after its first, how it last ended (null: not yet), and how long ago its last
     * heartbeat came (-1: it does not beat).
     */
    record Figures(KeeperState state, long pid, int restarts, String lastExit, long heartbeatAgeNanos) {}

    synchronized Figures figures() {
        return new Figures(state, pid > 0 ? pid : starting, Math.max(0, starts.get() - 1), lastExit,
                beating ? clock.nanoTime() - lastBeat : -1);
    }

    /** The pid of the node's process, or -1 when none runs (for the memory sample and the tally). */
    synchronized long pid() {
        return pid;
    }

    synchronized KeeperState state() {
        return state;
    }

    /**
     * Waits until the keeper's work is over (stopped or given up), at most {@code timeout} (null:
     * no limit).
     *
     * @return whether it is over
     */
    synchronized boolean awaitEnd(Duration timeout) {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (!state.ended()) {
            long left = deadline - System.nanoTime();
            if (timeout != null && left <= 0) {
                return false;
            }
            try {
                if (timeout == null) {
                    wait();
                } else {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return state.ended();
            }
        }
        return true;
    }

    /**
     * The table's move for {@code event}: false when the state ignores it; an illegal one throws.
     * Every caller holds the monitor and changes the fields of the new state in the same block.
     */
    private boolean move(Event event) {
        if (state.ignores(event)) {
            return false;
        }
        state = state.on(event, spec.nodename().full());
        if (state.ended()) {
            tellReady(); // never ready, but READY=1 must not wait for it forever
            cameBack(null);
        }
        notifyAll();
        return true;
    }

    private void tellReady() {
        if (!readyTold) {
            readyTold = true;
            owner.ready();
        }
    }

    /** Tells a rolling restart waiting for this node how its start went (null: it runs, or it stops). */
    private void cameBack(String failure) {
        back.forEach(f -> f.complete(failure));
        back.clear();
    }

    private void send(long target, int signal) {
        try {
            node.signal(target, signal);
        } catch (DroverException e) {
            listener.node(spec, new NodeEvent.Warning(e.getMessage()));
        }
    }
}
