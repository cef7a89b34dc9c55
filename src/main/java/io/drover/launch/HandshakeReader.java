package io.drover.launch;

import io.drover.core.NodeProtocol;
import io.drover.posix.Posix;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The spawner's end of a node's handshake pipe ({@link NodeProtocol}): the node's messages, in
 * order, each taken from a line that carries this start's key. What the node's application
 * writes on the pipe it inherited does not carry the key and is skipped, so the application can
 * neither report the node started or failed nor keep a hung node's heartbeat going.
 *
 * <p>After {@code READY} under a heartbeat, supervise keeps this reader for the {@code BEAT}s
 * ({@link LaunchOutcome.Ready#heartbeat}). Not thread-safe: one thread reads.
 */
public final class HandshakeReader implements AutoCloseable {
    /**
     * The most bytes of one line kept: the node's own lines are shorter (a FAILED line's trace is
     * cut at 32 KiB). Past it, what the application wrote before the last key is dropped.
     */
    private static final int MAX_LINE = 256 * 1024;

    private final Posix posix;
    private final int fd;
    private final String key;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final byte[] buf = new byte[4096];
    /** How many pending bytes are known to hold no newline. */
    private int scanned;
    private boolean closed;

    HandshakeReader(Posix posix, int fd, String key) {
        this.posix = posix;
        this.fd = fd;
        this.key = key;
    }

    /** The next message the node wrote, without its key; null at end-of-file. */
    String next() {
        while (true) {
            String line = line();
            if (line == null) {
                return null;
            }
            String message = NodeProtocol.message(key, line);
            if (message != null) {
                return message;
            }
        }
    }

    /**
     * Waits for the node's next heartbeat: true when it came, false when the pipe ended (the node
     * is gone, or the reader was closed).
     */
    public boolean nextBeat() {
        String message;
        do {
            message = next();
        } while (message != null && !message.equals(NodeProtocol.BEAT));
        return message != null;
    }

    private String line() {
        while (true) {
            byte[] have = pending.toByteArray();
            for (int i = scanned; i < have.length; i++) {
                if (have[i] == '\n') {
                    pending.reset();
                    pending.write(have, i + 1, have.length - i - 1);
                    scanned = 0;
                    return new String(have, 0, i, StandardCharsets.UTF_8);
                }
            }
            // no newline in what is pending: the next read's bytes are the only ones to scan
            scanned = have.length;
            if (have.length > MAX_LINE) {
                // the application's bytes, with no newline: keep what may be the node's line
                // after them, from the last key on (or the last bytes, a key begun)
                String text = new String(have, StandardCharsets.ISO_8859_1);
                int at = text.lastIndexOf(key);
                int from = at >= 0 && have.length - at <= MAX_LINE ? at : have.length - NodeProtocol.KEY_LENGTH;
                pending.reset();
                pending.write(have, from, have.length - from);
                scanned = have.length - from;
            }
            int n = closed ? -1 : posix.read(fd, buf);
            if (n <= 0) {
                return null;
            }
            pending.write(buf, 0, n);
        }
    }

    /** The pipe's read end, for a caller that waits on it with poll; this reader still reads it. */
    int fd() {
        return fd;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            posix.close(fd);
        }
    }
}
