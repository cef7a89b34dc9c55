package io.drover.multi;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The start window: how many nodes may be in their own start-up (JVM, logging, pidfile,
 * drover's classes) at once, about the core count. A node leaves it when it says {@code UP},
 * before its application's class loads and its application starts, so an application that
 * waits on a broker, or hangs in its static initializer, holds no slot. Fifty JVMs starting at
 * once on two cores cost each more CPU than a few at a time (docs/performance.md, the start
 * window). A node that does not say {@code UP} leaves it anyway after {@link #LONGEST} (or its
 * start timeout, if shorter): the next node starts, the slow one is still waited for.
 */
final class StartWindow {
    static final int SIZE = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** The longest a node holds a slot, even with no start timeout: a JVM's own start-up takes 1-3 s. */
    static final Duration LONGEST = Duration.ofSeconds(10);

    private final Semaphore slots;
    private final Duration longest;

    StartWindow() {
        this(SIZE, LONGEST);
    }

    StartWindow(int size, Duration longest) {
        this.slots = new Semaphore(size, true);
        this.longest = longest;
    }

    /**
     * A place in the window, given back once by {@link Runnable#run}, however often called, or
     * after {@code startTimeout} or {@link #LONGEST}, whichever comes first.
     */
    Runnable enter(Duration startTimeout) throws InterruptedException {
        slots.acquire();
        AtomicBoolean in = new AtomicBoolean(true);
        Runnable release = () -> {
            if (in.compareAndSet(true, false)) {
                slots.release();
            }
        };
        long hold = startTimeout == null ? longest.toMillis() : Math.min(longest.toMillis(), startTimeout.toMillis());
        ScheduledFuture<?> late = Timer.INSTANCE.schedule(release, hold, TimeUnit.MILLISECONDS);
        return () -> {
            late.cancel(false);
            release.run();
        };
    }

    /** One daemon thread for every window's deadlines, made on the first start. */
    private static final class Timer {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drover-start-window");
            t.setDaemon(true);
            return t;
        });
    }
}
