package io.drover.node;

import io.drover.core.NodeProtocol;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The node's side of the start handshake ({@link NodeProtocol}): one line on the pipe its
 * spawner passed, and the heartbeat after it. A node that dies before writing closes the pipe,
 * which the spawner sees as end-of-file at once: "OK" is never printed for a node that did not
 * say so.
 */
public final class Handshake {
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
        String fd = System.getenv(NodeProtocol.HANDSHAKE_FD_ENV);
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
        String ms = System.getenv(NodeProtocol.START_TIMEOUT_ENV);
        try {
            long v = ms == null ? 0 : Long.parseLong(ms);
            return v > 0 ? java.time.Duration.ofMillis(v) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code UP pid}: the application starts now (the spawner's start window lets the next node in). */
    public synchronized void up(long pid) {
        if (!sent) {
            write(NodeProtocol.up(pid));
        }
    }

    public void ready(long pid) {
        send(NodeProtocol.ready(pid));
    }

    /**
     * {@code READY pid}, then, when the spawner asked for a heartbeat, {@code BEAT} every interval
     * from a daemon thread for as long as {@code alive} answers true: an application that hangs
     * in it, or a JVM that no longer runs its threads, falls silent and its supervisor restarts it.
     */
    public void ready(long pid, java.util.function.BooleanSupplier alive) {
        long interval = heartbeatMillis();
        if (interval <= 0) {
            ready(pid);
            return;
        }
        synchronized (this) {
            if (sent) {
                return;
            }
            sent = true;
            if (!write(NodeProtocol.ready(pid))) {
                return;
            }
        }
        Thread beat = new Thread(() -> {
            try {
                while (alive.getAsBoolean() && write(NodeProtocol.BEAT)) {
                    Thread.sleep(interval);
                }
            } catch (InterruptedException | RuntimeException e) {
                // silence is the report
            }
        }, "drover-heartbeat");
        beat.setDaemon(true);
        beat.start();
    }

    private static long heartbeatMillis() {
        try {
            String ms = System.getenv(NodeProtocol.HEARTBEAT_ENV);
            return ms == null ? 0 : Long.parseLong(ms);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private boolean write(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            return false; // the supervisor is gone
        }
    }

    public void alreadyRunning(long pid) {
        send(NodeProtocol.running(pid));
    }

    public void failed(int exitCode, String message) {
        failed(exitCode, message, null);
    }

    /** {@code FAILED}, with the stack trace of {@code cause} when it is not null. */
    public void failed(int exitCode, String message, Throwable cause) {
        send(NodeProtocol.failed(exitCode, message, cause == null ? null : stackTrace(cause)));
    }

    /** What {@code printStackTrace} prints: the frames and the {@code Caused by} chain. */
    public static String stackTrace(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text.toString();
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
