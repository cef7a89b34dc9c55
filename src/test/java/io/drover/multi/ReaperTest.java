package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drover.posix.Posix;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The reaper with a fake {@code waitpid(-1)}: the test says which pid ends when, and which pid
 * a spawn gets. A pid is reused once its process was reaped, so an exit kept for a pid nobody
 * spawned is the next child's false end.
 */
class ReaperTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final BlockingQueue<Posix.ChildExit> exits = new LinkedBlockingQueue<>();
    /** How often the reaper asked for the next exit: once more than it has handled. */
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicLong nextPid = new AtomicLong();
    /** An exit the child of the next spawn has before the spawn returns its pid (a fast failure). */
    private volatile Posix.ChildExit endsBeforeSpawnReturns;

    private final Posix fake = (Posix) Proxy.newProxyInstance(Posix.class.getClassLoader(), new Class<?>[] {Posix.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "awaitAnyChild" -> {
                    asked.incrementAndGet();
                    yield exits.take();
                }
                case "spawnDetached" -> {
                    Posix.ChildExit early = endsBeforeSpawnReturns;
                    if (early != null) {
                        int before = asked.get();
                        exits.add(early);
                        await("the reaper took the early exit", () -> asked.get() > before);
                    }
                    yield new Posix.Spawned(nextPid.get(), -1, -1);
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });
    private final Reaper reaper = new Reaper(fake);
    private final ReapingPosix reaping = new ReapingPosix(fake, reaper);

    private static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** An exit for the reaper, returned once it has handled it. */
    private void reaps(Posix.ChildExit exit) {
        int before = asked.get();
        exits.add(exit);
        await("the reaper past " + exit, () -> asked.get() > before);
    }

    private long spawns(long pid) {
        nextPid.set(pid);
        return reaping.spawnDetached(List.of("java"), Map.of(), null, null, null, false, "key").pid();
    }

    @Test
    void an_orphans_exit_is_not_handed_to_a_later_child_that_gets_its_pid() {
        reaper.start();
        await("the reaper waiting", () -> asked.get() == 1);
        reaps(new Posix.ChildExit(500, 0, 9)); // an orphan re-parented to supervise, killed
        spawns(500); // the pid, free again, goes to a node supervise starts
        assertNull(reaping.reap(500), "the new child runs: the orphan's end is not its end");
        reaps(new Posix.ChildExit(500, 3, 0));
        assertEquals(3, reaping.reap(500));
    }

    @Test
    void a_child_that_ends_before_its_spawner_knows_its_pid_gets_its_own_exit() {
        reaper.start();
        await("the reaper waiting", () -> asked.get() == 1);
        endsBeforeSpawnReturns = new Posix.ChildExit(600, 127, 0);
        spawns(600);
        assertEquals(127, reaping.reap(600));
    }

    @Test
    void a_claimed_exit_is_kept_no_longer_and_the_next_child_of_that_pid_waits_for_its_own() {
        reaper.start();
        await("the reaper waiting", () -> asked.get() == 1);
        spawns(700);
        var first = reaper.claim(700);
        reaps(new Posix.ChildExit(700, 0, 15));
        assertEquals("signal 15", first.join().describe());
        assertNull(reaper.exitOf(700), "nobody's any more");
        spawns(700);
        assertNull(reaping.reap(700), "the second child of pid 700 runs");
    }
}
