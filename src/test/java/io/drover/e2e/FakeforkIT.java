package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** DROVER_FAKEFORK=1: the seed's troubleshooting recipe, through multi start. */
class FakeforkIT extends DroverTest {
    @Test
    void multi_start_with_fakefork_runs_the_node_in_the_foreground_and_its_error_reaches_the_terminal() {
        Drover.Result r = drover.multi(Map.of("DROVER_FAKEFORK", "1", "DROVER_FORCE_ROOT", "1"), "start", "1",
                "-A", "com.example.Missing");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("in the foreground (DROVER_FAKEFORK=1)"), r::toString);
        assertTrue(r.stderr().contains("application class com.example.Missing not found"), r::toString);
        assertTrue(drover.pidfiles().isEmpty(), drover.files().toString());
    }

    @Test
    void multi_start_with_fakefork_blocks_while_the_node_runs_and_returns_its_exit_status_after_term() {
        Process multi = drover.spawn(Map.of("DROVER_FAKEFORK", "1"), "multi", "multi", "start", "1",
                drover.pidfileOption(), drover.logfileOption());
        Procs.waitUntil("the foreground node's ready line", Procs.PATIENCE, () -> drover.log("drover1").contains(" ready"),
                () -> drover.log("drover1"));
        assertTrue(multi.isAlive(), "multi start returned while its foreground node runs");
        Procs.signal(drover.pid("drover1"), "TERM");
        Procs.waitUntil("multi start to return", Procs.PATIENCE, () -> !multi.isAlive());
        assertEquals(0, multi.exitValue());
        assertTrue(drover.log("drover1").contains("warm shutdown complete"), drover.log("drover1"));
    }
}
