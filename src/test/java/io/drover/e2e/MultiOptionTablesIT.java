package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Issue 26, per-subcommand option tables, through the built launcher: an option of multi's own
 * that a subcommand does not read is a usage error that touches no node; the ones it reads work.
 */
class MultiOptionTablesIT extends DroverTest {
    private static final String PREFIX = "--range-prefix=tbl";

    /** Exit 64, nothing on stdout, exactly {@code drover: LINE} on stderr. */
    private static void assertRefused(Drover.Result r, String line) {
        assertEquals(64, r.exitCode(), r::toString);
        assertEquals("", r.stdout(), r::toString);
        assertEquals("drover: " + line + "\n", r.stderr(), r::toString);
    }

    private long started() {
        Drover.Result start = drover.multi("start", "1", PREFIX, "--start-timeout=60");
        assertEquals(0, start.exitCode(), start::toString);
        long pid = drover.pid("tbl1");
        assertTrue(Procs.alive(pid), start::toString);
        return pid;
    }

    @Test
    void multi_stop_with_supervise_s_max_restarts_is_exit_64_and_signals_no_node() {
        long pid = started();
        Drover.Result stop = drover.multi("stop", "1", PREFIX, "--max-restarts=5");
        assertRefused(stop, "multi stop does not take --max-restarts (it is an option of multi supervise)");
        assertTrue(Procs.alive(pid), "the node was signalled: " + stop);
        assertEquals(pid, drover.pid("tbl1"), stop::toString);

        // what stopwait takes it still takes: --timeout
        Drover.Result stopwait = drover.multi("stopwait", "1", PREFIX, "--timeout=60");
        assertEquals(0, stopwait.exitCode(), stopwait::toString);
        assertFalse(Procs.alive(pid), stopwait::toString);
    }

    @Test
    void multi_show_with_backoff_and_rolling_is_exit_64_naming_the_first_and_starts_nothing() {
        Drover.Result show = drover.multi("show", "2", PREFIX, "--backoff=3", "--rolling");
        assertRefused(show, "multi show does not take --backoff (it is an option of multi supervise)");
        assertTrue(drover.pidfiles().isEmpty(), drover.pidfiles()::toString);
    }

    @Test
    void multi_kill_with_a_timeout_is_refused_and_the_node_lives_until_kill_without_it() {
        long pid = started();
        Drover.Result kill = drover.multi("kill", "1", PREFIX, "--timeout", "5");
        assertRefused(kill, "multi kill does not take --timeout (it is an option of multi stopwait, restart, supervise"
                + " and export)");
        assertTrue(Procs.alive(pid), kill::toString);
        Drover.Result killed = drover.multi("kill", "1", PREFIX);
        assertEquals(0, killed.exitCode(), killed::toString);
        assertFalse(Procs.alive(pid), killed::toString);
    }

    @Test
    void multi_restart_takes_rolling_batch_and_both_timeouts() {
        long pid = started();
        Drover.Result restart = drover.multi("restart", "1", PREFIX, "--rolling", "--batch=1", "--timeout", "60",
                "--start-timeout=60");
        assertEquals(0, restart.exitCode(), restart::toString);
        long again = drover.pid("tbl1");
        assertNotEquals(pid, again, restart::toString);
        assertTrue(Procs.alive(again), restart::toString);
        assertFalse(Procs.alive(pid), restart::toString);
    }

    @Test
    void multi_supervise_refuses_restart_s_rolling_before_it_starts_a_node() {
        Drover.Result supervise = drover.multi("supervise", "1", PREFIX, "--rolling");
        assertRefused(supervise, "multi supervise does not take --rolling (it is an option of multi restart)");
        assertTrue(drover.pidfiles().isEmpty(), drover.pidfiles()::toString);
        assertTrue(drover.processes().isEmpty(), drover.processes()::toString);
    }
}
