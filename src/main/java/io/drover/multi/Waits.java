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
        return awaitDown(listener, pids, timeout, signal, false);
    }

    /**
     * {@link #awaitDown(ClusterListener, Map, Duration, int)}; with {@code killAfter}
     * ({@code stopwait --kill-after-timeout}) the ones still alive at the deadline are asked for a
     * thread dump, then killed, and waited for: 0 once they are gone.
     */
    static int awaitDown(ClusterListener listener, Map<NodeHandle, Long> pids, Duration timeout, int signal,
                         boolean killAfter) {
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
                if (killAfter) {
                    return killAfterTimeout(listener, remaining, pids);
                }
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

    /**
     * The nodes that outlived the stop's timeout: each asked for a thread dump (all at once: each
     * waits up to {@link ThreadDump#WAIT}), then killed as {@code multi kill} kills (its group),
     * and waited for as a kill is.
     */
    private static int killAfterTimeout(ClusterListener listener, List<NodeHandle> remaining, Map<NodeHandle, Long> pids) {
        Map<NodeHandle, java.util.concurrent.CompletableFuture<String>> dumps = new java.util.LinkedHashMap<>();
        for (NodeHandle h : remaining) {
            java.util.concurrent.CompletableFuture<String> dump = new java.util.concurrent.CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    // the pid was checked when the stop began, up to --timeout ago: it must
                    // still be this node's, or it ended on its own and its pid may be another's
                    dump.complete(h.stillIs(pids.get(h)) ? h.threadDump(pids.get(h)) : null);
                } catch (RuntimeException e) {
                    dump.complete("no thread dump: " + e.getMessage());
                }
            }, "drover-dump-" + h.node().nodename().full());
            t.setDaemon(true);
            t.start();
            dumps.put(h, dump);
        }
        Map<NodeHandle, Long> killed = new java.util.LinkedHashMap<>();
        int code = ExitCode.OK;
        for (Map.Entry<NodeHandle, java.util.concurrent.CompletableFuture<String>> e : dumps.entrySet()) {
            NodeHandle h = e.getKey();
            long pid = pids.get(h);
            String dump = e.getValue().join();
            if (dump == null || !h.stillIs(pid)) {
                killed.put(h, pid); // ended meanwhile: nothing to kill, waited for as the others
                continue;
            }
            listener.node(h.node(), new NodeEvent.Killing(pid, Keeper.TIMED_OUT, dump));
            h.killedFor("killed: " + Keeper.TIMED_OUT + ", " + dump);
            // a supervised node's KILL goes through its supervise, which keeps it down as asked
            NodeEvent supervised = h.stopSupervised(io.drover.core.Signals.KILL);
            NodeEvent sent = supervised != null ? supervised : h.signal(pid, io.drover.core.Signals.KILL);
            if (sent instanceof NodeEvent.Failed) {
                listener.node(h.node(), sent);
                code = ExitCode.NODE_FAILED;
            } else {
                killed.put(h, pid);
            }
        }
        return Math.max(code, awaitDown(listener, killed, Cluster.KILL_WAIT, io.drover.core.Signals.KILL));
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
