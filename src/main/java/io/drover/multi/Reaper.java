package io.drover.multi;

import io.drover.posix.Posix;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reaps every child of this process, as PID 1 or a subreaper must: one thread blocked in
 * {@code waitpid(-1)}, so a child's exit arrives as an event (nothing polls), and no child, nor
 * an orphan re-parented to us, stays a zombie. While there is no child the thread waits for the
 * next spawn.
 *
 * <p>An exit is kept only for a child a spawn registered ({@link #spawning}, then
 * {@link #spawned}) until its waiter claimed it ({@link #claim}): a pid is reused once its
 * process was reaped, so an exit kept for anyone else would be handed to the next child that
 * gets the pid as its own end. A child may end before its spawner knows its pid; its exit is
 * reaped while that spawn is under way, so exits reaped then are held, each with its place in
 * the order of reaping, and the spawn takes the one of its pid reaped after the spawn began.
 * An orphan's exit is dropped.
 */
final class Reaper {
    private record Reaped(long order, Posix.ChildExit exit) {}

    private final Posix posix;
    // all guarded by this
    private final Map<Long, CompletableFuture<Posix.ChildExit>> children = new HashMap<>();
    private final Map<Long, Reaped> early = new HashMap<>();
    private long reaped;
    private int spawning;
    private long spawns;

    Reaper(Posix posix) {
        this.posix = posix;
    }

    void start() {
        Thread t = new Thread(this::loop, "drover-reaper");
        t.setDaemon(true);
        t.start();
    }

    /** A spawn begins: returns its mark for {@link #spawned}. */
    synchronized long spawning() {
        spawning++;
        return reaped;
    }

    /** The spawn marked {@code mark} made the child {@code pid}: its exit is kept from now on until claimed. */
    synchronized void spawned(long mark, long pid) {
        CompletableFuture<Posix.ChildExit> exit = new CompletableFuture<>();
        Reaped before = early.remove(pid);
        if (before != null && before.order() > mark) {
            exit.complete(before.exit()); // this very child, reaped before its spawner knew its pid
        }
        children.put(pid, exit); // whatever an earlier process of this pid left is not this child's
        spawnEnded();
    }

    /** The spawn failed: there is no child to wait for. */
    synchronized void spawnFailed() {
        spawnEnded();
    }

    private void spawnEnded() {
        spawning--;
        if (spawning == 0) {
            early.clear(); // no spawn under way: what is held belongs to nobody (orphans)
        }
        spawns++;
        notifyAll(); // a reaper that found no child waits no longer
    }

    /** How the registered child {@code pid} ended, once it has; null when no spawn registered it. */
    synchronized CompletableFuture<Posix.ChildExit> exitOf(long pid) {
        return children.get(pid);
    }

    /**
     * The end of the registered child {@code pid}, for its one waiter: once it completed, the
     * exit is kept no longer.
     *
     * @throws IllegalStateException when no spawn registered {@code pid}
     */
    CompletableFuture<Posix.ChildExit> claim(long pid) {
        CompletableFuture<Posix.ChildExit> exit = exitOf(pid);
        if (exit == null) {
            throw new IllegalStateException("pid " + pid + " is no child a spawn registered");
        }
        exit.whenComplete((e, t) -> forget(pid, exit));
        return exit;
    }

    private synchronized void forget(long pid, CompletableFuture<Posix.ChildExit> exit) {
        children.remove(pid, exit); // not a later child's that got the pid meanwhile
    }

    private synchronized void reaped(Posix.ChildExit exit) {
        reaped++;
        CompletableFuture<Posix.ChildExit> child = children.get(exit.pid());
        if (child != null && !child.isDone()) {
            child.complete(exit);
        } else if (spawning > 0) {
            early.put(exit.pid(), new Reaped(reaped, exit));
        }
        // else an orphan re-parented to us: reaped, and nobody's
    }

    private void loop() {
        while (true) {
            long seen;
            synchronized (this) {
                seen = spawns;
            }
            Posix.ChildExit exit = posix.awaitAnyChild();
            if (exit != null) {
                reaped(exit);
                continue;
            }
            synchronized (this) {
                while (spawns == seen) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }
}
