package io.drover.multi;

import io.drover.posix.OpenedDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The reading under {@link NodeLogs}: a logfile opened only as the regular file looked at, its
 * last lines found backwards, and lines cut at {@link NodeLogs#MAX_LINE_BYTES}, so what is read
 * is bounded however the file looks.
 */
final class LogLines {
    private LogLines() {}

    /** How much of a file is read at once, backwards or forwards. */
    static final int CHUNK = 64 * 1024;

    /**
     * Opens a logfile for reading only when it is a regular file reached without a symbolic
     * link, and the file opened is the one checked.
     */
    static SeekableByteChannel open(Path p) throws IOException {
        try (OpenedDir dir = OpenedDir.parentOf(p)) {
            OpenedDir.Entry looked = dir.look(NodeLogs.name(p));
            if (looked == null) {
                throw new NoSuchFileException(p.toString());
            }
            return dir.openRegular(NodeLogs.name(p), looked);
        }
    }

    /** The last {@code n} lines before {@code end}, each cut to {@link #NodeLogs.MAX_LINE_BYTES}. */
    static List<String> lastLines(SeekableByteChannel ch, long end, int n) throws IOException {
        List<String> out = new ArrayList<>();
        lastLines(ch, end, n, out::add);
        return out;
    }

    /**
     * Gives the last {@code n} lines before {@code end} to {@code out}: finds where they start
     * by reading backwards in chunks, looking back at most {@link #NodeLogs.MAX_LINE_BYTES} for the start
     * of any one line (a longer line is shown as its last {@link #NodeLogs.MAX_LINE_BYTES}, marked, and
     * lines before it are not looked for), then reads forwards from there.
     */
    static void lastLines(SeekableByteChannel ch, long end, int n, Consumer<String> out) throws IOException {
        if (n <= 0 || end == 0) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        // a newline that ends the file ends the last line; it does not start another
        long lineEnd = byteAt(ch, end - 1, buf) == '\n' ? end - 1 : end;
        long start = 0;
        boolean cut = false;
        int found = 0;
        long pos = lineEnd;
        scan:
        while (pos > 0) {
            long from = Math.max(0, pos - CHUNK);
            read(ch, from, (int) (pos - from), buf);
            for (int i = buf.limit() - 1; i >= 0; i--) {
                long at = from + i;
                if (buf.get(i) == '\n') {
                    if (++found == n) {
                        start = at + 1;
                        break scan;
                    }
                    lineEnd = at;
                } else if (lineEnd - at >= NodeLogs.MAX_LINE_BYTES) {
                    // this line's start is further back than a line may be long: it is shown
                    // from here, and it is the first one shown
                    start = at;
                    cut = true;
                    break scan;
                }
            }
            pos = from;
        }
        Lines lines = new Lines(out);
        if (cut) {
            lines.cutAtStart();
        }
        forward(ch, start, end, buf, lines);
        lines.finish();
    }

    private static int byteAt(SeekableByteChannel ch, long at, ByteBuffer buf) throws IOException {
        read(ch, at, 1, buf);
        return buf.limit() == 1 ? buf.get(0) : -1;
    }

    /** Reads {@code length} bytes at {@code from} into {@code buf}, flipped: fewer at the end of the file. */
    static void read(SeekableByteChannel ch, long from, int length, ByteBuffer buf) throws IOException {
        buf.clear().limit(length);
        ch.position(from);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // fill the chunk
        }
        buf.flip();
    }

    /**
     * Feeds {@code [from, to)} to {@code lines} a chunk at a time.
     *
     * @return where it stopped: {@code to}, or the end of a file truncated meanwhile
     */
    static long forward(SeekableByteChannel ch, long from, long to, ByteBuffer buf, Lines lines)
            throws IOException {
        for (long pos = from; pos < to; ) {
            read(ch, pos, (int) Math.min(CHUNK, to - pos), buf);
            if (!buf.hasRemaining()) {
                return pos; // shorter than its size said: truncated meanwhile
            }
            lines.feed(buf);
            pos += buf.limit();
        }
        return to;
    }

    /**
     * Bytes to lines, no line kept longer than {@link #NodeLogs.MAX_LINE_BYTES}: the rest of a longer
     * line is skipped up to its newline, and the line is shown marked.
     */
    static final class Lines {
        private final Consumer<String> out;
        /** Grown as lines need, up to the limit: a follow holds one per file, most lines are short. */
        private byte[] line = new byte[256];
        private int length;
        /** The line being read lost its start (a tail that began inside it). */
        private boolean startCut;
        /** The line being read reached the limit: the rest of it up to its newline is skipped. */
        private boolean endCut;

        Lines(Consumer<String> out) {
            this.out = out;
        }

        void cutAtStart() {
            startCut = true;
        }

        void feed(ByteBuffer buf) {
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b == '\n') {
                    emit();
                } else if (length < NodeLogs.MAX_LINE_BYTES) {
                    if (length == line.length) {
                        line = java.util.Arrays.copyOf(line, Math.min(NodeLogs.MAX_LINE_BYTES, 2 * line.length));
                    }
                    line[length++] = b;
                } else {
                    endCut = true;
                }
            }
        }

        /** The end of the file ends the last line (tail); follow keeps it for more. */
        void finish() {
            if (length > 0 || startCut || endCut) {
                emit();
            }
        }

        /** Whatever is kept of a line not yet ended. */
        boolean pending() {
            return length > 0 || startCut || endCut;
        }

        void reset() {
            length = 0;
            startCut = false;
            endCut = false;
        }

        private void emit() {
            String text = new String(line, 0, length, StandardCharsets.UTF_8);
            out.accept((startCut ? NodeLogs.LINE_CUT + " " : "") + text + (endCut ? " " + NodeLogs.LINE_CUT : ""));
            reset();
        }
    }
}
