package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One process per nodename, whatever pidfile template a command is given (issue 12 item 2). */
class OneNodePerNameIT extends DroverTest {
    private String other() {
        return "--pidfile=" + dir + "/other/%n.pid";
    }

    @Test
    void start_and_restart_of_a_node_that_runs_under_another_pidfile_are_refused_and_no_second_process_runs() {
        Drover.Result start = drover.multi("start", "2");
        assertEquals(0, start.exitCode(), start::toString);
        long first = drover.pid("drover1");
        long second = drover.pid("drover2");
        String host = Drover.hostname();

        Drover.Result again = drover.multi("start", "2", other());
        assertEquals(1, again.exitCode(), again::toString);
        assertTrue(again.lineFor("drover1@" + host).contains("already runs as pid " + first), again::toString);
        assertTrue(again.stderr().contains("drover1@" + host), again::toString);

        Drover.Result restart = drover.multi("restart", "2", other());
        assertEquals(1, restart.exitCode(), restart::toString);
        assertTrue(restart.lineFor("drover2@" + host).contains("already runs as pid " + second), restart::toString);

        assertEquals(List.of(first, second), List.copyOf(Procs.living(List.of(first, second))));
        assertEquals(2, drover.processes().stream().filter(p -> Procs.cmdline(p).contains(" worker ")).count(),
                () -> "more than two nodes: " + drover.processes());
        Drover.Result stop = drover.multi("stopwait", "2");
        assertEquals(0, stop.exitCode(), stop::toString);
    }
}
