package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 27, item 1: one node is one process, whatever happens to its pidfile. On 250a267, with a
 * running node's pidfile removed, status said stopped (exit 3), stopwait said "not running", and
 * start said OK and ran a second JVM of the same nodename, the first invisible to every command.
 */
class LostPidfileIT extends DroverTest {
    private static final String NAME = "lp1@" + Drover.hostname();

    /** The live JVMs of this test that run node lp1. */
    private Set<Long> nodeProcesses() {
        return drover.processes().stream().filter(pid -> Procs.cmdline(pid).contains("-n " + NAME))
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void a_node_whose_pidfile_was_removed_is_found_by_status_refused_a_twin_by_start_and_stopped_by_stopwait()
            throws IOException {
        Drover.Result start = drover.multi("start", "lp1");
        assertEquals(0, start.exitCode(), start::toString);
        long pid = drover.pid("lp1");
        Files.delete(drover.pidfile("lp1"));

        Drover.Result status = drover.multi("status", "lp1");
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.stdout().contains(NAME + ": running (pid " + pid), status::toString);
        assertTrue(status.stdout().contains("pidfile missing"), status::toString);

        Drover.Result again = drover.multi("start", "lp1");
        assertEquals(1, again.exitCode(), again::toString);
        assertTrue(again.stdout().contains("already runs as pid " + pid + ", but its pidfile"), again::toString);
        assertEquals(Set.of(pid), nodeProcesses(), "one process of " + NAME);

        Drover.Result stop = drover.multi("stopwait", "lp1");
        assertEquals(0, stop.exitCode(), stop::toString);
        Procs.waitUntilGone(pid);
        assertEquals(Set.of(), nodeProcesses());
    }
}
