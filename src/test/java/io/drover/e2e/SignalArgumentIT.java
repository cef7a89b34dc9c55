package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.e2e.Drover.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10, item 2: a signal the platform does not have is a usage error, never TERM; the
 * signals it does have are taken from the platform's own table.
 */
class SignalArgumentIT extends DroverTest {
    private static final String HOST = Drover.hostname();

    @ParameterizedTest(name = "multi {0} 1 {1}")
    @CsvSource({"stop, -HPU", "stop, -99", "stop, -0", "stop, -SIGFOO", "stopwait, -HPU", "restart, -99"})
    void an_unknown_signal_is_exit_64_naming_it_and_the_accepted_forms_and_no_node_is_touched(String subcommand,
                                                                                              String signal) {
        assertEquals(0, drover.multi("start", "1", "-c", "1").exitCode());
        long pid = drover.pid("drover1");

        Result r = drover.multi(subcommand, "1", signal);

        assertEquals(64, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("'" + signal + "'"), r::toString);
        assertTrue(r.stderr().contains("-TERM") && r.stderr().contains("-SIGTERM") && r.stderr().contains("-15"),
                () -> "the accepted forms are named:\n" + r);
        assertEquals(1, r.stderr().lines().count(), r::toString);
        assertFalse(r.stdout().contains("drover1@" + HOST), "a node was reported on:\n" + r);
        assertTrue(Procs.alive(pid), "the node was signalled");
        assertEquals(pid, drover.pid("drover1"));
        assertFalse(drover.log("drover1").contains("shutdown"), drover.log("drover1"));
    }

    @Test
    void a_signal_name_the_platform_has_beyond_the_classic_ones_is_delivered_by_its_name() {
        assertEquals(0, drover.multi("start", "1", "-c", "1").exitCode());
        long pid = drover.pid("drover1");

        // SIGRTMIN's default action ends the process, which is what stopwait waits for.
        Result r = drover.multi("stopwait", "1", "-SIGRTMIN");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.linesFor("drover1@" + HOST).stream().anyMatch(l -> l.contains(": RTMIN -> " + pid)), r::toString);
        Procs.waitUntilGone(pid);
    }
}
