package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 27, item 2: nodes whose application's static initializer never returns hold neither
 * the good nodes' start nor themselves past their start timeout, and hear TERM.
 */
class HangingStartIT extends DroverTest {
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");
    private static final String HANGS = "io.drover.fixtures.HangsInStaticInitializerApp";

    private static String full(String name) {
        return name + "@" + Drover.hostname();
    }

    /** The index of the first stdout line about {@code name} that contains {@code word}; fails if none. */
    private static int lineOf(Drover.Result r, String name, String word) {
        List<String> lines = r.stdout().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("> " + full(name) + ":") && lines.get(i).contains(word)) {
                return i;
            }
        }
        throw new AssertionError("no line for " + name + " with " + word + "\n" + r);
    }

    @Test
    void good_nodes_are_up_before_hanging_ones_fail_at_their_start_timeout_and_nothing_hung_is_left() {
        // the hanging nodes first: on two cores they fill the start window before the good ones
        Drover.Result start = drover.multi(FORCE_ROOT, "start", "hangs1", "hangs2", "good1", "good2",
                "-A:hangs1,hangs2", HANGS, "--classpath=" + Drover.testClasses(), "--start-timeout=8");
        assertEquals(1, start.exitCode(), start::toString);
        for (String good : List.of("good1", "good2")) {
            for (String hung : List.of("hangs1", "hangs2")) {
                assertTrue(lineOf(start, good, "OK") < lineOf(start, hung, "FAILED"),
                        good + " waited for " + hung + "'s start timeout\n" + start);
            }
        }
        assertFalse(Files.exists(drover.pidfile("hangs1")), start::toString);
        assertFalse(Files.exists(drover.pidfile("hangs2")), start::toString);
        Drover.Result stop = drover.multi("stopwait", "good1", "good2", "--timeout=60");
        assertEquals(0, stop.exitCode(), stop::toString);
        Procs.waitUntil("no process of the test left", Procs.PATIENCE, () -> drover.processes().isEmpty(),
                () -> "left: " + drover.processes());
    }

    private long hangingNodeWhoseStarterDied(String startTimeout) {
        Process start = drover.spawn(FORCE_ROOT, "start", "multi", "start", "hangs1", drover.pidfileOption(),
                drover.logfileOption(), "-A", HANGS, "--classpath=" + Drover.testClasses(), startTimeout);
        // its pidfile is written after its signal handlers are in place, before its class loads
        Procs.waitUntil("the node's pidfile", Procs.PATIENCE, () -> Files.exists(drover.pidfile("hangs1")));
        long pid = drover.pid("hangs1");
        start.destroyForcibly();
        Procs.waitUntil("its starter to be gone", Procs.PATIENCE, () -> !start.isAlive());
        return pid;
    }

    @Test
    void a_node_hung_in_its_static_initializer_whose_starter_died_ends_itself_at_its_start_timeout() {
        long pid = hangingNodeWhoseStarterDied("--start-timeout=6");
        Procs.waitUntil("the node to end itself", Procs.PATIENCE, () -> Procs.exited(pid), () -> drover.log("hangs1"));
        Procs.waitUntil("its pidfile to go", Procs.PATIENCE, () -> !Files.exists(drover.pidfile("hangs1")));
        assertTrue(drover.log("hangs1").contains("did not become ready"), drover.log("hangs1"));
    }

    @Test
    void a_node_hung_in_its_static_initializer_exits_on_term() {
        long pid = hangingNodeWhoseStarterDied("--start-timeout=0");
        Procs.signal(pid, "TERM");
        Procs.waitUntil("the node to exit on TERM", Procs.PATIENCE, () -> Procs.exited(pid), () -> drover.log("hangs1"));
        Procs.waitUntil("its pidfile to go", Procs.PATIENCE, () -> !Files.exists(drover.pidfile("hangs1")));
    }

    @Test
    void start_names_the_nodes_it_still_waits_for() {
        Drover.Result start = drover.multi(FORCE_ROOT, "start", "good1", "hangs1", "-A:hangs1", HANGS,
                "--classpath=" + Drover.testClasses(), "--start-timeout=10");
        assertEquals(1, start.exitCode(), start::toString);
        assertTrue(start.stdout().lines().anyMatch(l -> l.startsWith("> Still waiting after ")
                && l.endsWith(" s for 1: " + full("hangs1"))), start::toString);
        Drover.Result stop = drover.multi("stopwait", "good1", "--timeout=60");
        assertEquals(0, stop.exitCode(), stop::toString);
    }
}
