package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 28 item 4: {@code restart} of a name drover never knew ({@code r28u9} beside
 * r28u1..r28u3) is a usage error with a suggestion, and starts and stops nothing; {@code
 * --start-new} starts it; a recorded node that is stopped, named or counted, is still started.
 */
class RestartUnknownIT extends DroverTest {
    private static final String H = Drover.hostname();

    private List<Long> pids(String... names) {
        return java.util.Arrays.stream(names).map(drover::pid).toList();
    }

    @Test
    void restart_of_a_name_drover_never_knew_is_exit_64_with_a_suggestion_and_touches_no_node() {
        Drover.Result start = drover.multi("start", "r28u1", "r28u2", "r28u3");
        assertEquals(0, start.exitCode(), start::toString);
        List<Long> running = pids("r28u1", "r28u2", "r28u3");

        Drover.Result typo = drover.multi("restart", "r28u9");

        assertEquals(64, typo.exitCode(), typo::toString);
        assertEquals(List.of("drover: multi restart: no node r28u9@" + H + ": drover never started it and no process"
                + " runs by that name (did you mean r28u1@" + H + "?); multi start makes new nodes (or restart --start-new)"),
                typo.stderr().lines().toList(), typo::toString);
        assertFalse(typo.stdout().contains("r28u"), typo::toString);
        assertFalse(Files.exists(drover.pidfile("r28u9")), typo::toString);
        assertEquals(running, Procs.living(running), typo::toString);
        assertEquals(running, pids("r28u1", "r28u2", "r28u3"), typo::toString);

        // one unknown name among known ones: nothing half done, the known ones are not restarted
        Drover.Result mixed = drover.multi("restart", "r28u1", "r28u9");
        assertEquals(64, mixed.exitCode(), mixed::toString);
        assertEquals(running.get(0), drover.pid("r28u1"), mixed::toString);

        Drover.Result asked = drover.multi("restart", "r28u9", "--start-new");
        assertEquals(0, asked.exitCode(), asked::toString);
        assertTrue(asked.lineFor("r28u9@" + H).contains("OK (pid " + drover.pid("r28u9") + ")"), asked::toString);

        Drover.Result stop = drover.multi("stopwait", "r28u1", "r28u2", "r28u3", "r28u9");
        assertEquals(0, stop.exitCode(), stop::toString);
    }

    @Test
    void restart_of_recorded_stopped_nodes_named_or_counted_starts_them() {
        Drover.Result start = drover.multi("start", "2", "--range-prefix=r28v");
        assertEquals(0, start.exitCode(), start::toString);
        List<Long> first = pids("r28v1", "r28v2");
        Drover.Result stop = drover.multi("stopwait", "2", "--range-prefix=r28v");
        assertEquals(0, stop.exitCode(), stop::toString);
        assertEquals(List.of(), Procs.living(first), stop::toString);

        Drover.Result counted = drover.multi("restart", "2", "--range-prefix=r28v");
        assertEquals(0, counted.exitCode(), counted::toString);
        List<Long> second = pids("r28v1", "r28v2");
        assertEquals(second, Procs.living(second), counted::toString);

        assertEquals(0, drover.multi("stopwait", "r28v2").exitCode());
        Drover.Result named = drover.multi("restart", "r28v2");
        assertEquals(0, named.exitCode(), named::toString);
        assertTrue(Procs.alive(drover.pid("r28v2")), named::toString);

        assertEquals(0, drover.multi("stopwait", "2", "--range-prefix=r28v").exitCode());
    }
}
