package io.drover.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.drover.api.NodeApp;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code --health-port}: the node answers {@code GET /ready} and {@code GET /live} over HTTP
 * (the JDK's own server, no dependency), cheap enough for a Kubernetes probe every few seconds.
 * {@code /ready} is 503 until the application reported ready, 200 while it runs, 503 again
 * while it restarts in place or shuts down. {@code /live} is 200 while the node's heartbeat
 * beats: a drover thread asks the application {@link NodeApp#alive()} every third of
 * {@code --health-timeout}, and 503 once no answer came for longer than that (a hung
 * application, a deadlocked or stopped JVM). One per node JVM, like the node itself.
 */
public final class Health {
    private Health() {}

    private static volatile Integer port;
    /** {@code --health-timeout}'s default. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Connections the kernel queues for the health port: probes are few and answered at once. */
    private static final int BACKLOG = 16;
    /**
     * The application is asked if it is alive three times per timeout, so one slow answer does
     * not fail the probe, and at most every 5 s, at least every 50 ms.
     */
    private static final int BEATS_PER_TIMEOUT = 3;
    private static final long MIN_BEAT_MILLIS = 50;
    private static final long MAX_BEAT_MILLIS = 5_000;

    private static volatile Duration timeout = DEFAULT_TIMEOUT;
    private static volatile boolean ready;
    private static volatile long lastBeat;
    private static HttpServer server;

    /** Set by {@code drover worker} before the node runs; no port, no server. */
    public static void configure(Integer healthPort, Duration healthTimeout) {
        port = healthPort;
        timeout = healthTimeout;
    }

    /** Starts serving, if configured; the node cannot start if the port cannot be bound. */
    static synchronized void start(Supplier<NodeApp> app) {
        if (port == null || server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(port), BACKLOG);
        } catch (IOException e) {
            throw new DroverException(ExitCode.UNAVAILABLE, "--health-port " + port + ": cannot listen: " + e.getMessage());
        }
        lastBeat = System.nanoTime();
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "drover-heartbeat"));
        long period = Math.max(MIN_BEAT_MILLIS, Math.min(MAX_BEAT_MILLIS, timeout.toMillis() / BEATS_PER_TIMEOUT));
        beats.scheduleWithFixedDelay(() -> {
            NodeApp current = app.get();
            try {
                if (current == null || current.alive()) {
                    lastBeat = System.nanoTime();
                }
            } catch (RuntimeException e) {
                // an application that throws is not alive: the beat is missed
            }
        }, 0, period, TimeUnit.MILLISECONDS);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r, "drover-health")));
        server.createContext("/ready", x -> answer(x, ready, ready ? "ready\n" : "not ready\n"));
        server.createContext("/live", x -> {
            long silent = System.nanoTime() - lastBeat;
            boolean live = silent <= timeout.toNanos();
            answer(x, live, live ? "live\n" : "heartbeat stalled for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms\n");
        });
        server.start();
    }

    /** The node reported ready (true), or is restarting or stopping (false). */
    static void ready(boolean now) {
        ready = now;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void answer(HttpExchange x, boolean ok, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        x.sendResponseHeaders(ok ? 200 : 503, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }
}
