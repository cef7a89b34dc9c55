package io.drover.multi;

import io.drover.posix.Posix;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reaps every child of this process, as PID 1 or a subreaper must: one thread blocked in
 * {@code waitpid(-1)}, so a child's exit arrives as an event (nothing polls), and no child, nor
 * an orphan re-parented to us, stays a zombie. Whoever waits for a child asks {@link #exitOf}.
 * While there is no child the thread waits for the next spawn ({@link #spawned}).
 */
final class Reaper {
    private final Posix posix;
    private final ConcurrentMap<Long, CompletableFuture<Posix.ChildExit>> exits = new ConcurrentHashMap<>();
    private final Object monitor = new Object();
    private long spawns;

    Reaper(Posix posix) {
        this.posix = posix;
    }

    void start() {
        Thread t = new Thread(this::loop, "drover-reaper");
        t.setDaemon(true);
        t.start();
    }

    /** How the child {@code pid} ended, once it has; the same future however often asked. */
    CompletableFuture<Posix.ChildExit> exitOf(long pid) {
        return exits.computeIfAbsent(pid, p -> new CompletableFuture<>());
    }

    /** Forgets a child whose end was handled. */
    void forget(long pid) {
        exits.remove(pid);
    }

    /** A child was spawned: a reaper that found none waits no longer. */
    void spawned() {
        synchronized (monitor) {
            spawns++;
            monitor.notifyAll();
        }
    }

    private void loop() {
        while (true) {
            long seen;
            synchronized (monitor) {
                seen = spawns;
            }
            Posix.ChildExit exit = posix.awaitAnyChild();
            if (exit != null) {
                // kept even when nobody asked yet: a child may be reaped before its spawner asks
                // (an orphan re-parented to us is kept too: a few bytes each, and rare)
                exitOf(exit.pid()).complete(exit);
                continue;
            }
            synchronized (monitor) {
                while (spawns == seen) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }
}
