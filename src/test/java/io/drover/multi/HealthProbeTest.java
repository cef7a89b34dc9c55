package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code multi status} makes of a node's health port, against real sockets on loopback. */
class HealthProbeTest {

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
            "HTTP/1.1 200 OK\r|200",
            "HTTP/1.1 503 Service Unavailable|503",
            "HTTP/1.0 404 Not Found|404",
            "HTTP/1.1 200|200",
            "HTTP/1.1 2000 OK|-1",
            "HTTP/1.1 abc OK|-1",
            "SSH-2.0-OpenSSH|-1",
            "''|-1"})
    void a_status_line_gives_its_code_and_anything_else_none(String line, int code) {
        assertEquals(code, HealthProbe.statusCode(line));
    }

    @Test
    void a_port_nothing_listens_on_is_no_answer() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertEquals(HealthProbe.NO_ANSWER, HealthProbe.of(port));
    }

    @Test
    void a_server_that_drips_its_answer_costs_no_more_than_the_deadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread dripper = new Thread(() -> {
                try (Socket c = server.accept()) {
                    OutputStream out = c.getOutputStream();
                    for (byte b : "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII)) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(200); // the attack: one byte at a time, each within any read timeout
                    }
                } catch (IOException | InterruptedException e) {
                    // the probe gave up and closed: what the test wants
                }
            });
            dripper.setDaemon(true);
            dripper.start();
            // the whole line takes 3.4 s to arrive, every byte well within a read timeout: only
            // the request's own deadline stops the probe from reading it (and answering 200)
            assertEquals(-1, HealthProbe.get(server.getLocalPort(), "/live"));
        }
    }
}
