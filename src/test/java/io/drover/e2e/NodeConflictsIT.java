package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.e2e.Drover.Result;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10, item 1: one pidfile is one node. Nodes whose pidfiles expand to the same path, or
 * the same nodename given twice, are refused before anything starts or is signalled.
 */
class NodeConflictsIT extends DroverTest {
    private static final String HOST = Drover.hostname();

    private static void assertExit(int expected, Result r) {
        assertEquals(expected, r.exitCode(), r::toString);
    }

    private static void assertContains(String haystack, String needle, Result r) {
        assertTrue(haystack.contains(needle), () -> "expected '" + needle + "' in:\n" + r);
    }

    @Test
    void start_of_three_nodes_on_one_pidfile_is_exit_64_naming_the_nodes_and_the_path_and_starts_nothing() {
        String pidfile = dir + "/m3/drover.pid";

        Result start = drover.multi("start", "3", "--pidfile=" + pidfile);

        assertExit(64, start);
        for (int i = 1; i <= 3; i++) {
            assertContains(start.stderr(), "drover" + i + "@" + HOST, start);
        }
        assertContains(start.stderr(), pidfile, start);
        assertEquals(1, start.stderr().lines().count(), start::toString);
        assertFalse(start.stdout().contains("OK"), start::toString);
        assertEquals(List.of(), drover.files(), "a refused start created files");
        assertEquals(Set.of(), drover.processes(), "a refused start spawned nodes");
    }

    @Test
    void pidfiles_that_differ_only_in_how_they_are_written_are_the_same_path() {
        Result start = drover.multi("start", "a", "b", "--pidfile:a=" + dir + "/p.pid", "--pidfile:b=" + dir + "/x/../p%I.pid");

        assertExit(64, start);
        assertContains(start.stderr(), dir + "/p.pid", start);
        assertEquals(Set.of(), drover.processes(), "a refused start spawned nodes");
    }

    @ParameterizedTest(name = "multi {0}")
    @ValueSource(strings = {"stop", "stopwait", "restart", "kill", "status"})
    void a_lifecycle_command_on_nodes_sharing_a_pidfile_is_exit_64_and_signals_nothing(String subcommand) {
        assertExit(0, drover.multi("start", "1", "-c", "1"));
        long pid = drover.pid("drover1");

        Result r = drover.multi(subcommand, "2", "--pidfile=" + dir + "/drover1.pid");

        assertExit(64, r);
        assertContains(r.stderr(), "drover1@" + HOST, r);
        assertContains(r.stderr(), "drover2@" + HOST, r);
        assertContains(r.stderr(), dir + "/drover1.pid", r);
        assertTrue(Procs.alive(pid), "the node was signalled anyway");
        assertEquals(pid, drover.pid("drover1"));
        assertFalse(drover.log("drover1").contains("shutdown"), drover.log("drover1"));
    }

    @ParameterizedTest(name = "multi start {0}")
    @ValueSource(strings = {"w1 w1", "w1 w1@%h", "w1 w2 w1"})
    void the_same_nodename_given_twice_is_exit_64_naming_it(String nodes) {
        Result start = drover.multi("start", nodes.split(" "));

        assertExit(64, start);
        assertContains(start.stderr(), "w1@" + HOST, start);
        assertEquals(Set.of(), drover.processes(), "a refused start spawned nodes");
        assertEquals(List.of(), drover.files(), "a refused start created files");
    }

    @Test
    void nodes_sharing_a_logfile_start_with_one_warning_on_stderr() throws Exception {
        String log = dir + "/shared.log";

        Result start = drover.multi("start", "2", "-c", "1", "--logfile=" + log);

        assertExit(0, start);
        List<String> warnings = start.stderr().lines().filter(l -> l.contains(log)).toList();
        assertEquals(1, warnings.size(), start::toString);
        assertContains(warnings.get(0), "drover1@" + HOST, start);
        assertContains(warnings.get(0), "drover2@" + HOST, start);
        assertContains(start.stdout(), "drover1@" + HOST + ": OK", start);
        assertContains(start.stdout(), "drover2@" + HOST + ": OK", start);
        assertTrue(Files.exists(drover.pidfile("drover1")) && Files.exists(drover.pidfile("drover2")));

        Result stopwait = drover.multi("stopwait", "2", "--logfile=" + log);
        assertExit(0, stopwait);
        assertFalse(stopwait.stderr().contains(log), "stopwait warns about a logfile it does not write:\n" + stopwait);
    }
}
