package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One try of {@code --wait-for=http://...} against a real socket that never finishes its answer. */
class WaitForTest {
    @Test
    void a_dependency_that_trickles_its_answer_byte_by_byte_is_cut_at_the_try_limit() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread trickle = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket c = server.accept(); OutputStream out = c.getOutputStream()) {
                        c.getInputStream().read(new byte[4096]);
                        out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                        // a header that never ends, a byte well within each read's timeout
                        while (true) {
                            out.write('X');
                            out.flush();
                            Thread.sleep(100);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the client hung up, or the test is over
                    }
                }
            }, "trickle");
            trickle.setDaemon(true);
            trickle.start();
            // a deadline, not a timing: before the fix the try never returned
            String why = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> WaitFor.attempt("http://127.0.0.1:" + server.getLocalPort() + "/"));
            assertEquals("no whole answer within 1 s", why);
        }
    }
}
