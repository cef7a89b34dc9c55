package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --wait-for} (docs/cli.md, "Start order"): a node holds in {@code starting} until its
 * dependency answers, then starts; one that never answers fails the start at
 * {@code --wait-for-timeout}, named; a stop meanwhile ends the wait.
 */
class WaitForIT extends DroverTest {
    private static final String HOST = Drover.hostname();

    private static void assertExit(int expected, Drover.Result r) {
        assertEquals(expected, r.exitCode(), r::toString);
    }

    /** A port nobody listens on now (bound and let go: the kernel does not hand it out again soon). */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String status(String name) {
        return drover.multi("status", name).lineFor(name + "@" + HOST);
    }

    @Test
    void a_node_stays_starting_until_its_tcp_dependency_answers_then_starts() throws Exception {
        int port = freePort();
        String dep = "tcp:127.0.0.1:" + port;
        Process start = drover.spawn(Map.of(), "start", "multi", "start", "ow1", "--wait-for=" + dep,
                drover.pidfileOption(), drover.logfileOption());
        Procs.waitUntil("ow1 to wait for " + dep, Procs.PATIENCE,
                () -> drover.log("ow1").contains("waiting for " + dep) && Files.exists(drover.pidfile("ow1")),
                () -> drover.log("ow1") + Files.exists(drover.dir().resolve("start.out")));
        assertTrue(status("ow1").contains("starting"), status("ow1"));
        assertTrue(start.isAlive(), "multi start returned while its node waited");

        try (ServerSocket db = new ServerSocket(port, 5, InetAddress.getLoopbackAddress())) {
            assertTrue(db.isBound()); // the kernel accepts connections into the backlog: no accept() needed
            assertTrue(start.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS), "multi start did not return");
            assertEquals(0, start.exitValue(), () -> Files.exists(drover.dir().resolve("start.out"))
                    ? readQuietly("start.out") : "");
            assertTrue(status("ow1").contains("running"), status("ow1"));
            assertTrue(drover.log("ow1").contains(dep + " answers"), drover.log("ow1"));
        } finally {
            drover.multi("kill", "ow1");
        }
    }

    /** Both forms time out in one start: a port that refuses, a URL that answers 503. */
    @Test
    void a_dependency_that_never_answers_fails_the_start_at_its_deadline_naming_it() throws Exception {
        int port = freePort();
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
        web.createContext("/ready", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        web.start();
        try {
            String url = "http://127.0.0.1:" + web.getAddress().getPort() + "/ready";
            Drover.Result r = drover.multi("start", "ow2", "ow3", "--wait-for-timeout=1",
                    "--wait-for:ow2=tcp:127.0.0.1:" + port, "--wait-for:ow3=" + url);

            assertExit(69, r);
            assertEquals("\t> ow2@" + HOST + ": FAILED: waited 1 s for tcp:127.0.0.1:" + port
                    + ": connection refused (--wait-for-timeout)", r.lineFor("ow2@" + HOST), r::toString);
            assertEquals("\t> ow3@" + HOST + ": FAILED: waited 1 s for " + url + ": answered HTTP 503 (--wait-for-timeout)",
                    r.lineFor("ow3@" + HOST), r::toString);
            assertFalse(Files.exists(drover.pidfile("ow2")), "ow2 left its pidfile");
        } finally {
            web.stop(0);
        }
    }

    @Test
    void a_stop_ends_the_wait_at_once_and_the_node_exits_cleanly() throws Exception {
        String dep = "tcp:127.0.0.1:" + freePort();
        drover.spawn(Map.of(), "start", "multi", "start", "ow4", "--wait-for=" + dep, drover.pidfileOption(),
                drover.logfileOption());
        Procs.waitUntil("ow4 to wait for " + dep, Procs.PATIENCE,
                () -> drover.log("ow4").contains("waiting for " + dep) && Files.exists(drover.pidfile("ow4")),
                () -> drover.log("ow4"));

        Drover.Result stop = drover.multi("stopwait", "ow4", "--timeout=20");

        assertExit(0, stop);
        assertTrue(drover.log("ow4").contains("stopped while it waited for --wait-for"), drover.log("ow4"));
    }

    private String readQuietly(String name) {
        try {
            return Files.readString(drover.dir().resolve(name + ".out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void a_dependency_in_neither_form_is_a_usage_error_before_any_node_runs() {
        Drover.Result r = drover.multi("start", "ow5", "--wait-for=tcp:db:5432,db:5432");

        assertExit(64, r);
        assertEquals("drover: --wait-for=db:5432: give tcp:HOST:PORT or http://HOST[:PORT]/PATH\n", r.stderr(), r::toString);
        assertFalse(Files.exists(drover.logfile("ow5")), "a node was spawned");
    }
}
