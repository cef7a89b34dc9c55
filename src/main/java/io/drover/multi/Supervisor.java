package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.OsErrors;
import io.drover.core.Signals;
import io.drover.launch.HandshakeReader;
import io.drover.posix.Pidfile;
import io.drover.posix.PidfileState;
import io.drover.posix.Posix;
import io.drover.posix.ProcessTable;
import io.drover.posix.ServiceManager;
import io.drover.registry.NodeRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code multi supervise}: starts the nodes in parallel (adopting the ones that already run
 * under their pidfiles), then keeps them running until TERM or INT, in the foreground, as the
 * main process of a unit, a container or a supervisord program.
 *
 * <ul>
 * <li>One keeper thread per node starts it, waits for its end and starts it again: at once when
 *     supervise asked it to go (memory, hung, rolling restart), after a {@link Backoff} when it
 *     exited unasked, never again once {@code --max-restarts} were spent within {@code --within}.
 * <li>Nodes supervise spawned are its children: their ends come from the {@link Reaper}, which
 *     also reaps every orphan re-parented to this process (it makes itself a child subreaper).
 *     Adopted nodes are not its children: a pidfd each, polled by a blocked thread, tells of
 *     their end. Nothing looks at /proc but the memory sample, at the operator's interval.
 * <li>A second supervise of a node is refused by a lock on {@code NODENAME.supervise} in the
 *     registry; a supervise killed with -9 leaves its nodes running for the next to adopt.
 * </ul>
 * Reports through a {@link SupervisorListener}; never prints.
 */
public final class Supervisor {
    /**
     * How long stopping waits for a keeper thread once its node was stopped or killed: the node's
     * end, its pidfile's cleanup and its record's last word, none of which waits on the node.
     */
    static final Duration KEEPER_WAIT = Duration.ofSeconds(30);


    /**
     * @param backoff the first delay before restarting a node that exited unasked
     * @param backoffMax the longest delay
     * @param backoffReset a node that ran this long starts again from the first delay
     * @param maxRestarts give up on a node after this many restarts within {@code within}; 0 never
     * @param maxMemory restart a node whose RSS is over this many bytes twice in a row; 0 never
     * @param sample how often memory is sampled
     * @param heartbeat the interval nodes beat at; null for no heartbeat
     * @param stopTimeout how long a stop waits before SIGKILL
     * @param batch how many nodes a rolling restart (HUP) restarts at a time
     */
    public record Options(Duration backoff, Duration backoffMax, Duration backoffReset, int maxRestarts,
                          Duration within, long maxMemory, Duration sample, Duration heartbeat,
                          Duration stopTimeout, Duration startTimeout, int batch) {}

    /** Heartbeats a node may miss before it is called hung. */
    public static final int HEARTBEAT_MISSES = 3;
    /** Memory samples over the limit in a row before a node is restarted. */
    public static final int MEMORY_SAMPLES = 2;

    private static final int READY = -1;
    private static final int GAVE_UP = -2;

    private final Posix posix;
    private final Reaper reaper;
    private final SupervisorListener listener;
    private final Host host;
    private final Options options;
    private final List<Keeper> keepers = new ArrayList<>();
    private final BlockingQueue<Integer> events = new LinkedBlockingQueue<>();
    private final Backoff backoff;
    private final ServiceManager systemd = ServiceManager.fromEnvironment();
    private final CountDownLatch allReady;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drover-supervise-timer");
        t.setDaemon(true);
        return t;
    });
    private final List<FileChannel> locks = new ArrayList<>();
    private volatile boolean stopping;
    private Thread roll;
    private final Cluster cluster;

    public Supervisor(Posix posix, SupervisorListener listener, Host host, List<NodeSpec> nodes, Options options) {
        this.reaper = new Reaper(posix);
        this.posix = new ReapingPosix(posix, reaper);
        this.listener = listener;
        this.host = host;
        this.options = options;
        this.backoff = new Backoff(options.backoff(), options.backoffMax(), () -> ThreadLocalRandom.current().nextDouble());
        for (NodeSpec node : nodes) {
            keepers.add(new Keeper(node));
        }
        this.allReady = new CountDownLatch(nodes.size());
        this.cluster = newCluster(host);
    }

    /** A signal supervise was sent (TERM, INT, HUP), from its signal handlers. */
    public void signal(int signal) {
        events.add(signal);
    }

    /**
     * Runs until TERM or INT: 0 once every node stopped, 1 naming the nodes it had to kill; 1
     * too when every node was given up.
     */
    public int run() {
        Snapshot snapshot = cluster.snapshot();
        keepers.forEach(k -> cluster.handle(snapshot, k.node).checkStart());
        lockNodes();
        boolean subreaper = posix.becomeChildSubreaper();
        reaper.start();
        listener.info(null, "supervising " + keepers.size() + " node" + (keepers.size() == 1 ? "" : "s") + " (pid "
                + ProcessHandle.current().pid() + (subreaper ? ", child subreaper" : "") + ")");
        for (Keeper k : keepers) {
            k.thread.start();
        }
        Thread readiness = new Thread(() -> {
            try {
                allReady.await();
                events.add(READY);
            } catch (InterruptedException e) {
                // stopping
            }
        }, "drover-supervise-ready");
        readiness.setDaemon(true);
        readiness.start();
        if (options.maxMemory() > 0) {
            long period = options.sample().toMillis();
            timer.scheduleAtFixedRate(this::sampleMemory, period, period, TimeUnit.MILLISECONDS);
        }
        if (options.heartbeat() != null) {
            long period = options.heartbeat().toMillis();
            timer.scheduleAtFixedRate(this::checkHeartbeats, period, period, TimeUnit.MILLISECONDS);
        }
        try {
            while (true) {
                int event = events.take();
                if (event == READY) {
                    if (keepers.stream().noneMatch(k -> k.pid > 0)) {
                        continue; // every node was given up before it was ready: GAVE_UP ends us
                    }
                    String status = running();
                    listener.info(null, "all nodes ready: " + status);
                    // what starting them took is garbage now: supervise lives on small
                    posix.trimNativeHeap();
                    if (systemd != null) {
                        systemd.ready(status);
                    }
                } else if (event == GAVE_UP) {
                    if (keepers.stream().allMatch(k -> k.gaveUp)) {
                        listener.warn(null, "every node was given up: exiting");
                        stopAll(Signals.TERM);
                        return ExitCode.NODE_FAILED;
                    }
                    if (systemd != null) {
                        systemd.status(running());
                    }
                } else if (event == Signals.HUP) {
                    rollingRestart();
                    posix.trimNativeHeap();
                } else if (event == Signals.TERM || event == Signals.INT) {
                    return stopAll(event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stopAll(Signals.TERM);
        } finally {
            timer.shutdownNow();
        }
    }

    /** "3 of 3 nodes running", for STATUS= and the log. */
    private String running() {
        long up = keepers.stream().filter(k -> k.pid > 0).count();
        long given = keepers.stream().filter(k -> k.gaveUp).count();
        return up + " of " + keepers.size() + " nodes running" + (given > 0 ? ", " + given + " given up" : "");
    }

    /**
     * The cluster supervise starts nodes through: one, so its start window holds for every
     * keeper; each use takes a fresh {@link Snapshot}, as supervise lives long.
     */
    private Cluster newCluster(Host host) {
        return new Cluster(() -> posix, new ClusterListener() {
            @Override
            public void phase(String title, List<NodeSpec> nodes) {}

            @Override
            public void node(NodeSpec node, NodeEvent event) {
                // each outcome comes back to its keeper as the call's value; a warning has no
                // other way to the operator, so it is the one event forwarded
                if (event instanceof NodeEvent.Warning w) {
                    listener.warn(node, w.message());
                }
            }

            @Override
            public void waiting(List<NodeSpec> remaining) {}
        }, host);
    }

    /** One supervise per node: its lock in the registry directory, held until this process ends. */
    private void lockNodes() {
        NodeRegistry registry = new NodeRegistry(Path.of(host.registryDir()));
        List<String> taken = new ArrayList<>();
        for (Keeper k : keepers) {
            Path file = registry.supervisionLock(k.node.nodename().full());
            try {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    ByteBuffer buf = ByteBuffer.allocate(32);
                    ch.read(buf, 0);
                    ch.close();
                    String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
                    taken.add(k.node.nodename().full() + (pid.isEmpty() ? "" : " (by pid " + pid + ")"));
                    continue;
                }
                ch.truncate(0);
                ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                locks.add(ch);
            } catch (IOException e) {
                throw new DroverException(ExitCode.CANT_CREATE, "cannot lock " + file + ": " + OsErrors.reason(e));
            }
        }
        if (!taken.isEmpty()) {
            locks.forEach(ch -> {
                try {
                    ch.close();
                } catch (IOException e) {
                    // released as we exit anyway
                }
            });
            throw new DroverException(ExitCode.NODE_FAILED, "already supervised: " + String.join(", ", taken));
        }
    }

    /**
     * TERM or INT to every node, then waits for all of them (at most {@code --timeout}); the
     * ones still alive are killed, named, and the exit status is 1.
     */
    private int stopAll(int signal) {
        stopping = true;
        String how = signal == Signals.INT ? "cold stop (SIGINT)" : "warm stop (SIGTERM)";
        listener.info(null, how + " of every node");
        if (systemd != null) {
            systemd.stopping(how);
        }
        for (Keeper k : keepers) {
            k.stop(signal);
        }
        long deadline = System.nanoTime() + options.stopTimeout().toNanos();
        List<String> killed = new ArrayList<>();
        for (Keeper k : keepers) {
            join(k.thread, options.stopTimeout().isZero() ? 0 : Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (k.thread.isAlive() && k.kill()) {
                killed.add(k.node.nodename().full());
            }
        }
        for (Keeper k : keepers) {
            join(k.thread, KEEPER_WAIT.toMillis());
            Pidfile.removeIfStale(Path.of(k.node.pidfile()), Pidfile.NodeCheck.ANY);
        }
        if (!killed.isEmpty()) {
            listener.warn(null, "killed (SIGKILL) after --timeout " + options.stopTimeout().toMillis() / 1000.0 + " s: "
                    + String.join(", ", killed));
            return ExitCode.NODE_FAILED;
        }
        listener.info(null, "every node stopped");
        return ExitCode.OK;
    }

    private static void join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** HUP: the rolling restart runs beside the main loop, so a TERM meanwhile is heard. */
    private void rollingRestart() {
        if (roll != null && roll.isAlive()) {
            listener.info(null, "SIGHUP ignored: a rolling restart is under way");
            return;
        }
        roll = new Thread(() -> {
            int batch = Math.max(1, options.batch());
            listener.info(null, "rolling restart (SIGHUP), " + batch + " at a time");
            if (systemd != null) {
                systemd.reloading("rolling restart, " + batch + " at a time");
            }
            List<Keeper> todo = keepers.stream().filter(k -> k.pid > 0).toList();
            for (int i = 0; i < todo.size() && !stopping; i += batch) {
                List<Keeper> group = todo.subList(i, Math.min(todo.size(), i + batch));
                List<CompletableFuture<String>> back = group.stream().map(k -> k.restartNow("rolling restart")).toList();
                for (int j = 0; j < group.size(); j++) {
                    String failed = back.get(j).join();
                    if (failed != null) {
                        listener.warn(group.get(j).node, "did not come back from the rolling restart: " + failed
                                + "; the rolling restart stopped, the nodes not yet restarted keep running");
                        i = todo.size();
                    }
                }
            }
            if (!stopping && systemd != null) {
                systemd.ready(running());
            }
            if (!stopping) {
                listener.info(null, "rolling restart done: " + running());
            }
        }, "drover-supervise-roll");
        roll.setDaemon(true);
        roll.start();
    }

    private void sampleMemory() {
        for (Keeper k : keepers) {
            long pid = k.pid;
            if (pid <= 0) {
                continue;
            }
            long rss = ProcessTable.rss(pid).orElse(0L);
            if (rss > options.maxMemory()) {
                if (++k.overMemory >= MEMORY_SAMPLES) {
                    k.overMemory = 0;
                    k.restartAsked("RSS " + mib(rss) + " over --max-memory " + mib(options.maxMemory()), Signals.TERM);
                }
            } else {
                k.overMemory = 0;
            }
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private void checkHeartbeats() {
        long silentFor = options.heartbeat().toNanos() * HEARTBEAT_MISSES;
        for (Keeper k : keepers) {
            if (k.pid > 0 && k.beating && System.nanoTime() - k.lastBeat > silentFor) {
                k.restartAsked("hung: no heartbeat for " + (System.nanoTime() - k.lastBeat) / 1_000_000 / 1000.0
                        + " s (" + HEARTBEAT_MISSES + " intervals of --heartbeat)", Signals.KILL);
            }
        }
    }

    /** One node: its start, its end, and what comes after. */
    private final class Keeper {
        final NodeSpec node;
        final Thread thread;
        final Deque<Long> restarts = new ArrayDeque<>();
        final Object wake = new Object();
        volatile long pid = -1;
        volatile boolean gaveUp;
        volatile boolean beating;
        volatile long lastBeat;
        int overMemory;
        private boolean ours;
        private CompletableFuture<String> end;
        private int stopSignal;
        private boolean stopSent;
        private String asked;
        private CompletableFuture<String> back;
        private String lastExit;
        private int inARow;
        private long startedAt;
        private boolean first = true;

        Keeper(NodeSpec node) {
            this.node = node;
            this.thread = new Thread(this::keep, "drover-keep-" + node.nodename().full());
            this.thread.setDaemon(true);
        }

        private void keep() {
            while (!stopping) {
                String failure = start();
                CompletableFuture<String> cameBack;
                synchronized (this) {
                    cameBack = back;
                    back = null;
                }
                if (cameBack != null) {
                    cameBack.complete(failure);
                }
                if (failure != null) {
                    if (stopping || !afterExit("did not start: " + failure)) {
                        break;
                    }
                    continue;
                }
                if (first) {
                    first = false;
                    allReady.countDown();
                }
                sendStop();
                String how = end.join();
                String why;
                synchronized (this) {
                    if (ours) {
                        reaper.forget(pid);
                    }
                    pid = -1;
                    beating = false;
                    why = asked;
                    asked = null;
                }
                lastExit = how;
                if (stopping) {
                    listener.info(node, "stopped (" + how + ")");
                    break;
                }
                if (why != null) {
                    listener.info(node, "exited (" + how + ") after " + why + "; starting it again");
                    continue;
                }
                if (!afterExit(how)) {
                    break;
                }
            }
            if (first) {
                allReady.countDown(); // never ready, but READY=1 must not wait for it forever
                first = false;
            }
        }

        /** Starts or adopts the node; null when it runs, else why not. */
        private String start() {
            NodeHandle handle = cluster.handle(cluster.snapshot(), node);
            PidfileState state;
            try {
                state = handle.inspect();
            } catch (DroverException e) {
                return e.getMessage();
            }
            if (state instanceof PidfileState.Running running && adopt(running.pid(), handle)) {
                return null;
            }
            NodeEvent event = handle.start(options.startTimeout(), options.heartbeat());
            if (event instanceof NodeEvent.Started started) {
                synchronized (this) {
                    pid = started.pid();
                    ours = true;
                    end = reaper.exitOf(started.pid()).thenApply(Posix.ChildExit::describe);
                }
                startedAt = System.nanoTime();
                handle.recordStart(lastExit);
                listener.info(node, "started (pid " + started.pid() + ")");
                if (started.heartbeat() != null) {
                    listen(started.heartbeat());
                }
                return null;
            }
            if (event instanceof NodeEvent.AlreadyRunning r) {
                // words, not the record's toString(): this reason is printed as it is
                return adopt(r.pid(), handle) ? null : "already running as pid " + r.pid()
                        + ", which could not be watched: it ended, or its pidfile changed, while supervise looked";
            }
            return ((NodeEvent.Failed) event).reason(); // spawnSupervised says Started, AlreadyRunning or Failed
        }

        /**
         * A node already running under its pidfile is adopted, not started twice. It is not our
         * child: a pidfd tells of its end, opened before the pidfile is checked again, so the pid
         * cannot have gone to another process in between.
         */
        private boolean adopt(long running, NodeHandle handle) {
            int fd = posix.openPidfd(running);
            if (fd < 0) {
                return false;
            }
            PidfileState again = handle.inspect();
            if (!(again instanceof PidfileState.Running r) || r.pid() != running) {
                posix.close(fd);
                return false;
            }
            CompletableFuture<String> ended = new CompletableFuture<>();
            Thread watch = new Thread(() -> {
                posix.awaitPidfd(fd);
                posix.close(fd);
                ended.complete("ended; not our child, so its status went to its parent");
            }, "drover-watch-" + node.nodename().full());
            watch.setDaemon(true);
            synchronized (this) {
                pid = running;
                ours = false;
                end = ended;
            }
            startedAt = System.nanoTime();
            watch.start();
            listener.info(node, "adopted (pid " + running + ", already running under " + node.pidfile() + ")");
            return true;
        }

        /**
         * Reads the node's heartbeats: each BEAT line with the start's key is a beat (what its
         * application writes on the pipe is not); end-of-file is the node's end.
         */
        private void listen(HandshakeReader heartbeat) {
            lastBeat = System.nanoTime();
            beating = true;
            Thread reader = new Thread(() -> {
                while (heartbeat.nextBeat()) {
                    lastBeat = System.nanoTime();
                }
                heartbeat.close();
            }, "drover-heartbeat-" + node.nodename().full());
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * After an exit nobody asked for: gives up once {@code --max-restarts} are spent within
         * {@code --within}, else waits the backoff. False when the node is not to be started again.
         */
        private boolean afterExit(String how) {
            long now = System.nanoTime();
            if (startedAt != 0 && now - startedAt >= options.backoffReset().toNanos()) {
                inARow = 0;
            }
            startedAt = 0;
            while (!restarts.isEmpty() && now - restarts.peekFirst() > options.within().toNanos()) {
                restarts.removeFirst();
            }
            lastExit = how;
            if (options.maxRestarts() > 0 && restarts.size() >= options.maxRestarts()) {
                gaveUp = true;
                listener.warn(node, "exited (" + how + "); GAVE UP: " + restarts.size() + " restarts within "
                        + options.within().toSeconds() + " s (--max-restarts " + options.maxRestarts()
                        + " --within " + options.within().toSeconds() + "); the other nodes go on");
                events.add(GAVE_UP);
                return false;
            }
            inARow++;
            Duration delay = backoff.delay(inARow);
            listener.warn(node, "exited unasked (" + how + "); restart " + (restarts.size() + 1) + " in "
                    + delay.toMillis() / 1000.0 + " s");
            synchronized (wake) {
                long until = System.nanoTime() + delay.toNanos();
                while (!stopping && System.nanoTime() < until) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(wake, until - System.nanoTime());
                    } catch (InterruptedException e) {
                        return false;
                    }
                }
            }
            restarts.addLast(System.nanoTime());
            return !stopping;
        }

        /** Asks the node to stop for good with {@code signal}; wakes a keeper in its backoff. */
        void stop(int signal) {
            synchronized (this) {
                stopSignal = signal;
            }
            sendStop();
            synchronized (wake) {
                wake.notifyAll();
            }
        }

        /** Sends the stop signal once, whichever of stop() and a start that just ended comes second. */
        private synchronized void sendStop() {
            if (stopSignal != 0 && !stopSent && pid > 0) {
                stopSent = true;
                send(pid, stopSignal);
            }
        }

        /** SIGKILL to a node that outlived the stop timeout; true if there was one. */
        synchronized boolean kill() {
            if (pid <= 0) {
                return false;
            }
            send(pid, Signals.KILL);
            return true;
        }

        /**
         * Stops the node to start it again at once ({@code why}: memory, hung, rolling restart);
         * a warm stop that outlives {@code --timeout} is made a kill.
         *
         * @return false when the node is not running or already on its way
         */
        synchronized boolean restartAsked(String why, int signal) {
            if (pid <= 0 || asked != null || stopping) {
                return false;
            }
            asked = why;
            long target = pid;
            listener.warn(node, why + ": restarting pid " + target + " (SIG" + Signals.name(signal) + ")");
            send(target, signal);
            if (signal != Signals.KILL && !options.stopTimeout().isZero()) {
                timer.schedule(() -> {
                    synchronized (Keeper.this) {
                        if (pid == target) {
                            listener.warn(node, "still running after --timeout: killing pid " + target);
                            send(target, Signals.KILL);
                        }
                    }
                }, options.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            return true;
        }

        /** For a rolling restart: completes with null once the node is back and ready, else why not. */
        CompletableFuture<String> restartNow(String why) {
            CompletableFuture<String> f = new CompletableFuture<>();
            synchronized (this) {
                back = f;
                if (!restartAsked(why, Signals.TERM)) {
                    back = null;
                    f.complete(null); // not running: nothing to wait for
                }
            }
            return f;
        }

        private void send(long target, int signal) {
            try {
                posix.kill(target, signal);
            } catch (DroverException e) {
                listener.warn(node, e.getMessage());
            }
        }
    }
}
