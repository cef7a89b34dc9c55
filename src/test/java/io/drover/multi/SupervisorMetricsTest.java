package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** supervise's {@code drover_node_last_exit_code}: the number in drover's words for an end, as a shell gives it. */
class SupervisorMetricsTest {

    @Test
    void an_exit_is_its_status_and_a_signal_128_plus_its_number() {
        assertEquals(0.0, SupervisorMetrics.exitCode("status 0"));
        assertEquals(3.0, SupervisorMetrics.exitCode("status 3"));
        assertEquals(137.0, SupervisorMetrics.exitCode("signal 9"));
    }

    @Test
    void no_end_yet_or_words_without_a_number_give_no_sample() {
        assertNull(SupervisorMetrics.exitCode(null));
        assertNull(SupervisorMetrics.exitCode("did not start: --health-port 80: cannot listen: Permission denied"));
        assertNull(SupervisorMetrics.exitCode("after TERM from drover"));
    }
}
