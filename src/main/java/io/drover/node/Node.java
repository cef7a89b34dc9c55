package io.drover.node;

import io.drover.api.NodeApp;
import io.drover.api.NodeContext;
import io.drover.api.Shutdown;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.HeapDumps;
import io.drover.core.Host;
import io.drover.core.NodeName;
import io.drover.core.RootPolicy;
import io.drover.core.Templates;
import io.drover.posix.NodeProcesses;
import io.drover.posix.AlreadyRunningException;
import io.drover.posix.Identity;
import io.drover.posix.Pidfile;
import io.drover.posix.Posix;
import io.drover.posix.ServiceManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * One worker node in this JVM, from setup to exit. The order is the contract: root policy,
 * logfile, signal handlers, pidfile (exclusive, locked), {@code UP}, application class (under
 * the start deadline, TERM and INT heard), start; the node
 * reports ready only after all of them worked, and removes its pidfile on the way out.
 * Everything after setup is one event loop over {@link NodeState}: signal handlers and the
 * application's threads only post events.
 */
public final class Node {
    private final NodeConfig cfg;
    private final Handshake handshake;
    private final AppFactory factory;
    private final List<String> dataFiles;
    private final NodeName nodename;
    private final BlockingQueue<NodeState.Event> events = new LinkedBlockingQueue<>();
    /**
     * The application's class once loaded, or the TERM or INT that came first: whichever comes
     * first ends the node's wait for its class (a signal after it goes to {@link #events} only).
     */
    private final CompletableFuture<Object> loading = new CompletableFuture<>();
    private final ServiceManager systemd = ServiceManager.fromEnvironment();
    private volatile Throwable startFailure;
    private NodeState state = NodeState.STARTING;
    private Logger log;
    /** {@code --health-port}'s server, or null. */
    private Health health;
    /** The one heartbeat thread, for {@code /live} and supervise's BEAT lines; null when neither asked. */
    private Heartbeat heartbeat;
    /** Whether the application runs: asked {@link NodeApp#alive()} then only. */
    private volatile boolean running;
    /** Written by the restart thread, read by stop: published safely. */
    private volatile NodeApp app;

    /** Makes a fresh application instance from the {@code -A} class (null: none given). */
    @FunctionalInterface
    public interface AppFactory {
        NodeApp create(Class<?> appClass);
    }

    /** A worker's application: the class itself, or the demo. */
    public static final AppFactory WORKER_APP = cls -> AppLoader.instantiate(cls == null ? null : cls.getName(), cls);

    private Node(NodeConfig cfg, Handshake handshake, AppFactory factory, List<String> dataFiles) {
        this.cfg = cfg;
        this.handshake = handshake;
        this.factory = factory;
        this.dataFiles = List.copyOf(dataFiles);
        this.nodename = NodeName.parse(cfg.nodename());
    }

    /**
     * Runs the node until it stops.
     *
     * @param handshake the spawner's pipe, or null when run in the foreground by hand
     * @param factory makes the application the node runs (a worker's, or beat's scheduler)
     * @param dataFiles files the application writes of its own (beat's schedule): their
     *     directories are created as the pidfile's and logfile's are, given to the {@code --uid}
     *     user, and one that cannot be is the node's failure (73)
     * @return the exit status: 0 after a clean stop, 1 if the application failed
     * @throws DroverException if the node cannot start (after telling the spawner why)
     */
    public static int run(NodeConfig cfg, Handshake handshake, AppFactory factory, List<String> dataFiles) {
        return new Node(cfg, handshake, factory, dataFiles).run();
    }

    private int run() {
        Pidfile pidfile = null;
        // A spawned node keeps to its spawner's start timeout by itself, from its first step:
        // if the spawner died, nobody else would end a node that never becomes ready (issue 17,
        // item 3), nor one hung in its application's static initializer (issue 27, item 2).
        Duration limit = handshake == null ? null : Handshake.startTimeout();
        Deadline deadline = limit == null ? null : new Deadline(limit, System.nanoTime() + limit.toNanos());
        try {
            boolean root = Host.isEffectiveRoot();
            RootPolicy.check(root, cfg.app(), cfg.uid(), System.getenv(RootPolicy.FORCE_ROOT));
            String logfile = expand(cfg.logfile(), "--logfile");
            String pidPath = expand(cfg.pidfile(), "--pidfile");
            // where HotSpot dumps the heap on OutOfMemoryError, as the node's command line says
            String heapDumps = HeapDumpDir.ofThisJvm();
            boolean dropping = cfg.uid() != null || cfg.gid() != null;
            boolean prepared = false;
            if (dropping) {
                // Root makes the missing directories (by descriptor, checking that nobody else
                // can write on the way) and gives them to the user; every file is then opened
                // as the user, so root never opens a path the user could point elsewhere.
                Identity id = Posix.get().identity(cfg.uid(), cfg.gid());
                if (root) {
                    prepareDirectories(id, logfile, pidPath);
                    prepareDirectories(id, dataFiles.toArray(String[]::new));
                    if (heapDumps != null) {
                        // by descriptor, as root, given to the user: as the log directory is made
                        prepareDirectories(id, HeapDumps.fileIn(heapDumps));
                    }
                    prepared = true;
                }
                Posix.get().become(id);
                root = Host.isEffectiveRoot();
                if (handshake != null) {
                    // the spawner gave us a pipe for output until now (Detacher): from here on
                    // the node's output goes to its own logfile, opened as the user
                    Posix.get().redirectOutput(logfile);
                }
            }
            if (handshake == null) {
                // A spawner applied these before exec; run by hand, the node applies them itself.
                if (cfg.umask() != null) {
                    Posix.get().umask(cfg.umask());
                }
                if (cfg.workdir() != null) {
                    Posix.get().chdir(cfg.workdir());
                }
                if (!prepared) {
                    // nobody checked the layout for a node run by hand
                    prepareDirectories(null, logfile, pidPath, heapDumps == null ? null : HeapDumps.fileIn(heapDumps));
                }
            }
            if (!prepared) {
                // an application's own files (beat's schedule): the spawner knows nothing of them
                prepareDirectories(null, dataFiles.toArray(String[]::new));
            }
            // Spawned, the node's stdout already is its logfile, opened by its spawner, or by
            // the node itself after the drop: logging goes there, the path is not looked up again.
            log = LogSetup.configure(logfile, LogSetup.level(cfg.loglevel()), handshake != null, cfg.logging(), nodename.full());
            if (heapDumps != null) {
                // its spawner made the directory as it made the logfile's (root's walk): here as
                // the node's user, after the drop, it is closed to others and pruned
                String problem = HeapDumpDir.make(heapDumps);
                if (problem != null) {
                    log.warn("{}: no heap dump on OutOfMemoryError", problem);
                } else {
                    HeapDumpDir.prune(heapDumps, cfg.heapDumpKeep(), log);
                }
            }
            // Handlers before the pidfile: once the pidfile is visible anyone may signal the
            // node, and a HUP or TERM meeting the JVM's default handling would kill it.
            SignalHooks.handle("TERM", () -> signal(NodeState.Event.TERM));
            SignalHooks.handle("INT", () -> signal(NodeState.Event.INT));
            SignalHooks.handle("HUP", () -> events.add(NodeState.Event.HUP));
            if (pidPath != null) {
                pidfile = Pidfile.acquire(Path.of(pidPath), NodeProcesses.of(nodename.full(), null),
                        reason -> log.warn("replaced a stale pidfile: {}", reason));
                Pidfile held = pidfile;
                Runtime.getRuntime().addShutdownHook(new Thread(held::close, "drover-pidfile-cleanup"));
            }
            if (handshake != null) {
                // The node's own start-up is done: the spawner's start window lets the next
                // node in. Before the application's class is loaded, as its static initializer
                // is the application's start-up, which may wait on anything (issue 27, item 2).
                handshake.up();
            }
            if (cfg.waitFor() != null && !awaitDependencies(deadline)) {
                log.info("{} stopped while it waited for --wait-for", nodename);
                return ExitCode.OK;
            }
            Class<?> appClass = null;
            if (cfg.app() != null) {
                appClass = loadApp(deadline);
                if (appClass == null) {
                    log.info("{} stopped before its application class was loaded", nodename);
                    return ExitCode.OK;
                }
            }
            if (RootPolicy.warnsAsRoot(root, cfg.uid())) {
                log.warn("running as root{}", cfg.app() == null ? " (the demo application)"
                        : " because " + RootPolicy.FORCE_ROOT + "=1: this is dangerous, give --uid");
            }
            heartbeat = Heartbeat.start(() -> running ? app : null, cfg.healthPort() == null ? null : cfg.healthTimeout(),
                    handshake == null ? 0 : Handshake.heartbeatMillis());
            if (cfg.healthPort() != null) {
                health = Health.start(cfg.healthAddress(), cfg.healthPort(), cfg.healthTimeout(), heartbeat, nodename.full());
            }
            return loop(appClass, deadline);
        } catch (AlreadyRunningException e) {
            if (handshake != null) {
                handshake.alreadyRunning();
            }
            throw e;
        } catch (DroverException e) {
            if (log != null) {
                // with the cause's frames and Caused-by chain: what the application threw
                log.error("{} cannot start: {}", nodename, e.getMessage(), e.getCause());
            }
            // The pidfile goes before the spawner hears FAILED: when multi start reports a
            // node failed, nothing of that node is left.
            if (pidfile != null) {
                pidfile.close();
            }
            if (handshake != null) {
                handshake.failed(e.exitCode(), e.getMessage(), e.getCause());
            }
            throw e;
        } finally {
            LineCapture.uninstall();
            if (pidfile != null) {
                pidfile.close();
            }
        }
    }

    /**
     * Loads the application's class on a thread of its own, while this one keeps the start
     * deadline and hears TERM and INT: a static initializer that never returns cannot be
     * interrupted, so the node leaves it behind (a daemon thread) and exits.
     *
     * @return the class, or null when TERM or INT came first
     * @throws DroverException when the class cannot be loaded, or the deadline passed
     */
    private Class<?> loadApp(Deadline deadline) {
        Thread loader = new Thread(() -> {
            try {
                loading.complete(AppLoader.load(cfg.app(), cfg.classpath()));
            } catch (Throwable t) {
                loading.completeExceptionally(t);
            }
        }, "drover-app-load");
        loader.setDaemon(true);
        loader.start();
        Object done;
        try {
            done = deadline == null ? loading.get() : loading.get(deadline.left(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw deadline.passed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
        if (done instanceof NodeState.Event) {
            // TERM or INT came first: nothing of the application runs yet, nothing to stop
            return null;
        }
        // threads the loop starts take this one's class loader, as the loader thread's was set
        Thread.currentThread().setContextClassLoader(loader.getContextClassLoader());
        return (Class<?>) done;
    }

    /**
     * {@code --wait-for}: after {@code UP} (the node holds no start slot while its dependency is
     * away) and before the application's class, under the start deadline; a TERM or INT meanwhile
     * ends the wait at once, as it ends the wait for the class ({@link #loading} is completed by
     * the signal, and the pause between tries is a wait on it).
     *
     * @return false when TERM or INT came first
     */
    private boolean awaitDependencies(Deadline deadline) {
        return cfg.waitFor().await(pauseMillis -> {
            try {
                return loading.get(pauseMillis, TimeUnit.MILLISECONDS) instanceof NodeState.Event;
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            } catch (ExecutionException e) {
                return false; // not possible before the class loads: only a signal completes it
            }
        }, deadline == null ? null : deadline::left, deadline == null ? null : deadline::passed, log);
    }

    /** A signal: to the loop, and to a wait for the application's class that it ends. */
    private void signal(NodeState.Event event) {
        events.add(event);
        loading.complete(event);
    }

    /** The spawner's start timeout and when it ends. */
    private record Deadline(Duration limit, long at) {
        long left() {
            return Math.max(0, at - System.nanoTime());
        }

        DroverException passed() {
            return new DroverException(ExitCode.TEMPFAIL, "did not become ready within "
                    + limit.toMillis() / 1000.0 + " s (--start-timeout); exiting");
        }
    }

    private int loop(Class<?> appClass, Deadline deadline) {
        log.info("{} starting (pid {}, {} threads)", nodename, ProcessHandle.current().pid(), cfg.concurrency());
        startApp(appClass);
        boolean reported = false;
        while (true) {
            NodeState.Event event;
            try {
                if (!reported && deadline != null) {
                    event = events.poll(deadline.left(), TimeUnit.NANOSECONDS);
                    if (event == null) {
                        stopQuietly(Shutdown.COLD);
                        throw deadline.passed();
                    }
                } else {
                    event = events.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                event = NodeState.Event.INT;
            }
            if (state.ignores(event)) {
                log.info("{} ignored while {}", event, state);
                continue;
            }
            if (event == NodeState.Event.HUP && app instanceof AppLoader.MainClassApp) {
                // main() cannot be asked to stop, so a second main would run beside the first
                // (docs/apps.md): a main() class restarts only with its JVM.
                log.info("SIGHUP ignored: {} is a main() class, which cannot restart in place;"
                        + " restart the node instead (drover multi restart)", cfg.app());
                continue;
            }
            NodeState from = state;
            state = state.on(event, nodename.full());
            switch (state) {
                case RUNNING -> {
                    running(true);
                    if (!reported) {
                        reported = true;
                        ReadyMark.set();
                        log.info("{} ready", nodename);
                        if (systemd != null) {
                            systemd.ready(nodename + " ready");
                        }
                        if (handshake != null && heartbeat != null && heartbeat.beatsToSpawner()) {
                            if (handshake.readyToBeat()) {
                                heartbeat.beatTo(handshake);
                            }
                        } else if (handshake != null) {
                            handshake.ready();
                        }
                    } else {
                        log.info("{} restarted in place (pid {} unchanged)", nodename, ProcessHandle.current().pid());
                        if (systemd != null) {
                            systemd.ready(nodename + " ready");
                        }
                    }
                }
                case FAILED -> {
                    Throwable cause = startFailure;
                    if (from == NodeState.STARTING) {
                        throw new DroverException(ExitCode.NODE_FAILED, "application start failed: " + describe(cause), cause);
                    }
                    log.error("{} failed: {}", nodename, describe(cause), cause);
                    stopQuietly(Shutdown.COLD);
                    return ExitCode.NODE_FAILED;
                }
                case RESTARTING -> {
                    running(false);
                    log.info("{} restarting in place (SIGHUP)", nodename);
                    if (systemd != null) {
                        systemd.reloading();
                    }
                    background("drover-restart", () -> {
                        stopQuietly(Shutdown.WARM);
                        startApp(appClass);
                    });
                }
                case STOPPING_WARM -> {
                    running(false);
                    log.info("{} warm shutdown (SIGTERM): finishing work in flight", nodename);
                    if (systemd != null) {
                        systemd.stopping(nodename + ": warm shutdown, finishing work in flight");
                    }
                    background("drover-stop", () -> {
                        stopQuietly(Shutdown.WARM);
                        events.add(NodeState.Event.STOPPED);
                    });
                }
                case STOPPING_COLD -> {
                    running(false);
                    log.info("{} cold shutdown{}", nodename, from == NodeState.STOPPING_WARM ? " (asked again)" : " (SIGINT)");
                    if (systemd != null) {
                        systemd.stopping(nodename + ": cold shutdown");
                    }
                    background("drover-stop-cold", () -> {
                        stopQuietly(Shutdown.COLD);
                        events.add(NodeState.Event.STOPPED);
                    });
                }
                case STOPPED -> {
                    log.info("{} stopped", nodename);
                    return ExitCode.OK;
                }
                default -> throw new IllegalStateException("node " + nodename + ": unhandled state " + state);
            }
        }
    }

    /**
     * The application runs (true), or starts, restarts in place or stops (false): /ready says
     * so, and only a running application is asked whether it is alive ({@link NodeApp#alive()}'s
     * contract); the heartbeat beats for the node itself otherwise.
     */
    private void running(boolean now) {
        running = now;
        if (health != null) {
            health.ready(now);
        }
    }

    /** Starts a fresh application instance; its outcome arrives as STARTED or FAILED. */
    private void startApp(Class<?> appClass) {
        NodeApp fresh;
        try {
            fresh = factory.create(appClass);
        } catch (DroverException e) {
            startFailure = e;
            events.add(NodeState.Event.FAILED);
            return;
        }
        app = fresh;
        AtomicBoolean ready = new AtomicBoolean();
        Context context = new Context(() -> {
            if (ready.compareAndSet(false, true)) {
                events.add(NodeState.Event.STARTED);
            }
        });
        background("drover-app-start", () -> {
            try {
                fresh.start(context);
                context.ready();
            } catch (Throwable t) {
                startFailure = t;
                events.add(NodeState.Event.FAILED);
            }
        });
    }

    private void stopQuietly(Shutdown mode) {
        NodeApp current = app;
        if (current == null) {
            return;
        }
        try {
            current.stop(mode);
        } catch (Throwable t) {
            log.error("{} application stop ({}) threw", nodename, mode, t);
        }
    }

    private static void background(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.start();
    }

    private static void prepareDirectories(Identity owner, String... files) {
        for (String file : files) {
            if (file != null) {
                Posix.get().prepareDirectory(Path.of(file), owner);
            }
        }
    }

    private String expand(String template, String option) {
        return template == null ? null
                : Templates.expandForProcess(template, nodename, Templates.MAIN_PROCESS, option);
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown failure";
        }
        if (t instanceof DroverException) {
            return t.getMessage();
        }
        return t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private final class Context implements NodeContext {
        private final Runnable onReady;

        Context(Runnable onReady) {
            this.onReady = onReady;
        }

        @Override
        public String nodename() {
            return nodename.full();
        }

        @Override
        public String name() {
            return nodename.shortName();
        }

        @Override
        public int concurrency() {
            return cfg.concurrency();
        }

        @Override
        public List<String> queues() {
            return cfg.queues();
        }

        @Override
        public List<String> args() {
            return cfg.appArgs();
        }

        @Override
        public Logger logger() {
            return log;
        }

        @Override
        public void ready() {
            onReady.run();
        }
    }
}
