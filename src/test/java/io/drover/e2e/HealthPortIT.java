package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.fixtures.HeartbeatHeldApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code drover worker --health-port}: {@code /ready} is 503 until the application is ready and
 * 200 after; {@code /live} fails once the application holds its heartbeat back for longer than
 * {@code --health-timeout}, and answers 200 again once it beats. The node runs in the foreground,
 * as a container runs it.
 *
 * <p>It runs beside other classes: a node run by hand holds its name in every namespace, so
 * this one is {@code hpw1}, a name no other test uses, and every port is a free one.
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
        return status("127.0.0.1", port, path);
    }

    /** The HTTP status of GET path on host, or -1 while nothing listens there. */
    static int status(String host, int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host + ":" + port + path).toURL().openConnection();
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
        Process node = drover.spawn(FORCE_ROOT, "hpw1", "worker", "-n", "hpw1@%h", "-A", HeartbeatHeldApp.class.getName(),
                "--classpath=" + Drover.testClasses(), "--pidfile=" + drover.pidfile("hpw1"), "--logfile=" + drover.logfile("hpw1"),
                "--health-port=" + port, "--health-timeout=1", "--", go.toString(), hold.toString());
        Procs.waitUntil("the node to answer on its health port", Procs.PATIENCE, () -> status(port, "/ready") != -1,
                () -> drover.log("hpw1"));
        Procs.waitUntil("the application to wait for its signal file", Procs.PATIENCE,
                () -> drover.log("hpw1").contains("ready once"), () -> drover.log("hpw1"));
        assertEquals(503, status(port, "/ready"), drover.log("hpw1"));
        assertEquals(200, status(port, "/live"), "alive while starting: the heartbeat beats");

        Files.writeString(go, "go\n");
        Procs.waitUntil("/ready to be 200", Procs.PATIENCE, () -> status(port, "/ready") == 200, () -> drover.log("hpw1"));
        assertEquals(200, status(port, "/live"));
        assertEquals(404, status(port, "/nothing"));

        Files.writeString(hold, "hold\n");
        Procs.waitUntil("/live to fail while the heartbeat is held back", Procs.PATIENCE,
                () -> status(port, "/live") == 503, () -> drover.log("hpw1"));
        assertEquals(200, status(port, "/ready"), "held back, yet still ready: liveness is its own question");
        Files.delete(hold);
        Procs.waitUntil("/live to be 200 again once the heartbeat beats", Procs.PATIENCE,
                () -> status(port, "/live") == 200, () -> drover.log("hpw1"));

        Procs.signal(node.pid(), "TERM");
        Procs.waitUntil("the node to stop", Procs.PATIENCE, () -> !node.isAlive(), () -> drover.log("hpw1"));
        assertEquals(0, node.exitValue(), drover.log("hpw1"));
        assertTrue(drover.log("hpw1").contains("warm shutdown"), drover.log("hpw1"));
    }

    @Test
    void multi_status_says_what_the_health_port_says_not_ready_ready_stalled_and_no_answer() throws IOException {
        String hp1 = "hp1@" + Drover.hostname();
        int port = freePort();
        Path go = dir.resolve("go");
        Path hold = dir.resolve("hold");
        String health = "--health-port=" + port;
        Process start = drover.spawn(FORCE_ROOT, "start", "multi", "start", "hp1", "-A", HeartbeatHeldApp.class.getName(),
                "--classpath=" + Drover.testClasses(), drover.pidfileOption(), drover.logfileOption(), health,
                "--health-timeout=1", "--", go.toString(), hold.toString());
        Procs.waitUntil("the application to wait for its signal file", Procs.PATIENCE,
                () -> drover.log("hp1").contains("ready once"), () -> drover.log("hp1"));

        // not recorded until it is ready: status is given the option, as start was
        Drover.Result starting = drover.multi("status", "hp1", health);
        assertTrue(starting.lineFor(hp1).contains("starting (pid "), starting::toString);
        assertTrue(starting.lineFor(hp1).contains(", health not ready, pidfile "), starting::toString);

        Files.writeString(go, "go\n");
        Procs.waitUntil("multi start to report the node ready", Procs.PATIENCE, () -> !start.isAlive(),
                () -> drover.log("hp1"));
        assertEquals(0, start.exitValue(), drover.log("hp1"));
        // no options given: the port comes from the node's record, as restart's command line does
        Drover.Result ready = drover.multi("status", "hp1");
        assertEquals(0, ready.exitCode(), ready::toString);
        assertTrue(ready.lineFor(hp1).contains(", health ready, pidfile "), ready::toString);
        Drover.Result json = drover.multi("status", "hp1", "--json");
        assertTrue(json.stdout().contains("\"health\":\"ready\""), json::toString);

        Files.writeString(hold, "hold\n");
        Procs.waitUntil("/live to fail while the heartbeat is held back", Procs.PATIENCE,
                () -> status(port, "/live") == 503, () -> drover.log("hp1"));
        Drover.Result stalled = drover.multi("status", "hp1");
        assertEquals(0, stalled.exitCode(), "the process runs: status's exit code is LSB's\n" + stalled);
        assertTrue(stalled.lineFor(hp1).contains(", health stalled, pidfile "), stalled::toString);
        Files.delete(hold);

        long pid = drover.pid("hp1");
        Procs.signal(pid, "STOP");
        try {
            Drover.Result stopped = drover.multi("status", "hp1");
            assertTrue(stopped.lineFor(hp1).contains(", health no answer, pidfile "), stopped::toString);
        } finally {
            Procs.signal(pid, "CONT");
        }
        Drover.Result stop = drover.multi("stopwait", "hp1");
        assertEquals(0, stop.exitCode(), stop::toString);
    }

    @Test
    void a_health_port_that_is_taken_fails_the_start_with_the_reason() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Drover.Result r = drover.multi("start", "healthtaken", "--health-port=" + taken.getLocalPort());
            assertEquals(69, r.exitCode(), r::toString);
            assertTrue(r.output().contains("--health-port " + taken.getLocalPort() + ": cannot listen"), r::toString);
        }
    }

    /** More half-requests than the node holds at once ({@code ProbeServer.MAX_CONNECTIONS}, 32): the oldest give way. */
    private static final int HALF_REQUESTS = 40;

    @Test
    void clients_that_send_half_a_request_and_hold_it_open_do_not_keep_status_from_hearing_ready() throws IOException {
        String node = "hphalf@" + Drover.hostname();
        int port = freePort();
        Drover.Result start = drover.multi("start", "hphalf", "--health-port=" + port);
        assertEquals(0, start.exitCode(), start::toString);
        List<Socket> halfRequests = new ArrayList<>();
        try {
            for (int i = 0; i < HALF_REQUESTS; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                halfRequests.add(s);
                s.getOutputStream().write("GET /live HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            // status asks /live, then /ready, with 1 s each: the held connections must not be in the way
            Drover.Result status = drover.multi("status", "hphalf");
            assertEquals(0, status.exitCode(), status::toString);
            assertTrue(status.lineFor(node).contains(", health ready, pidfile "), status::toString);
            assertEquals(200, status(port, "/live"));

            // and the node drops a silent client (the newest was never pushed out by a newer one)
            Socket silent = halfRequests.get(halfRequests.size() - 1);
            silent.setSoTimeout((int) Procs.PATIENCE.toMillis());
            assertEquals(-1, silent.getInputStream().read(), "the node closes a connection that never finished its request");
        } finally {
            for (Socket s : halfRequests) {
                s.close();
            }
        }
        Drover.Result stop = drover.multi("stopwait", "hphalf");
        assertEquals(0, stop.exitCode(), stop::toString);
    }

    @Test
    void the_health_port_listens_on_loopback_unless_health_address_says_otherwise() throws IOException {
        int port = freePort();
        Drover.Result start = drover.multi("start", "hplocal", "--health-port=" + port);
        assertEquals(0, start.exitCode(), start::toString);
        Set<String> listening = listeningAddresses(port);
        assertTrue(!listening.isEmpty() && LOOPBACK_HEX.containsAll(listening),
                "the port listens on " + listening + " (/proc/net/tcp, tcp6): loopback only, by default");
        for (InetAddress other : nonLoopbackAddresses()) {
            assertEquals(-1, status(other.getHostAddress(), port, "/live"), "answered on " + other.getHostAddress());
        }
        assertEquals(0, drover.multi("stopwait", "hplocal").exitCode());

        int all = freePort();
        Drover.Result everywhere = drover.multi("start", "hpall", "--health-port=" + all, "--health-address=0.0.0.0");
        assertEquals(0, everywhere.exitCode(), everywhere::toString);
        assertEquals(200, status(all, "/ready"), "loopback is one of every interface");
        for (InetAddress other : nonLoopbackAddresses()) {
            assertEquals(200, status(other.getHostAddress(), all, "/ready"), "on " + other.getHostAddress());
        }
        Drover.Result status = drover.multi("status", "hpall");
        assertTrue(status.lineFor("hpall@" + Drover.hostname()).contains(", health ready, pidfile "), status::toString);
        assertEquals(0, drover.multi("stopwait", "hpall").exitCode());
    }

    @Test
    void a_health_address_that_is_not_an_ip_address_is_refused_before_anything_starts() {
        Drover.Result r = drover.run("worker", "-n", "hpbad@%h", "--health-port=8080", "--health-address=localhost");
        assertEquals(64, r.exitCode(), r::toString);
        assertEquals("", r.stdout(), r::toString);
        assertTrue(r.stderr().contains("--health-address must be an IP address (such as 127.0.0.1 or 0.0.0.0), got localhost"),
                r::toString);
    }

    /** 127.0.0.1, ::ffff:127.0.0.1 and ::1 as /proc/net/tcp and tcp6 write them (32-bit words in host order). */
    private static final Set<String> LOOPBACK_HEX = Set.of("0100007F", "0000000000000000FFFF00000100007F",
            "00000000000000000000000001000000");

    /** The local addresses of the sockets listening on port, as /proc/net/tcp and tcp6 write them. */
    static Set<String> listeningAddresses(int port) {
        String portHex = String.format("%04X", port);
        return Stream.of("/proc/net/tcp", "/proc/net/tcp6").flatMap(f -> {
            try {
                return Files.readAllLines(Path.of(f)).stream().skip(1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields[3].equals("0A") && fields[1].endsWith(":" + portHex)) // 0A: LISTEN
                .map(fields -> fields[1].substring(0, fields[1].indexOf(':')))
                .collect(Collectors.toSet());
    }

    /** This machine's IPv4 addresses other than loopback: where a probe from another host would come in. */
    static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).toList();
    }
}
