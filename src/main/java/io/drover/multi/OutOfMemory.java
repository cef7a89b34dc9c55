package io.drover.multi;

import io.drover.core.HeapDumps;
import io.drover.posix.OpenedDir;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How a node that ended of OutOfMemoryError is told apart (issue 30, item 4): it exited with
 * {@link HeapDumps#EXIT_STATUS} ({@code -XX:+ExitOnOutOfMemoryError}) and left
 * {@code java_pidPID.hprof}, for its very pid, in its heap dump directory.
 *
 * <p>The directory is the node's user's, and this may run as root: it is walked to by
 * descriptor ({@link OpenedDir}: no link on the way is followed) and the dump only looked at
 * ({@code lstat}): a link or a FIFO by that name is not a dump, and nothing is opened.
 */
final class OutOfMemory {
    private OutOfMemory() {}

    /** The exit words of a process that ended with {@link HeapDumps#EXIT_STATUS}. */
    static final String STATUS = "status " + HeapDumps.EXIT_STATUS;

    /** "out of memory, heap dump PATH" when {@code node}'s process {@code pid} left its heap dump, else null. */
    static String dumped(NodeSpec node, long pid) {
        String dir = node.heapDumpDir();
        if (dir == null || pid <= 0) {
            return null;
        }
        String name = HeapDumps.fileName(pid);
        try (OpenedDir d = OpenedDir.walk(Path.of(dir))) {
            OpenedDir.Entry e = d.look(name);
            return e != null && e.kind() == OpenedDir.Entry.Kind.REGULAR ? HeapDumps.words(Path.of(dir, name)) : null;
        } catch (IOException | RuntimeException e) {
            return null; // no directory, or one that cannot be reached safely: no dump to name
        }
    }

    /**
     * {@code how} the node's process {@code pid} ended ({@code null}: not known), or the out of
     * memory words when that end is {@link #STATUS} (or unknown) and its dump is there.
     */
    static String describe(NodeSpec node, long pid, String how) {
        if (how != null && !how.equals(STATUS)) {
            return how;
        }
        String oom = dumped(node, pid);
        return oom != null ? oom : how;
    }
}
