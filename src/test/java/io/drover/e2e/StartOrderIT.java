package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --after} (docs/cli.md, "Start order"): a node starts once the nodes it is after are
 * ready, is not started when one of them never is, is stopped before them, and an order that
 * cannot be kept is refused before any JVM runs. Order is seen through what the nodes did (a
 * file one of them creates as it starts) and the order of drover's own lines, never through time.
 */
class StartOrderIT extends DroverTest {
    private static final String HOST = Drover.hostname();
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");

    private static void assertExit(int expected, Drover.Result r) {
        assertEquals(expected, r.exitCode(), r::toString);
    }

    /**
     * The node before (odb1) is ready only once a file exists, and that file is what the node
     * after it (oweb1) creates as it starts. Started in parallel, oweb1 would make odb1 ready;
     * started in order, oweb1 never runs, odb1 fails at its start timeout, and oweb1 is named
     * as not started because of it.
     */
    @Test
    void a_node_starts_only_once_the_node_it_is_after_is_ready_and_not_at_all_when_that_one_never_is() {
        Path go = dir.resolve("go");
        Drover.Result r = drover.multi(FORCE_ROOT, "start", "odb1", "oweb1", "--after:oweb1=odb1", "--start-timeout=4",
                "--classpath=" + Drover.testClasses(),
                "-A:odb1", "io.drover.fixtures.ReadyWhenFileApp", "-A:oweb1", "io.drover.fixtures.TouchesFileApp",
                drover.pidfileOption(), drover.logfileOption(), "--", go.toString());

        assertExit(1, r);
        assertTrue(r.lineFor("odb1@" + HOST).contains("FAILED"), r::toString);
        assertEquals("\t> oweb1@" + HOST + ": FAILED: not started: odb1@" + HOST + " did not start",
                r.lineFor("oweb1@" + HOST), r::toString);
        assertFalse(Files.exists(go), "oweb1's application ran before odb1 was ready");
        assertFalse(Files.exists(drover.logfile("oweb1")), "oweb1 was spawned: " + drover.log("oweb1"));
    }

    /**
     * The order is recorded: a stopwait and a restart of the nodes, given without options, stop
     * the node after first (down before the other is signalled) and start it last.
     */
    @Test
    void the_recorded_order_stops_the_node_after_first_and_starts_it_last() throws Exception {
        try {
            assertExit(0, drover.multi("start", "ob1", "oa1", "--after:ob1=oa1"));
            String record = Files.readString(dir.resolve(".state").resolve("ob1@" + HOST + ".node"));
            assertTrue(record.contains("after.0=oa1@" + HOST), record);

            Drover.Result restart = drover.multi("restart", "oa1", "ob1");
            assertExit(0, restart);
            List<String> lines = restart.stdout().lines().toList();
            assertBefore(lines, "ob1@" + HOST + ": down", "oa1@" + HOST + ": TERM", restart);
            assertBefore(lines, "oa1@" + HOST + ": OK", "ob1@" + HOST + ": OK", restart);

            Drover.Result stop = drover.multi("stopwait", "oa1", "ob1");
            assertExit(0, stop);
            assertBefore(stop.stdout().lines().toList(), "ob1@" + HOST + ": down", "oa1@" + HOST + ": TERM", stop);
        } finally {
            drover.multi("kill", "oa1", "ob1");
        }
    }

    /**
     * supervise orders the first starts: the node after (osweb1) is started once the first start
     * of the one before (osdb1) is over, here failed, as osdb1 is ready only once osweb1 ran.
     * Started together, osdb1 would have been ready at its first start.
     */
    @Test
    void supervise_starts_a_node_after_the_first_start_of_the_node_it_is_after() throws Exception {
        Path go = dir.resolve("go");
        Process supervise = drover.spawn(FORCE_ROOT, "supervise", "multi", "supervise", "osdb1", "osweb1",
                "--after:osweb1=osdb1", "--start-timeout=4", "--backoff=1", "--classpath=" + Drover.testClasses(),
                "-A:osdb1", "io.drover.fixtures.ReadyWhenFileApp", "-A:osweb1", "io.drover.fixtures.TouchesFileApp",
                drover.pidfileOption(), drover.logfileOption(), "--", go.toString());
        Path out = dir.resolve("supervise.out");
        try {
            Procs.waitUntil("every node ready under supervise", Procs.PATIENCE,
                    () -> read(out).contains("all nodes ready"), () -> read(out));
            List<String> lines = Files.readAllLines(out);
            assertBefore(lines, "osdb1@" + HOST + ": exited unasked (did not start", "osweb1@" + HOST + ": started",
                    new Drover.Result(List.of("supervise"), 0, read(out), ""));
        } finally {
            supervise.destroy();
            supervise.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * supervise's own stop goes in reverse order: the node after another (osww1, whose warm stop
     * never ends) is stopped, here killed at --timeout, before the node it is after (oswd1) is
     * signalled. Stopped together, oswd1 was down at once, seconds before osww1's kill. osww1's
     * thread dump, asked for before its kill, is long (hundreds of threads): oswd1 is signalled
     * only once that kill is over and osww1 is down, not as soon as the kill is decided (which
     * had oswd1 killed and stopped before osww1 was).
     */
    @Test
    void supervise_stops_a_node_before_the_node_it_is_after() throws Exception {
        Process supervise = drover.spawn(FORCE_ROOT, "supervise-stop", "multi", "supervise", "oswd1", "osww1",
                "--after:osww1=oswd1", "--timeout=2", "--classpath=" + Drover.testClasses(),
                "-A:osww1", "io.drover.fixtures.LongDumpIgnoresTermApp", drover.pidfileOption(), drover.logfileOption());
        Path out = dir.resolve("supervise-stop.out");
        try {
            Procs.waitUntil("every node ready under supervise", Procs.PATIENCE,
                    () -> read(out).contains("all nodes ready"), () -> read(out));
        } finally {
            supervise.destroy();
            supervise.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(out);
        Drover.Result r = new Drover.Result(List.of("supervise"), 0, read(out), "");
        assertBefore(lines, "osww1@" + HOST + ": killing", "oswd1@" + HOST + ": stopped", r);
        assertBefore(lines, "osww1@" + HOST + ": stopped", "oswd1@" + HOST + ": stopped", r);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static void assertBefore(List<String> lines, String first, String then, Drover.Result r) {
        int a = indexOf(lines, first);
        int b = indexOf(lines, then);
        assertTrue(a >= 0 && b >= 0 && a < b, () -> "'" + first + "' not before '" + then + "':\n" + r);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void an_order_with_a_cycle_is_a_usage_error_before_any_node_runs() {
        Drover.Result r = drover.multi("start", "oc1", "oc2", "oc3", "--after:oc1=oc3", "--after:oc2=oc1",
                "--after:oc3=oc2");

        assertExit(64, r);
        assertEquals(1, r.stderr().lines().count(), r::toString);
        assertTrue(r.stderr().contains("cycle") && r.stderr().contains("oc1@" + HOST + " -> "), r::toString);
        assertEquals(List.of(), drover.pidfiles(), "nothing started");
        assertFalse(Files.exists(drover.logfile("oc1")), r::toString);
    }

    @Test
    void a_name_after_that_is_none_of_the_nodes_is_a_usage_error_naming_it() {
        Drover.Result r = drover.multi("start", "od1", "od2", "--after:od2=odx");

        assertExit(64, r);
        assertEquals("drover: --after=odx: no node odx among the nodes given (od1, od2)\n", r.stderr(), r::toString);
        assertEquals(List.of(), drover.pidfiles(), "nothing started");
    }
}
