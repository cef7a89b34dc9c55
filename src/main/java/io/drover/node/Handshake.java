package io.drover.node;

import io.drover.core.NodeProtocol;
import java.io.FileInputStream;
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
    private final String key;
    private boolean sent;

    private Handshake(FileOutputStream out, String key) {
        this.out = out;
        this.key = key;
    }

    /**
     * The handshake this process was spawned with, or null if it was not spawned by drover.
     * Opened at once, while the node still has the credentials it was spawned with: after a
     * privilege drop the kernel no longer lets it open its own /proc/self/fd entries. The key is
     * read here, before the application's classes load, and the key pipe is left empty: the
     * application finds nothing in it ({@link NodeProtocol}).
     */
    public static Handshake fromEnvironment() {
        String fd = System.getenv(NodeProtocol.HANDSHAKE_FD_ENV);
        if (fd == null || fd.isEmpty() || !fd.chars().allMatch(Character::isDigit)) {
            return null;
        }
        // Opening /dev/fd/N reaches an inherited pipe without a native call.
        String key = readKey();
        if (key == null) {
            return null;
        }
        try {
            return new Handshake(new FileOutputStream("/dev/fd/" + fd), key);
        } catch (IOException e) {
            return null;
        }
    }

    /** The key the spawner put in the key pipe, read to its end; null if there is none. */
    private static String readKey() {
        try (FileInputStream in = new FileInputStream("/dev/fd/" + NodeProtocol.KEY_FD)) {
            // read(byte[]) in a loop: JDK 17's readNBytes asks a pipe for its position and fails
            byte[] buf = new byte[NodeProtocol.KEY_LENGTH + 1];
            int have = 0;
            int n;
            // the spawner closed its end after the key: end-of-file follows it at once
            while (have < buf.length && (n = in.read(buf, have, buf.length - have)) > 0) {
                have += n;
            }
            String text = new String(buf, 0, have, StandardCharsets.US_ASCII);
            return have == NodeProtocol.KEY_LENGTH && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)
                    ? text : null;
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

    /**
     * {@code UP}: the application's class loads and the application starts now (the spawner's
     * start window lets the next node in).
     */
    public synchronized void up() {
        if (!sent) {
            write(NodeProtocol.UP);
        }
    }

    public void ready() {
        send(NodeProtocol.READY);
    }

    /**
     * {@code READY}, the pipe kept open for the {@code BEAT} lines that follow when the spawner
     * asked for a heartbeat ({@link #heartbeatMillis()}); false when the spawner is gone.
     */
    synchronized boolean readyToBeat() {
        if (sent) {
            return false;
        }
        sent = true;
        return write(NodeProtocol.READY);
    }

    /** One {@code BEAT} ({@link Heartbeat} decides when); false when the spawner is gone. */
    boolean beat() {
        return write(NodeProtocol.BEAT);
    }

    /** The interval of {@code BEAT} lines the spawner asked for, 0 for none. */
    static long heartbeatMillis() {
        try {
            String ms = System.getenv(NodeProtocol.HEARTBEAT_ENV);
            return ms == null ? 0 : Long.parseLong(ms);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private boolean write(String message) {
        try {
            out.write((NodeProtocol.line(key, message) + "\n").getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            return false; // the supervisor is gone
        }
    }

    public void alreadyRunning() {
        send(NodeProtocol.RUNNING);
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

    private synchronized void send(String message) {
        if (sent) {
            return;
        }
        sent = true;
        try (out) {
            out.write((NodeProtocol.line(key, message) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The spawner is gone (timed out, killed): nobody to tell.
        }
    }
}
