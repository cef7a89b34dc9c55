package io.drover.node;

import io.drover.api.NodeApp;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.ProbeServer;
import io.drover.core.ProbeServer.Answer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code --health-port}: the node answers {@code GET /ready} and {@code GET /live} over HTTP,
 * cheap enough for a Kubernetes probe every few seconds. {@code /ready} is 503 until the
 * application reported ready, 200 while it runs, 503 again while it restarts in place or shuts
 * down. {@code /live} is 200 while the node's {@link Heartbeat} beats: it asks the application
 * {@link NodeApp#alive()} every third of {@code --health-timeout}, and 503 once no answer came
 * for longer than that (a hung application, a deadlocked or stopped JVM). {@code /metrics} is
 * the JVM's and the node's figures for a Prometheus scraper ({@link NodeMetrics}, loaded at the
 * first scrape: a node nobody scrapes loads none of it). Configured by the node's
 * {@link NodeConfig}; served on loopback unless {@code --health-address} says otherwise, by a
 * {@link ProbeServer} (one thread, no client can hold it).
 */
final class Health {
    private volatile boolean ready;

    private Health() {}

    /**
     * Serves {@code port} on {@code address} (loopback when null), {@code /live} failing once
     * {@code heartbeat} has had no answer for {@code timeout}; the node cannot start if the port
     * cannot be bound.
     */
    static Health start(InetAddress address, int port, Duration timeout, Heartbeat heartbeat, String nodename) {
        Health health = new Health();
        long timeoutNanos = timeout.toNanos();
        ProbeServer.Answers answers = path -> switch (path) {
            case "/ready" -> health.ready ? Answer.ok("ready\n") : Answer.unavailable("not ready\n");
            case "/live" -> {
                long silent = System.nanoTime() - heartbeat.lastAlive();
                yield silent <= timeoutNanos ? Answer.ok("live\n") : Answer.unavailable("heartbeat stalled for "
                        + TimeUnit.NANOSECONDS.toMillis(silent) + " ms\n");
            }
            // NodeMetrics is loaded here, at the first scrape, not when the node starts
            case "/metrics" -> NodeMetrics.answer(nodename, health.ready, System.nanoTime() - heartbeat.lastAlive());
            default -> Answer.notFound();
        };
        try {
            ProbeServer.start(address, port, "drover-health", answers);
        } catch (IOException e) {
            throw cannotListen(address, port, e);
        }
        return health;
    }

    private static DroverException cannotListen(InetAddress address, int port, IOException e) {
        return new DroverException(ExitCode.UNAVAILABLE, "--health-port " + port
                + (address == null ? "" : " on " + address.getHostAddress()) + ": cannot listen: " + e.getMessage());
    }

    /**
     * Refuses, as {@link #start} would, a port the node could not listen on (another process
     * listens there): bound and let go at once, for {@code multi dryrun}.
     */
    static void checkFree(InetAddress address, int port) {
        try {
            ProbeServer.checkFree(address, port);
        } catch (IOException e) {
            throw cannotListen(address, port, e);
        }
    }

    /** The node reported ready (true), or is restarting or stopping (false). */
    void ready(boolean now) {
        ready = now;
    }
}
