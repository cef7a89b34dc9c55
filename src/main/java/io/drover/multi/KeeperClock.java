package io.drover.multi;

import java.time.Duration;

/** The time a {@link Keeper} decides by, and its timer (a backoff's end, a stop's timeout); a fake in its tests. */
interface KeeperClock {
    long nanoTime();

    /** Runs {@code task} once, on another thread, after {@code delay}. */
    void schedule(Duration delay, Runnable task);
}
