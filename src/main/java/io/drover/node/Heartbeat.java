package io.drover.node;

import io.drover.api.NodeApp;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node's one heartbeat thread ({@value #THREAD}): it asks the application
 * {@link NodeApp#alive()} at an interval, and each answer of yes is a beat for both who listen,
 * {@code --health-port}'s {@code /live} ({@link #lastAlive()}) and {@code multi supervise
 * --heartbeat} (a {@code BEAT} line on the handshake pipe, once the node reported ready). One
 * thread, one question per interval: two would ask a slow application twice as often, and tell
 * two stories about one hang. A missed answer (no, an exception, or a hang in {@code alive()})
 * is silence for both: a hung application stops the beats, which is the report.
 */
final class Heartbeat {
    static final String THREAD = "drover-heartbeat";
    /**
     * For {@code /live}, the application is asked three times per {@code --health-timeout}, so
     * one slow answer does not fail the probe, and at most every 5 s, at least every 50 ms.
     */
    private static final int BEATS_PER_TIMEOUT = 3;
    private static final long MIN_PERIOD_MILLIS = 50;
    private static final long MAX_PERIOD_MILLIS = 5_000;

    private final Supplier<NodeApp> app;
    private final long periodMillis;
    private final long beatNanos;
    private volatile long lastAlive = System.nanoTime();
    private volatile Handshake spawner;
    private long lastBeat;

    private Heartbeat(Supplier<NodeApp> app, long periodMillis, long beatMillis) {
        this.app = app;
        this.periodMillis = periodMillis;
        this.beatNanos = TimeUnit.MILLISECONDS.toNanos(beatMillis);
    }

    /**
     * The heartbeat a node needs, started; null when it needs none.
     *
     * @param app the application while it runs, else null (the node itself then beats)
     * @param healthTimeout {@code --health-timeout}, or null without {@code --health-port}
     * @param beatMillis the spawner's {@code BEAT} interval, or 0 when it asked for none
     */
    static Heartbeat start(Supplier<NodeApp> app, Duration healthTimeout, long beatMillis) {
        long period = Long.MAX_VALUE;
        if (healthTimeout != null) {
            period = Math.max(MIN_PERIOD_MILLIS, Math.min(MAX_PERIOD_MILLIS, healthTimeout.toMillis() / BEATS_PER_TIMEOUT));
        }
        if (beatMillis > 0) {
            period = Math.min(period, beatMillis);
        }
        if (period == Long.MAX_VALUE) {
            return null;
        }
        Heartbeat heartbeat = new Heartbeat(app, period, Math.max(0, beatMillis));
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(heartbeat::tick, 0, period, TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    /** When the application last answered that it is alive ({@link System#nanoTime()}). */
    long lastAlive() {
        return lastAlive;
    }

    /** Whether the spawner asked for {@code BEAT} lines. */
    boolean beatsToSpawner() {
        return beatNanos > 0;
    }

    /** From now on each beat is also a {@code BEAT} line to {@code handshake} (after its {@code READY}). */
    void beatTo(Handshake handshake) {
        spawner = handshake;
    }

    private void tick() {
        NodeApp current = app.get();
        boolean alive;
        try {
            alive = current == null || current.alive();
        } catch (RuntimeException e) {
            alive = false; // an application that throws is not alive: the beat is missed
        }
        if (!alive) {
            return;
        }
        long now = System.nanoTime();
        lastAlive = now;
        Handshake to = spawner;
        // the thread ticks at the shorter of the two intervals: a BEAT goes once its own is up,
        // give or take half a tick
        if (to != null && now - lastBeat >= beatNanos - TimeUnit.MILLISECONDS.toNanos(periodMillis) / 2) {
            lastBeat = now;
            if (!to.beat()) {
                spawner = null; // the supervisor is gone: nobody to tell
            }
        }
    }
}
