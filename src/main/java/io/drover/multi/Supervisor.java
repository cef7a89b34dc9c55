package io.drover.multi;

import io.drover.core.UsageException;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.MetricsText;
import io.drover.core.OsErrors;
import io.drover.core.ProbeServer;
import io.drover.core.Signals;
import io.drover.posix.Pidfile;
import io.drover.posix.Posix;
import io.drover.posix.ProcessTable;
import io.drover.posix.ServiceManager;
import io.drover.registry.NodeRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
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
 * <li>One {@link Keeper} thread per node starts it, waits for its end and starts it again: at
 *     once when supervise asked it to go (memory, hung, rolling restart), after a {@link Backoff}
 *     when it exited unasked, never again once {@code --max-restarts} were spent within
 *     {@code --within}; its states are {@link KeeperState}'s table.
 * <li>Nodes supervise spawned are its children: their ends come from the {@link Reaper}, which
 *     also reaps every orphan re-parented to this process (it makes itself a child subreaper).
 *     Adopted nodes are not its children: a pidfd each, polled by a blocked thread, tells of
 *     their end. Nothing looks at /proc but the memory sample, at the operator's interval.
 * <li>A second supervise of a node is refused by a lock on {@code NODENAME.supervise} in the
 *     registry; a supervise killed with -9 leaves its nodes running for the next to adopt.
 * </ul>
 * Reports through a {@link ClusterListener}: each node's {@link NodeEvent}s, and its own lines
 * as {@link ClusterEvent}s; never prints.
 */
public final class Supervisor {
    /** How long supervise's last lines may take to be written before it exits anyway (a stuck pipe). */
    static final Duration OUTPUT_WAIT = Duration.ofSeconds(10);

    /**
     * How long stopping waits for a keeper thread once its node was stopped or killed: the node's
     * end, its pidfile's cleanup and its record's last word, none of which waits on the node.
     */
    static final Duration KEEPER_WAIT = Duration.ofSeconds(30);

    /**
     * How long a supervise that found a node's lock held asks again before it refuses: the
     * holder may be a supervise started at the same time that is letting its locks go.
     */
    static final Duration LOCK_RETRY = Duration.ofSeconds(1);
    private static final Duration LOCK_POLL = Duration.ofMillis(50);

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
     * @param giveUpFor how long a node given up stays down before it is tried again; null: for good
     */
    public record Options(Duration backoff, Duration backoffMax, Duration backoffReset, int maxRestarts,
                          Duration within, long maxMemory, Duration sample, Duration heartbeat,
                          Duration stopTimeout, Duration startTimeout, int batch, Duration giveUpFor) {}

    /** Heartbeats a node may miss before it is called hung. */
    public static final int HEARTBEAT_MISSES = 3;
    /** Memory samples over the limit in a row before a node is restarted. */
    public static final int MEMORY_SAMPLES = 2;
    /**
     * How long after its nodes are ready (or a roll is over) supervise gives malloc's free pages
     * back a second time. HotSpot keeps the chunks its compiler freed in a pool of its own and
     * hands them to malloc only every 5 s (its ChunkPool cleaner): the trim as the last node
     * becomes ready finds the ~12 MiB that C1 took while supervise started its nodes still held,
     * and once freed they stayed resident in malloc's arenas for supervise's whole life.
     */
    static final Duration TRIM_AGAIN_AFTER = Duration.ofSeconds(8);

    private static final int READY = -1;
    private static final int GAVE_UP = -2;

    private final ReapingPosix posix;
    private final Reaper reaper;
    private final QueuedListener listener;
    private final Host host;
    private final Options options;
    /** Read by the control socket's, the timer's and a roll's threads; a node forgotten leaves it. */
    private final List<Keeper> keepers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final BlockingQueue<Integer> events = new LinkedBlockingQueue<>();
    private final ServiceManager systemd = ServiceManager.fromEnvironment();
    private final CountDownLatch allReady;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drover-supervise-timer");
        t.setDaemon(true);
        return t;
    });
    /** Each node's lock, by nodename. */
    private final java.util.Map<String, FileChannel> locks = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean stopping;
    private Thread roll;
    private final Cluster cluster;
    /** Runs the operator's hooks; null when none was given. */
    private final HookRunner hookRunner;
    /** What the keepers report to: the listener, through the hooks' when there are hooks. */
    private final ClusterListener keepersListener;
    private ControlServer control;
    /** {@code --metrics-port} and {@code --metrics-address}: where {@code /metrics} is served; port 0, none. */
    private int metricsPort;
    private InetAddress metricsAddress;
    private ProbeServer metrics;
    private final Backoff backoff;
    private final KeeperClock clock;
    private final KeeperOwner owner;
    /** The parser of an {@code add}'s words: set when this is the detached supervisor, else null. */
    private volatile java.util.function.Function<List<String>, List<NodeSpec>> adds;
    private volatile boolean subreaper;
    /** An add's start of a node watched already, for the await that follows, by nodename. */
    private final java.util.Map<String, CompletableFuture<String>> awaited = new java.util.concurrent.ConcurrentHashMap<>();

    public Supervisor(Posix posix, ClusterListener listener, Host host, List<NodeSpec> nodes, Options options) {
        this(posix, listener, host, nodes, options, Hooks.NONE);
    }

    /** A supervise that runs the operator's {@code hooks} (issue 29, item 5: {@link HookListener}). */
    public Supervisor(Posix posix, ClusterListener listener, Host host, List<NodeSpec> nodes, Options options,
                      Hooks hooks) {
        this.reaper = new Reaper(posix);
        this.posix = new ReapingPosix(posix, reaper);
        this.listener = new QueuedListener(listener);
        // hooks: the keepers report through a HookListener, which queues each hook and passes every event on
        this.hookRunner = hooks.any()
                ? new HookRunner(this.posix, reaper, this.listener, hooks.timeout(), System.getenv()) : null;
        this.keepersListener = hookRunner == null ? this.listener
                : new HookListener(this.listener, hooks, hookRunner::offer);
        if (hookRunner != null) {
            hookRunner.start();
        }
        this.host = host;
        this.options = options;
        this.allReady = new CountDownLatch(nodes.size());
        this.cluster = newCluster(host);
        Backoff backoff = new Backoff(options.backoff(), options.backoffMax(), () -> ThreadLocalRandom.current().nextDouble());
        KeeperClock clock = new KeeperClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void schedule(Duration delay, Runnable task) {
                timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        };
        KeeperOwner owner = new KeeperOwner() {
            @Override
            public void ready() {
                allReady.countDown();
            }

            @Override
            public void gaveUp() {
                events.add(GAVE_UP);
            }
        };
        this.backoff = backoff;
        this.clock = clock;
        this.owner = owner;
        for (NodeSpec node : nodes) {
            Keeper k = newKeeper(node);
            keepers.add(k);
            threads.add(keeperThread(k));
        }
        // --after: a node's first start waits for the first starts of the nodes it is after
        for (Keeper k : keepers) {
            List<String> after = k.spec().after();
            CompletableFuture<?>[] firsts = keepers.stream().filter(d -> after.contains(d.spec().nodename().full()))
                    .map(Keeper::firstStart).toArray(CompletableFuture<?>[]::new);
            if (firsts.length > 0) {
                k.startAfter(CompletableFuture.allOf(firsts));
            }
        }
    }

    private Keeper newKeeper(NodeSpec node) {
        return new Keeper(new HandleNode(node, () -> cluster.handle(cluster.snapshot(), node, true), this.posix, reaper),
                options, backoff, clock, keepersListener, owner);
    }

    private static Thread keeperThread(Keeper k) {
        Thread t = new Thread(k::keep, "drover-keep-" + k.spec().nodename().full());
        t.setDaemon(true);
        return t;
    }

    /**
     * This is the supervisor {@code supervise --detach} spawned: it writes its pid to the
     * registry's {@code supervisor.pid} once it listens, and takes more nodes through its
     * socket's {@code add}, each request's words read by {@code parser} (the command line's
     * grammar and expander: the nodes, their options; supervise's own options are this
     * supervisor's, given when it was spawned).
     */
    public void detached(java.util.function.Function<List<String>, List<NodeSpec>> parser) {
        this.adds = parser;
    }

    /**
     * Serves {@code /metrics} ({@link SupervisorMetrics}) on {@code port} of {@code address}
     * (loopback when null) while supervise runs, from before its nodes start.
     */
    public void metrics(InetAddress address, int port) {
        this.metricsAddress = address;
        this.metricsPort = port;
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
        try {
            return supervise();
        } finally {
            if (hookRunner != null) {
                hookRunner.finish(); // the hooks of the last events (a give-up) run before we exit
            }
            listener.drain(OUTPUT_WAIT);
        }
    }

    private int supervise() {
        Snapshot snapshot = cluster.snapshot();
        keepers.forEach(k -> cluster.handle(snapshot, k.spec(), true).checkStart());
        lockNodes();
        openControl();
        if (metricsPort > 0) {
            openMetrics();
        }
        if (adds != null) {
            DetachedSupervisor.writePidfile(Path.of(host.registryDir()));
        }
        subreaper = posix.becomeChildSubreaper();
        reaper.start();
        listener.cluster(new ClusterEvent.Supervising(keepers.size(), ProcessHandle.current().pid(), subreaper));
        threads.forEach(Thread::start);
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
                    if (keepers.stream().noneMatch(k -> k.pid() > 0)) {
                        continue; // every node was given up before it was ready: GAVE_UP ends us
                    }
                    ClusterEvent.Tally tally = tally();
                    listener.cluster(new ClusterEvent.AllReady(tally));
                    // what starting them took is garbage now: supervise lives on small
                    trimNativeHeap();
                    if (systemd != null) {
                        systemd.ready(tally.text());
                    }
                } else if (event == GAVE_UP) {
                    // given up for good (--give-up-for=0) every one: nothing is left to keep
                    if (options.giveUpFor() == null && keepers.stream().allMatch(k -> k.state() == KeeperState.GAVE_UP)) {
                        listener.cluster(new ClusterEvent.AllGaveUp());
                        stopAll(Signals.TERM);
                        return ExitCode.NODE_FAILED;
                    }
                    if (systemd != null) {
                        systemd.status(tally().text());
                    }
                } else if (event == Signals.HUP) {
                    rollingRestart();
                    trimNativeHeap();
                } else if (event == Signals.TERM || event == Signals.INT) {
                    return stopAll(event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stopAll(Signals.TERM);
        } finally {
            timer.shutdownNow();
            if (adds != null) {
                DetachedSupervisor.removePidfile(Path.of(host.registryDir()));
            }
            if (control != null) {
                control.close();
            }
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    /** {@code --metrics-port}: bound before a node starts, so a port taken fails supervise with nothing started. */
    private void openMetrics() {
        ProbeServer.Answers answers = path -> path.equals("/metrics")
                ? new ProbeServer.Answer(200, "OK", MetricsText.CONTENT_TYPE,
                        SupervisorMetrics.page(keepers))
                : ProbeServer.Answer.notFound();
        try {
            metrics = ProbeServer.start(metricsAddress, metricsPort, "drover-supervise-metrics", answers);
        } catch (IOException e) {
            control.close();
            unlockAll();
            throw new DroverException(ExitCode.UNAVAILABLE, "--metrics-port " + metricsPort
                    + (metricsAddress == null ? "" : " on " + metricsAddress.getHostAddress()) + ": cannot listen: "
                    + OsErrors.reason(e));
        }
    }

    /**
     * The control socket, in the registry's directory beside the nodes' locks that name this
     * process: the operator's stop, kill, start and restart of a node come through it.
     */
    private void openControl() {
        NodeRegistry registry = new NodeRegistry(Path.of(host.registryDir()));
        Path socket = registry.controlSocket(ProcessHandle.current().pid());
        try {
            UserPrincipal owner = Files.getOwner(socket.getParent(), LinkOption.NOFOLLOW_LINKS);
            control = new ControlServer(socket, owner, this::control,
                    who -> listener.cluster(new ClusterEvent.ControlRefused(who)));
        } catch (IOException e) {
            unlockAll();
            throw new DroverException(ExitCode.CANT_CREATE, "cannot listen on " + socket + ": " + OsErrors.reason(e));
        }
    }

    /** One request of the control socket ({@link SupervisorLink} has the grammar), answered now or once done. */
    private CompletableFuture<String> control(String line) {
        if (line.startsWith("add ")) {
            return CompletableFuture.completedFuture(add(line.substring(4)));
        }
        String[] f = line.split(" ");
        Keeper k = f.length < 2 ? null : keepers.stream().filter(x -> x.spec().nodename().full().equals(f[1]))
                .findFirst().orElse(null);
        if (k == null) {
            return CompletableFuture.completedFuture(f.length < 2 ? "error no nodename" : "unknown");
        }
        switch (f[0]) {
            case "view" -> {
                Keeper.View v = k.view();
                return CompletableFuture.completedFuture("ok " + v.state() + " " + v.pid() + " " + v.restarts() + " "
                        + (v.nextTry() == null ? -1 : v.nextTry().toMillis()) + " " + v.byRequest());
            }
            case "signal" -> {
                int signal;
                try {
                    signal = Integer.parseInt(f.length > 2 ? f[2] : "");
                } catch (NumberFormatException e) {
                    return CompletableFuture.completedFuture("error no signal number");
                }
                if (!ENDING.contains(signal)) {
                    return CompletableFuture.completedFuture("unknown"); // not a stop: the caller sends it itself
                }
                if (stopping) {
                    return CompletableFuture.completedFuture("error supervise is stopping every node");
                }
                return CompletableFuture.completedFuture("ok " + k.stopAsked(signal));
            }
            case "forget" -> {
                return CompletableFuture.completedFuture(forget(k));
            }
            case "await" -> {
                CompletableFuture<String> asked = awaited.remove(k.spec().nodename().full());
                return (asked != null ? asked : k.firstStart()).thenApply(failure -> {
                    long pid = k.pid();
                    if (failure != null) {
                        return "failed " + failure;
                    }
                    return pid > 0 ? "ok " + pid : "failed it is " + k.state().name().toLowerCase(java.util.Locale.ROOT)
                            .replace('_', ' ');
                });
            }
            case "start" -> {
                if (stopping) {
                    return CompletableFuture.completedFuture("failed supervise is stopping every node");
                }
                // a start that a stop overtook completes without a failure, and with no pid: not "ok"
                return k.startAsked().thenApply(failure -> {
                    long pid = k.pid();
                    return failure == null && pid > 0 ? "ok " + pid
                            : "failed " + (failure != null ? failure : "it was stopped before it was up");
                });
            }
            default -> {
                return CompletableFuture.completedFuture("error unknown request " + f[0]);
            }
        }
    }

    /**
     * {@code add WORDS}: more nodes for the detached supervisor, its command line's words as
     * shell words. Checked, locked (all or none) and started as its first nodes were; the
     * answer, {@code ok NODENAME...}, comes once their keepers run (the CLI then awaits each).
     * A node this supervise watches already is named too, and started if it is down (the
     * operator's start).
     */
    private synchronized String add(String words) {
        if (adds == null) {
            return "error this supervise takes no nodes (only one started with --detach does)";
        }
        if (stopping) {
            return "error supervise is stopping every node";
        }
        List<NodeSpec> nodes;
        try {
            nodes = adds.apply(io.drover.core.ShellWords.split(words));
            if (nodes.isEmpty()) {
                return "error no nodes given (a count or names)";
            }
            NodeConflicts.check(nodes);
            Snapshot snapshot = cluster.snapshot();
            java.util.Set<String> watched = new java.util.HashSet<>();
            keepers.forEach(k -> watched.add(k.spec().nodename().full()));
            List<NodeSpec> fresh = nodes.stream().filter(n -> !watched.contains(n.nodename().full())).toList();
            fresh.forEach(n -> cluster.handle(snapshot, n, true).checkStart());
            NodeRegistry registry = new NodeRegistry(Path.of(host.registryDir()));
            List<String> names = fresh.stream().map(n -> n.nodename().full()).sorted().distinct().toList();
            String held = lockSome(registry, names);
            if (held != null) {
                return "error already supervised: " + held;
            }
            // one watched already is started if it is down (stopped by request, given up): as start would
            for (Keeper k : keepers) {
                if (nodes.stream().anyMatch(n -> n.nodename().full().equals(k.spec().nodename().full()))) {
                    awaited.put(k.spec().nodename().full(), k.startAsked());
                }
            }
            for (NodeSpec n : fresh) {
                Keeper k = newKeeper(n);
                keepers.add(k);
                keeperThread(k).start();
            }
            listener.cluster(new ClusterEvent.Supervising(keepers.size(), ProcessHandle.current().pid(), subreaper));
        } catch (DroverException e) {
            return "error " + e.getMessage();
        }
        return "ok " + String.join(" ", nodes.stream().map(n -> n.nodename().full()).toList());
    }

    /** Takes the locks of {@code nodenames} beside the ones held, all or none: null, else the one held by another. */
    private String lockSome(NodeRegistry registry, List<String> nodenames) {
        java.util.Map<String, FileChannel> held = new java.util.HashMap<>(locks);
        locks.clear();
        try {
            String refused = lockAll(registry, nodenames);
            if (refused == null) {
                held.putAll(locks);
            }
            return refused;
        } finally {
            locks.clear();
            locks.putAll(held);
        }
    }

    /**
     * The operator's forget: supervise stops watching a node that does not run (stopped, given
     * up, in its backoff), and lets its lock go, so its record can go and the name be used anew.
     */
    private String forget(Keeper k) {
        String busy = k.release();
        if (busy != null) {
            return "error it is " + busy + " under supervise (pid " + ProcessHandle.current().pid() + "): stop it first";
        }
        keepers.remove(k);
        FileChannel lock = locks.remove(k.spec().nodename().full());
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                // released as we exit anyway
            }
        }
        return "ok";
    }

    /** The signals that stop a node: the operator's stop of a supervised node, which it keeps down. */
    private static final java.util.Set<Integer> ENDING = java.util.Set.of(Signals.TERM, Signals.INT, Signals.QUIT, Signals.KILL);

    /** "3 of 3 nodes running", for STATUS= and the log. */
    private ClusterEvent.Tally tally() {
        int up = (int) keepers.stream().filter(k -> k.pid() > 0).count();
        int given = (int) keepers.stream().filter(k -> k.state() == KeeperState.GAVE_UP).count();
        return new ClusterEvent.Tally(up, keepers.size(), given);
    }

    /**
     * The cluster supervise starts nodes through: one, so its start window holds for every
     * keeper; each start takes a fresh {@link Snapshot}, as supervise lives long.
     */
    private Cluster newCluster(Host host) {
        return new Cluster(() -> posix, new ClusterListener() {
            @Override
            public void phase(String title, List<NodeSpec> nodes) {}

            @Override
            public void node(NodeSpec node, NodeEvent event) {
                // each outcome comes back to its keeper as the call's value; a warning has no
                // other way to the operator, so it is the one event forwarded
                if (event instanceof NodeEvent.Warning) {
                    listener.node(node, event);
                }
            }

            @Override
            public void waiting(List<NodeSpec> remaining) {}
        }, host);
    }

    /**
     * One supervise per node: its lock in the registry directory, held until this process ends.
     * Taken all or none, in the nodenames' order: of two supervise of the same nodes started at
     * once, the one that takes the first lock takes them all, and the other holds none (each
     * taking some in the order it was given, both refused). A lock held by a supervise that is
     * itself giving up (it found another of its locks held) is asked again for {@link #LOCK_RETRY}.
     */
    private void lockNodes() {
        NodeRegistry registry = new NodeRegistry(Path.of(host.registryDir()));
        List<String> nodenames = keepers.stream().map(k -> k.spec().nodename().full()).sorted().distinct().toList();
        long deadline = System.nanoTime() + LOCK_RETRY.toNanos();
        while (true) {
            String held = lockAll(registry, nodenames);
            if (held == null) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new DroverException(ExitCode.NODE_FAILED, "already supervised: " + held);
            }
            try {
                Thread.sleep(LOCK_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DroverException(ExitCode.NODE_FAILED, "already supervised: " + held);
            }
        }
    }

    /** Takes every node's lock, or none: null when they are all ours, else the first one held, with its holder's pid. */
    private String lockAll(NodeRegistry registry, List<String> nodenames) {
        for (String nodename : nodenames) {
            Path file = registry.supervisionLock(nodename);
            try {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (IOException e) {
                    ch.close();
                    throw e;
                }
                if (lock == null) {
                    ByteBuffer buf = ByteBuffer.allocate(32);
                    ch.read(buf, 0);
                    ch.close();
                    unlockAll();
                    // its holder writes its pid just after it took the lock: it may not be there yet
                    String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
                    return nodename + (pid.isEmpty() ? "" : " (by pid " + pid + ")");
                }
                locks.put(nodename, ch);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            } catch (IOException e) {
                unlockAll();
                throw new DroverException(ExitCode.CANT_CREATE, "cannot lock " + file + ": " + OsErrors.reason(e));
            }
        }
        return null;
    }

    private void unlockAll() {
        for (FileChannel ch : locks.values()) {
            try {
                ch.close(); // its lock with it
            } catch (IOException e) {
                // released as we exit anyway
            }
        }
        locks.clear();
    }

    /**
     * TERM or INT to every node, then waits for all of them (at most {@code --timeout}); the
     * ones still alive are killed, named, and the exit status is 1. A node whose start is under
     * way is not yet ready and may never be ({@code --start-timeout=0}): the child its start
     * spawned gets the signal, and the kill, as a running node would; "every node stopped" is
     * said only when it is true.
     */
    private int stopAll(int signal) {
        synchronized (this) {
            stopping = true; // an add under way ends first: its keepers are among those stopped below
        }
        listener.cluster(new ClusterEvent.StoppingAll(signal));
        if (systemd != null) {
            systemd.stopping(signal == Signals.INT ? "cold stop (SIGINT)" : "warm stop (SIGTERM)");
        }
        for (Keeper k : keepers) {
            k.retire();
        }
        long deadline = System.nanoTime() + options.stopTimeout().toNanos();
        List<String> killed = new ArrayList<>();
        // --after: the nodes others are after go last, each level once the one before it is down
        // (or killed); the --timeout is for the whole stop, as for stopwait
        for (List<Keeper> level : stopLevels()) {
            for (Keeper k : level) {
                k.stop(signal);
            }
            List<Keeper> dying = new ArrayList<>();
            for (Keeper k : level) {
                Duration left = options.stopTimeout().isZero() ? null : Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                if (!k.awaitEnd(left) && k.kill(true)) {
                    killed.add(k.spec().nodename().full());
                    dying.add(k);
                }
            }
            // a kill waits for the node's thread dump first (seconds at most): the next level is
            // signalled once the killed nodes are down, not as soon as their kill is decided
            for (Keeper k : dying) {
                k.awaitEnd(KEEPER_WAIT);
            }
        }
        // the node's end, its pidfile's cleanup and its record's last word, none of which waits
        // on the node (a start under way was signalled too: it ends with its child)
        Duration last = KEEPER_WAIT;
        for (Keeper k : keepers) {
            String nodename = k.spec().nodename().full();
            if (!k.awaitEnd(last) && !killed.contains(nodename)) {
                killed.add(nodename);
            }
            Pidfile.removeIfStale(Path.of(k.spec().pidfile()), Pidfile.NodeCheck.ANY);
        }
        if (!killed.isEmpty()) {
            listener.cluster(new ClusterEvent.Killed(options.stopTimeout(), killed));
            return ExitCode.NODE_FAILED;
        }
        listener.cluster(new ClusterEvent.AllStopped());
        return ExitCode.OK;
    }

    /** The keepers in stop order: one level without --after, else dependents before what they are after. */
    private List<List<Keeper>> stopLevels() {
        List<Keeper> all = List.copyOf(keepers);
        Function<Keeper, String> name = k -> k.spec().nodename().full();
        Function<Keeper, List<String>> after = k -> k.spec().after();
        if (!StartOrder.any(all, name, after)) {
            return List.of(all);
        }
        try {
            List<List<Keeper>> levels = new ArrayList<>(StartOrder.levels(all, name, after));
            java.util.Collections.reverse(levels);
            return levels;
        } catch (UsageException e) {
            return List.of(all); // nodes added since with a cycle among them: stopped together
        }
    }

    /** HUP: the rolling restart runs beside the main loop, so a TERM meanwhile is heard. */
    private void rollingRestart() {
        if (roll != null && roll.isAlive()) {
            listener.cluster(new ClusterEvent.RollIgnored());
            return;
        }
        roll = new Thread(() -> {
            int batch = Math.max(1, options.batch());
            listener.cluster(new ClusterEvent.Rolling(batch));
            if (systemd != null) {
                systemd.reloading("rolling restart, " + batch + " at a time");
            }
            List<Keeper> todo = keepers.stream().filter(k -> k.pid() > 0).toList();
            for (int i = 0; i < todo.size() && !stopping; i += batch) {
                List<Keeper> group = todo.subList(i, Math.min(todo.size(), i + batch));
                List<CompletableFuture<String>> back = group.stream().map(Keeper::restartNow).toList();
                for (int j = 0; j < group.size(); j++) {
                    String failed = back.get(j).join();
                    if (failed != null) {
                        listener.node(group.get(j).spec(), new NodeEvent.RollStopped(failed));
                        i = todo.size();
                    }
                }
            }
            if (!stopping && systemd != null) {
                systemd.ready(tally().text());
            }
            if (!stopping) {
                listener.cluster(new ClusterEvent.RollDone(tally()));
            }
        }, "drover-supervise-roll");
        roll.setDaemon(true);
        roll.start();
    }

    /** Frees malloc's unused pages now, and again once the JVM handed back its compiler's ({@link #TRIM_AGAIN_AFTER}). */
    private void trimNativeHeap() {
        posix.trimNativeHeap();
        try {
            timer.schedule(posix::trimNativeHeap, TRIM_AGAIN_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // supervise is ending: nothing to trim for
        }
    }

    private void sampleMemory() {
        for (Keeper k : keepers) {
            long pid = k.pid();
            if (pid > 0) {
                k.memory(pid, ProcessTable.rss(pid).orElse(0L));
            }
        }
    }

    private void checkHeartbeats() {
        keepers.forEach(Keeper::checkHeartbeat);
    }
}
