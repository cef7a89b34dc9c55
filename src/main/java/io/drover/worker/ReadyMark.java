package io.drover.worker;

import java.util.concurrent.locks.LockSupport;

/**
 * How a node shows the world it has reported ready, without a file: a parked thread named
 * {@value #THREAD}, which the kernel lists in {@code /proc/PID/task/TID/comm} and which dies
 * with the process, so it can never be stale. {@code multi status} tells {@code starting}
 * from {@code running} by it (issue 17, item 3).
 */
public final class ReadyMark {
    private ReadyMark() {}

    /** The thread's name; Linux keeps the first 15 bytes of a thread's name. */
    public static final String THREAD = "drover-ready";

    private static Thread mark;

    static synchronized void set() {
        if (mark != null) {
            return;
        }
        mark = new Thread(() -> {
            while (true) {
                LockSupport.park();
            }
        }, THREAD);
        mark.setDaemon(true);
        mark.start();
    }
}
