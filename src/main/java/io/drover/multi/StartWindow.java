package io.drover.multi;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The start window: how many nodes may be in their own start-up (JVM, logging, pidfile,
 * drover's classes) at once, about the core count. A node leaves it when it says {@code UP},
 * before its application starts, so an application that waits on a broker holds no slot.
 * Fifty JVMs starting at once on two cores cost each more CPU than a few at a time
 * (docs/performance.md, the start window).
 */
final class StartWindow {
    static final int SIZE = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final Semaphore slots = new Semaphore(SIZE, true);

    /** A place in the window, given back once by {@link Runnable#run}, however often called. */
    Runnable enter() throws InterruptedException {
        slots.acquire();
        AtomicBoolean in = new AtomicBoolean(true);
        return () -> {
            if (in.compareAndSet(true, false)) {
                slots.release();
            }
        };
    }
}
