package io.drover.multi;

import io.drover.core.OsErrors;
import io.drover.core.ShellWords;
import io.drover.core.Signals;
import io.drover.core.Templates;
import io.drover.posix.Posix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Forensics before a kill (issue 30, item 3): asks a node's JVM for a thread dump (SIGQUIT, to
 * its pid alone: HotSpot prints every thread's stack to its fd 1, the node's logfile, and goes
 * on) and waits until the dump is written, with a deadline, so that the KILL that follows does
 * not cut it off.
 *
 * <p>The dump is watched in the logfile, which lies in the node's user's directory while this may
 * run as root: the file is opened only as {@link LogLines#open} opens it for {@code logs} (walked
 * to by descriptor, never through a symbolic link, only a regular file, the file opened the one
 * looked at), and read only from the size noted before the QUIT, at most {@link #MAX_READ}
 * bytes, until {@link #WAIT}. A logfile that cannot be read so (replaced by a link, a FIFO) is
 * named, never followed, and the dump is then given {@link #UNWATCHED} to be written.
 */
final class ThreadDump {
    private ThreadDump() {}

    /** The longest wait for a dump: a JVM that cannot reach a safepoint in this never writes it. */
    static final Duration WAIT = Duration.ofSeconds(5);
    /** What a dump gets when its logfile cannot be watched: a few hundred threads' stacks take less. */
    static final Duration UNWATCHED = Duration.ofSeconds(1);
    /** After the dump's threads end ({@link #LAST_THREADS}), how long the file must be quiet: the heap summary follows at once. */
    static final Duration QUIET = Duration.ofMillis(200);
    private static final Duration POLL = Duration.ofMillis(20);
    /** The most read of a logfile after the offset: a node writing fast cannot keep us reading. */
    static final long MAX_READ = 64L << 20;

    /** HotSpot's first line of a dump (after its time stamp). */
    static final String FIRST = "Full thread dump ";
    /** HotSpot's line after the last thread's stack; only the heap summary follows it. */
    static final String LAST_THREADS = "JNI global refs:";
    /** HotSpot's last line of the heap summary (compressed class pointers, the default on 64 bits). */
    static final String HEAP_END = " class space ";

    /** The JVM option that takes the QUIT handler away: SIGQUIT would then end the node with a core dump. */
    static final String REDUCED_SIGNALS = "-Xrs";

    /**
     * Asks the node {@code pid} (which the caller verified to be {@code node}) for a thread dump
     * and waits for it.
     *
     * @return where the dump is, in words ({@code thread dump in LOG at OFFSET (TIME)}), or why there
     *     is none ({@code no thread dump: ...})
     */
    static String take(NodeSpec node, long pid, Posix posix) {
        if (reducedSignals(node)) {
            return "no thread dump: the node runs with " + REDUCED_SIGNALS + " (its JVM has no SIGQUIT handler)";
        }
        Path log = Path.of(Templates.expandForProcess(node.logfile(), node.nodename(), Templates.MAIN_PROCESS,
                "--logfile"));
        SeekableByteChannel ch = null;
        String unread = null;
        long offset = 0;
        try {
            ch = LogLines.open(log);
            offset = ch.size();
        } catch (IOException e) {
            unread = OsErrors.reason(e);
        }
        try {
            Instant asked = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            if (!posix.kill(pid, Signals.QUIT)) {
                return "no thread dump: pid " + pid + " was gone";
            }
            if (ch == null) {
                pause(UNWATCHED);
                return "thread dump asked at " + asked + "; its logfile " + log + " was not read: " + unread;
            }
            long at = watch(ch, offset, WAIT);
            return at < 0 ? "no thread dump in " + log + " within " + WAIT.toSeconds() + " s of SIGQUIT (" + asked + ")"
                    : "thread dump in " + log + " at " + at + " (" + asked + ")";
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // read only: nothing is lost
                }
            }
        }
    }

    /** Whether the node's {@code --jvm-opts} hold {@code -Xrs}. */
    static boolean reducedSignals(NodeSpec node) {
        String opts = node.settings().jvmOpts();
        return opts != null && ShellWords.split(opts).contains(REDUCED_SIGNALS);
    }

    /**
     * Reads what the node writes after {@code from} until the dump's threads end and the file is
     * then quiet for {@link #QUIET} (or its heap summary's last line is read): the offset of the
     * dump's first line, or -1 when none was seen by the deadline. Whatever was seen by then, the
     * caller goes on: this is a wait, not a condition of the kill.
     */
    static long watch(SeekableByteChannel ch, long from, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        ByteBuffer buf = ByteBuffer.allocate(LogLines.CHUNK);
        // the text read so far, as Latin-1 (one char a byte, so an index is an offset), minus what
        // no marker can still start in: a marker may be split across two reads
        StringBuilder window = new StringBuilder();
        long windowAt = from;
        long pos = from;
        long first = -1;
        boolean threadsDone = false;
        long quietSince = System.nanoTime();
        try {
            while (System.nanoTime() - deadline < 0 && pos - from < MAX_READ && !Thread.currentThread().isInterrupted()) {
                long size = ch.size();
                if (size < pos) {
                    return first; // truncated under us (copytruncate): what we looked for is gone
                }
                if (size == pos) {
                    if (threadsDone && System.nanoTime() - quietSince >= QUIET.toNanos()) {
                        return first;
                    }
                    pause(POLL);
                    continue;
                }
                LogLines.read(ch, pos, (int) Math.min(buf.capacity(), size - pos), buf);
                if (!buf.hasRemaining()) {
                    return first;
                }
                window.append(new String(buf.array(), 0, buf.limit(), StandardCharsets.ISO_8859_1));
                pos += buf.limit();
                quietSince = System.nanoTime();
                if (first < 0) {
                    int i = window.indexOf(FIRST);
                    if (i >= 0) {
                        first = windowAt + lineStart(window, i);
                        window.delete(0, i);
                        windowAt += i;
                    }
                }
                if (first >= 0 && !threadsDone && window.indexOf(LAST_THREADS) >= 0) {
                    threadsDone = true;
                }
                if (threadsDone) {
                    int end = window.lastIndexOf(HEAP_END);
                    if (end >= 0 && window.indexOf("\n", end) >= 0) {
                        return first;
                    }
                }
                // keep only a tail long enough to hold a marker split by the next read
                int keep = Math.max(FIRST.length(), LAST_THREADS.length()) + 64;
                if (window.length() > keep) {
                    int cut = window.length() - keep;
                    window.delete(0, cut);
                    windowAt += cut;
                }
            }
        } catch (IOException e) {
            // the file went away or cannot be read further: what was seen stands
        }
        return first;
    }

    /** Where the line holding {@code i} starts in {@code text} (its start when it is not in it). */
    private static int lineStart(CharSequence text, int i) {
        int j = i;
        while (j > 0 && text.charAt(j - 1) != '\n') {
            j--;
        }
        return j;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
