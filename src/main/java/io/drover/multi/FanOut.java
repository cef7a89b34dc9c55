package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** A task per node on threads of their own, and the exit status of what came back. */
final class FanOut {
    private FanOut() {}

    /**
     * The most nodes one operation handles at once: each is a thread that mostly waits (for a
     * spawn's handshake, a process's end), and this many keeps a large cluster's threads bounded.
     */
    static final int MAX_PARALLEL = 64;

    /** Runs {@code task} for each item in parallel; the results in the items' order. */
    static <T> List<NodeEvent> events(List<T> items, Function<T, NodeEvent> task) {
        if (items.isEmpty()) {
            // every node skipped (restart --all of untrusted records): a pool of no threads is an error
            return List.of();
        }
        if (items.size() == 1) {
            return List.of(task.apply(items.get(0)));
        }
        List<Callable<NodeEvent>> tasks = new ArrayList<>();
        for (T item : items) {
            tasks.add(() -> task.apply(item));
        }
        return all(tasks, "drover-node", e -> {
            if (e instanceof DroverException d) {
                return new NodeEvent.Failed(d.exitCode(), d.getMessage());
            }
            throw new IllegalStateException("node operation failed: " + e, e);
        });
    }

    /**
     * Runs the tasks on at most {@link #MAX_PARALLEL} daemon threads named {@code name}; the
     * results in order, a task's failure turned into one by {@code failed}.
     */
    static <R> List<R> all(List<Callable<R>> tasks, String name, Function<Throwable, R> failed) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(tasks.size(), MAX_PARALLEL), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (Callable<R> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    results.add(failed.apply(e.getCause()));
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DroverException(ExitCode.NODE_FAILED, "interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * 0 when nothing failed. When every failure has the same specific cause (permission, a file
     * that cannot be created, java missing) its sysexits code, so a script can tell; else 1.
     */
    static int exitStatus(List<NodeEvent> results) {
        Integer common = null;
        for (NodeEvent e : results) {
            if (e instanceof NodeEvent.Failed f) {
                int code = f.exitCode() == ExitCode.OK ? ExitCode.NODE_FAILED : f.exitCode();
                common = common == null || common == code ? Integer.valueOf(code) : Integer.valueOf(ExitCode.NODE_FAILED);
            }
        }
        if (common == null) {
            return ExitCode.OK;
        }
        return switch (common) {
            case ExitCode.NO_USER, ExitCode.UNAVAILABLE, ExitCode.CANT_CREATE, ExitCode.NO_PERMISSION, ExitCode.USAGE -> common;
            default -> ExitCode.NODE_FAILED;
        };
    }
}
