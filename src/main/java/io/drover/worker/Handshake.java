package io.drover.worker;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The node's side of the start handshake. Whoever spawned the node passes the write end of a
 * pipe as a file descriptor named in {@value #ENV}; the node writes one line on it:
 * {@code READY pid}, {@code RUNNING pid} (another node holds the pidfile) or
 * {@code FAILED exitcode message}. A node that dies before writing closes the pipe, which the
 * spawner sees as end-of-file at once: "OK" is never printed for a node that did not say so.
 */
public final class Handshake {
    public static final String ENV = "DROVER_HANDSHAKE_FD";

    private final int fd;
    private boolean sent;

    private Handshake(int fd) {
        this.fd = fd;
    }

    /** The handshake this process was spawned with, or null if it was not spawned by drover. */
    public static Handshake fromEnvironment() {
        String fd = System.getenv(ENV);
        if (fd == null || !fd.chars().allMatch(Character::isDigit) || fd.isEmpty()) {
            return null;
        }
        return new Handshake(Integer.parseInt(fd));
    }

    public void ready(long pid) {
        send("READY " + pid);
    }

    public void alreadyRunning(long pid) {
        send("RUNNING " + pid);
    }

    public void failed(int exitCode, String message) {
        send("FAILED " + exitCode + " " + message.replace('\n', ' '));
    }

    private synchronized void send(String line) {
        if (sent) {
            return;
        }
        sent = true;
        // Opening /dev/fd/N reaches the inherited pipe without a native call.
        try (FileOutputStream out = new FileOutputStream("/dev/fd/" + fd)) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The spawner is gone (timed out, killed): nobody to tell.
        }
    }
}
