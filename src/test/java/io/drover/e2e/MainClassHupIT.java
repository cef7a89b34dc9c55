package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.e2e.Drover.Result;
import io.drover.fixtures.MainClassApp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 5: HUP restarts a NodeApp in place, but a {@code main()} class cannot be
 * restarted in a JVM that still runs its first {@code main}: the node logs the HUP and ignores
 * it, so {@code main} runs once.
 */
class MainClassHupIT extends DroverTest {
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");

    private int mainRuns() {
        return drover.log("drover1").split(MainClassApp.RUNNING, -1).length - 1;
    }

    @Test
    void hup_on_a_main_class_application_is_logged_and_ignored_and_main_runs_once() {
        Result start = drover.multi(FORCE_ROOT, "start", "1", "-A", MainClassApp.class.getName(),
                "--classpath=" + Drover.testClasses());
        assertEquals(0, start.exitCode(), start::toString);
        long pid = drover.pid("drover1");
        Procs.waitUntil("main to run", Procs.PATIENCE, () -> mainRuns() == 1, () -> drover.log("drover1"));

        Procs.signal(pid, "HUP");

        // Either outcome ends the wait: the HUP logged as ignored, or (the bug) main run again.
        Procs.waitUntil("the node to answer the HUP", Procs.PATIENCE,
                () -> drover.log("drover1").contains("SIGHUP ignored") || mainRuns() > 1
                        || drover.log("drover1").contains("restarted in place"),
                () -> drover.log("drover1"));
        assertTrue(drover.log("drover1").contains("SIGHUP ignored"), drover.log("drover1"));
        assertTrue(drover.log("drover1").contains("multi restart"), "the log says what to do instead:\n"
                + drover.log("drover1"));
        assertEquals(1, mainRuns(), drover.log("drover1"));
        assertTrue(Procs.alive(pid));
        assertEquals(pid, drover.pid("drover1"));
        Result status = drover.multi("status", "1");
        assertEquals(0, status.exitCode(), status::toString);

        Result stopwait = drover.multi("stopwait", "1");
        assertEquals(0, stopwait.exitCode(), stopwait::toString);
    }
}
