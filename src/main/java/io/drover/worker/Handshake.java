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
    /** How long, in milliseconds, the spawner waits for the ready report; the node keeps to it too. */
    public static final String START_TIMEOUT_ENV = "DROVER_START_TIMEOUT_MS";

    private final FileOutputStream out;
    private boolean sent;

    private Handshake(FileOutputStream out) {
        this.out = out;
    }

    /**
     * The handshake this process was spawned with, or null if it was not spawned by drover.
     * Opened at once, while the node still has the credentials it was spawned with: after a
     * privilege drop the kernel no longer lets it open its own /proc/self/fd entries.
     */
    public static Handshake fromEnvironment() {
        String fd = System.getenv(ENV);
        if (fd == null || fd.isEmpty() || !fd.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            // Opening /dev/fd/N reaches the inherited pipe without a native call.
            return new Handshake(new FileOutputStream("/dev/fd/" + fd));
        } catch (IOException e) {
            return null;
        }
    }

    /** The spawner's start timeout, or null if it set none (0 or absent: no limit). */
    public static java.time.Duration startTimeout() {
        String ms = System.getenv(START_TIMEOUT_ENV);
        try {
            long v = ms == null ? 0 : Long.parseLong(ms);
            return v > 0 ? java.time.Duration.ofMillis(v) : null;
        } catch (NumberFormatException e) {
            return null;
        }
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
        try (out) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The spawner is gone (timed out, killed): nobody to tell.
        }
    }
}
