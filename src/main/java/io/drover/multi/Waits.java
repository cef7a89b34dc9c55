package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.posix.ProcessTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The waits for signalled nodes to be gone, with a deadline, reporting as they go. */
final class Waits {
    private Waits() {}

    /** How often a wait for exiting nodes looks again: fast enough to feel instant, cheap for 50 nodes. */
    static final Duration POLL = Duration.ofMillis(20);
    /** How often a wait for exiting nodes says which ones it still waits for. */
    static final Duration WAITING_REPORT = Duration.ofSeconds(1);

    /** Waits until every process is gone; 0, or 1 after naming the ones still alive at the deadline. */
    static int awaitDown(ClusterListener listener, Map<NodeHandle, Long> pids, Duration timeout, int signal) {
        if (pids.isEmpty()) {
            return ExitCode.OK;
        }
        List<NodeHandle> remaining = new ArrayList<>(pids.keySet());
        listener.waiting(nodesOf(remaining));
        long start = System.nanoTime();
        long nextTick = start + WAITING_REPORT.toNanos();
        while (!remaining.isEmpty()) {
            remaining.removeIf(h -> {
                long pid = pids.get(h);
                if (ProcessTable.isAlive(pid)) {
                    return false;
                }
                h.removeStalePidfile();
                h.noteExit(pid, signal);
                listener.node(h.node(), new NodeEvent.Down(pid));
                return true;
            });
            if (remaining.isEmpty()) {
                break;
            }
            long now = System.nanoTime();
            if (!timeout.isZero() && now - start >= timeout.toNanos()) {
                remaining.forEach(h -> listener.node(h.node(), new NodeEvent.StillAlive(pids.get(h))));
                return ExitCode.NODE_FAILED;
            }
            if (now >= nextTick) {
                nextTick += WAITING_REPORT.toNanos();
                listener.waiting(nodesOf(remaining));
            }
            sleep(POLL);
        }
        return ExitCode.OK;
    }

    private static List<NodeSpec> nodesOf(List<NodeHandle> handles) {
        return handles.stream().map(NodeHandle::node).toList();
    }

    static boolean awaitGone(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ProcessTable.isAlive(pid)) {
            if (!timeout.isZero() && System.nanoTime() >= deadline) {
                return false;
            }
            sleep(POLL);
        }
        return true;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DroverException(ExitCode.NODE_FAILED, "interrupted while waiting for nodes to exit");
        }
    }

    /** How long start waits quietly before it names the nodes it still waits for (issue 27, item 2). */
    static final Duration START_QUIET = Duration.ofSeconds(3);

    /**
     * Names the nodes still {@code pending}, once a second after {@link #START_QUIET}, until
     * interrupted: a node hung in its start-up is seen as it happens, not at its start timeout.
     */
    static Thread reportStillStarting(ClusterListener listener, Set<NodeSpec> pending) {
        long began = System.nanoTime();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(START_QUIET.toMillis());
                while (true) {
                    List<NodeSpec> left;
                    synchronized (pending) {
                        left = List.copyOf(pending);
                    }
                    if (left.isEmpty()) {
                        return;
                    }
                    listener.stillStarting(left, (System.nanoTime() - began) / 1_000_000_000L);
                    Thread.sleep(WAITING_REPORT.toMillis());
                }
            } catch (InterruptedException e) {
                // start is over: nothing more to say
            }
        }, "drover-start-waiting");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
