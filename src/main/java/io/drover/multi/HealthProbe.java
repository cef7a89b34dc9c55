package io.drover.multi;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code multi status}'s look at a running node's {@code --health-port}: the same {@code /live}
 * and {@code /ready} a Kubernetes probe asks, over loopback. A plain socket and one request line,
 * not an HTTP client: status stays a short command, and a node that does not answer costs at
 * most {@link #DEADLINE} per request, however slowly it drips bytes (the node's user runs the
 * server, so its answer is read as an untrusted status line of at most {@link #MAX_LINE} bytes).
 */
final class HealthProbe {
    private HealthProbe() {}

    /** The node serves and its application reported ready. */
    static final String READY = "ready";
    /** The node serves, its heartbeat beats, and it is not (or no longer) ready: starting, restarting, stopping. */
    static final String NOT_READY = "not ready";
    /** {@code /live} fails: the application did not answer its heartbeat for {@code --health-timeout}. */
    static final String STALLED = "stalled";
    /** Nothing answered on the port in time (not listening yet, or the JVM is stopped). */
    static final String NO_ANSWER = "no answer";

    /** The longest one request may take, connection included. */
    static final Duration DEADLINE = Duration.ofSeconds(1);
    /** The most bytes of a status line read: {@code HTTP/1.1 503 Service Unavailable} needs 36. */
    static final int MAX_LINE = 128;
    private static final int NO_STATUS = -1;
    private static final int OK = 200;

    /**
     * What each port says (null where the port is null: none to ask), asked in parallel: a port
     * that does not answer costs up to {@link #DEADLINE} per request.
     */
    static List<String> all(List<Integer> ports) {
        List<Callable<String>> asks = new ArrayList<>();
        for (Integer port : ports) {
            asks.add(port == null ? () -> null : () -> of(port));
        }
        if (ports.stream().allMatch(Objects::isNull)) {
            return Arrays.asList(new String[ports.size()]);
        }
        return FanOut.all(asks, "drover-probe", e -> {
            throw new IllegalStateException("health probe failed: " + e, e);
        });
    }

    /** What {@code /live}, then {@code /ready}, on {@code port} say of the node: one of the constants above. */
    static String of(int port) {
        int live = get(port, "/live");
        if (live == NO_STATUS) {
            return NO_ANSWER;
        }
        if (live != OK) {
            return STALLED;
        }
        int ready = get(port, "/ready");
        return ready == OK ? READY : ready == NO_STATUS ? NO_ANSWER : NOT_READY;
    }

    /** The HTTP status of {@code GET path}, or {@link #NO_STATUS} when no status line came in time. */
    static int get(int port, String path) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) DEADLINE.toMillis());
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return statusCode(readLine(s, deadline));
        } catch (IOException e) {
            return NO_STATUS;
        }
    }

    private static String readLine(Socket s, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        while (line.length() < MAX_LINE) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            s.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int b = in.read();
            if (b < 0 || b == '\n') {
                break;
            }
            line.append((char) b);
        }
        return line.toString();
    }

    /** {@code HTTP/1.1 200 OK} -> 200; anything else -> {@link #NO_STATUS}. */
    static int statusCode(String line) {
        if (line == null || !line.startsWith("HTTP/")) {
            return NO_STATUS;
        }
        String[] parts = line.trim().split(" ", 3);
        if (parts.length < 2 || !parts[1].matches("[1-5][0-9][0-9]")) {
            return NO_STATUS;
        }
        return Integer.parseInt(parts[1]);
    }
}
