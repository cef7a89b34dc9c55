package io.drover.launch;

import io.drover.core.HeapDumps;
import io.drover.posix.OpenedDir;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Whether a node's JVM left its heap dump (issue 30, item 4): {@code java_pidPID.hprof}, for its
 * very pid, in its heap dump directory.
 *
 * <p>The directory is the node's user's, and this may run as root: it is walked to by
 * descriptor ({@link OpenedDir}: no link on the way is followed) and the dump only looked at
 * ({@code lstat}): a link or a FIFO by that name is not a dump, and nothing is opened.
 */
public final class HeapDumpFiles {
    private HeapDumpFiles() {}

    /** "out of memory, heap dump PATH" when process {@code pid} left its dump in {@code dir}, else null. */
    public static String dumped(String dir, long pid) {
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
}
