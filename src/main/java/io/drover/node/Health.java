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
import java.util.concurrent.TimeUnit;

/**
 * {@code --health-port}: the node answers {@code GET /ready} and {@code GET /live} over HTTP
 * (the JDK's own server, no dependency), cheap enough for a Kubernetes probe every few seconds.
 * {@code /ready} is 503 until the application reported ready, 200 while it runs, 503 again
 * while it restarts in place or shuts down. {@code /live} is 200 while the node's
 * {@link Heartbeat} beats: it asks the application {@link NodeApp#alive()} every third of
 * {@code --health-timeout}, and 503 once no answer came for longer than that (a hung
 * application, a deadlocked or stopped JVM). Configured by the node's {@link NodeConfig}.
 */
final class Health {
    /** Connections the kernel queues for the health port: probes are few and answered at once. */
    private static final int BACKLOG = 16;

    private volatile boolean ready;

    private Health() {}

    /**
     * Serves {@code port}, {@code /live} failing once {@code heartbeat} has had no answer for
     * {@code timeout}; the node cannot start if the port cannot be bound.
     */
    static Health start(int port, Duration timeout, Heartbeat heartbeat) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), BACKLOG);
        } catch (IOException e) {
            throw new DroverException(ExitCode.UNAVAILABLE, "--health-port " + port + ": cannot listen: " + e.getMessage());
        }
        Health health = new Health();
        server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r, "drover-health")));
        server.createContext("/ready", x -> answer(x, health.ready, health.ready ? "ready\n" : "not ready\n"));
        server.createContext("/live", x -> {
            long silent = System.nanoTime() - heartbeat.lastAlive();
            boolean live = silent <= timeout.toNanos();
            answer(x, live, live ? "live\n" : "heartbeat stalled for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms\n");
        });
        server.start();
        return health;
    }

    /** The node reported ready (true), or is restarting or stopping (false). */
    void ready(boolean now) {
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
