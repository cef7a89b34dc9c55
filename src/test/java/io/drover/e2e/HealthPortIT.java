package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.fixtures.HeartbeatHeldApp;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code drover worker --health-port}: {@code /ready} is 503 until the application is ready and
 * 200 after; {@code /live} fails once the application holds its heartbeat back for longer than
 * {@code --health-timeout}, and answers 200 again once it beats. The node runs in the foreground,
 * as a container runs it.
 */
class HealthPortIT extends DroverTest {
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The HTTP status of GET path, or -1 while nothing listens. */
    static int status(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(5_000);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void ready_is_503_until_the_application_is_ready_then_200_and_live_fails_while_the_heartbeat_is_held_back()
            throws IOException {
        int port = freePort();
        Path go = dir.resolve("go");
        Path hold = dir.resolve("hold");
        Process node = drover.spawn(FORCE_ROOT, "w1", "worker", "-n", "w1@%h", "-A", HeartbeatHeldApp.class.getName(),
                "--classpath=" + Drover.testClasses(), "--pidfile=" + drover.pidfile("w1"), "--logfile=" + drover.logfile("w1"),
                "--health-port=" + port, "--health-timeout=1", "--", go.toString(), hold.toString());
        Procs.waitUntil("the node to answer on its health port", Procs.PATIENCE, () -> status(port, "/ready") != -1,
                () -> drover.log("w1"));
        Procs.waitUntil("the application to wait for its signal file", Procs.PATIENCE,
                () -> drover.log("w1").contains("ready once"), () -> drover.log("w1"));
        assertEquals(503, status(port, "/ready"), drover.log("w1"));
        assertEquals(200, status(port, "/live"), "alive while starting: the heartbeat beats");

        Files.writeString(go, "go\n");
        Procs.waitUntil("/ready to be 200", Procs.PATIENCE, () -> status(port, "/ready") == 200, () -> drover.log("w1"));
        assertEquals(200, status(port, "/live"));
        assertEquals(404, status(port, "/nothing"));

        Files.writeString(hold, "hold\n");
        Procs.waitUntil("/live to fail while the heartbeat is held back", Procs.PATIENCE,
                () -> status(port, "/live") == 503, () -> drover.log("w1"));
        assertEquals(200, status(port, "/ready"), "held back, yet still ready: liveness is its own question");
        Files.delete(hold);
        Procs.waitUntil("/live to be 200 again once the heartbeat beats", Procs.PATIENCE,
                () -> status(port, "/live") == 200, () -> drover.log("w1"));

        Procs.signal(node.pid(), "TERM");
        Procs.waitUntil("the node to stop", Procs.PATIENCE, () -> !node.isAlive(), () -> drover.log("w1"));
        assertEquals(0, node.exitValue(), drover.log("w1"));
        assertTrue(drover.log("w1").contains("warm shutdown"), drover.log("w1"));
    }

    @Test
    void a_health_port_that_is_taken_fails_the_start_with_the_reason() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Drover.Result r = drover.multi("start", "healthtaken", "--health-port=" + taken.getLocalPort());
            assertEquals(69, r.exitCode(), r::toString);
            assertTrue(r.output().contains("--health-port " + taken.getLocalPort() + ": cannot listen"), r::toString);
        }
    }
}
