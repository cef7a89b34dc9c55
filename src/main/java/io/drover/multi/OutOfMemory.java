package io.drover.multi;

import io.drover.core.HeapDumps;
import io.drover.launch.HeapDumpFiles;

/**
 * How a node that ended of OutOfMemoryError is told apart (issue 30, item 4): it exited with
 * {@link HeapDumps#EXIT_STATUS} ({@code -XX:+ExitOnOutOfMemoryError}) and left
 * {@code java_pidPID.hprof}, for its very pid, in its heap dump directory, looked at safely by
 * {@link HeapDumpFiles}.
 */
final class OutOfMemory {
    private OutOfMemory() {}

    /** The exit words of a process that ended with {@link HeapDumps#EXIT_STATUS}. */
    static final String STATUS = "status " + HeapDumps.EXIT_STATUS;

    /** "out of memory, heap dump PATH" when {@code node}'s process {@code pid} left its heap dump, else null. */
    static String dumped(NodeSpec node, long pid) {
        return HeapDumpFiles.dumped(node.heapDumpDir(), pid);
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
