package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.e2e.Drover.Result;
import io.drover.fixtures.FailsWithCauseApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 4: an exception thrown by an application's start reaches the terminal with its
 * frames and {@code Caused by} chain under {@code --verbose}, and the node's log always; without
 * {@code --verbose} the terminal gets one line.
 */
class StartFailureTraceIT extends DroverTest {
    private static final String HOST = Drover.hostname();
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");
    private static final String FRAME = "at " + FailsWithCauseApp.class.getName() + ".start(";
    private static final String CAUSE_FRAME = "at " + FailsWithCauseApp.class.getName() + ".connect(";
    private static final String CAUSED_BY = "Caused by: java.io.IOException: " + FailsWithCauseApp.CAUSE;

    private static String app() {
        return FailsWithCauseApp.class.getName();
    }

    private static void assertHasTrace(String text, Object context) {
        for (String part : List.of(FRAME, CAUSED_BY, CAUSE_FRAME, FailsWithCauseApp.MESSAGE)) {
            assertTrue(text.contains(part), () -> "expected '" + part + "' in:\n" + context);
        }
    }

    private static void assertNoTrace(Result r) {
        assertFalse(r.output().contains("Caused by"), r::toString);
        assertFalse(r.output().lines().anyMatch(l -> l.strip().startsWith("at ")), r::toString);
    }

    @Test
    void multi_start_verbose_prints_the_applications_stack_trace_with_its_cause_and_the_log_has_it_too() {
        Result start = drover.multi(FORCE_ROOT, "start", "1", "-A", app(), "--classpath=" + Drover.testClasses(),
                "--verbose");

        assertEquals(1, start.exitCode(), start::toString);
        String line = start.lineFor("drover1@" + HOST);
        assertTrue(line.contains("FAILED") && line.contains(FailsWithCauseApp.MESSAGE), start::toString);
        assertHasTrace(start.output(), start);
        assertHasTrace(drover.log("drover1"), drover.log("drover1"));
    }

    @Test
    void multi_start_without_verbose_prints_one_line_and_the_log_still_has_the_trace() {
        Result start = drover.multi(FORCE_ROOT, "start", "1", "-A", app(), "--classpath=" + Drover.testClasses());

        assertEquals(1, start.exitCode(), start::toString);
        assertTrue(start.lineFor("drover1@" + HOST).contains(FailsWithCauseApp.MESSAGE), start::toString);
        assertNoTrace(start);
        assertHasTrace(drover.log("drover1"), drover.log("drover1"));
    }

    @Test
    void worker_detach_verbose_prints_the_trace_on_stderr() {
        Result r = drover.run(FORCE_ROOT, List.of("worker", "--detach", "--verbose", "-n", "w1@%h", "-A", app(),
                "--classpath=" + Drover.testClasses(), drover.pidfileOption(), drover.logfileOption()));

        assertEquals(1, r.exitCode(), r::toString);
        assertHasTrace(r.stderr(), r);
        assertHasTrace(drover.log("w1"), drover.log("w1"));
    }

    @Test
    void worker_in_the_foreground_verbose_prints_the_trace_on_stderr_and_without_it_one_line() {
        List<String> args = List.of("worker", "-n", "w1@%h", "-A", app(), "--classpath=" + Drover.testClasses(),
                drover.pidfileOption(), drover.logfileOption());
        List<String> verbose = new java.util.ArrayList<>(args);
        verbose.add("--verbose");

        Result loud = drover.run(FORCE_ROOT, verbose);
        Result quiet = drover.run(FORCE_ROOT, args);

        assertEquals(1, loud.exitCode(), loud::toString);
        assertHasTrace(loud.stderr(), loud);
        assertEquals(1, quiet.exitCode(), quiet::toString);
        assertTrue(quiet.stderr().contains(FailsWithCauseApp.MESSAGE), quiet::toString);
        assertEquals(1, quiet.stderr().lines().count(), quiet::toString);
        assertNoTrace(quiet);
    }
}
