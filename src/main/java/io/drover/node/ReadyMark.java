package io.drover.node;

import io.drover.core.NodeProtocol;
import java.util.concurrent.locks.LockSupport;

/**
 * How a node shows the world it has reported ready, without a file: a parked thread named
 * {@value NodeProtocol#READY_THREAD}, which the kernel lists in {@code /proc/PID/task/TID/comm} and which dies
 * with the process, so it can never be stale. {@code multi status} tells {@code starting}
 * from {@code running} by it (issue 17, item 3).
 */
final class ReadyMark {
    private ReadyMark() {}

    private static Thread mark;

    static synchronized void set() {
        if (mark != null) {
            return;
        }
        mark = new Thread(() -> {
            while (true) {
                LockSupport.park();
            }
        }, NodeProtocol.READY_THREAD);
        mark.setDaemon(true);
        mark.start();
    }
}
