package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.UsageException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecondsTest {
    @Test
    void zero_is_no_limit_for_every_timeout_and_the_spawner_gets_a_century_for_it() {
        assertEquals(Duration.ZERO, Seconds.parse("--timeout", "0"));
        assertEquals(Duration.ZERO, Seconds.parse("--start-timeout", "0.0"));
        assertEquals(Seconds.NO_LIMIT, Seconds.startTimeout(Seconds.parse("--start-timeout", "0")));
        assertEquals(Duration.ofSeconds(30), Seconds.startTimeout(Seconds.parse("--start-timeout", "30")));
    }

    @Test
    void a_tiny_positive_value_is_a_millisecond_not_zero_and_a_huge_one_is_no_limit() {
        assertEquals(Duration.ofMillis(1), Seconds.parse("--timeout", "0.0001"));
        assertEquals(Duration.ofMillis(1500), Seconds.parse("--timeout", "1.5"));
        assertEquals(Seconds.NO_LIMIT, Seconds.parse("--timeout", "1e300"));
        // a clock reading in nanoseconds plus the limit stays a long
        assertTrue(Long.MAX_VALUE - Seconds.NO_LIMIT.toNanos() > System.nanoTime());
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"-1", "-0.5", "NaN", "Infinity", "-Infinity", "ten", ""})
    void anything_but_a_finite_number_of_seconds_of_0_or_more_is_a_usage_error_naming_it(String value) {
        UsageException e = assertThrows(UsageException.class, () -> Seconds.parse("--start-timeout", value));
        assertTrue(e.getMessage().startsWith("--start-timeout " + value + " "), e.getMessage());
    }

    @Test
    void the_worker_takes_the_same_values_picocli_converted() {
        assertEquals(Duration.ZERO, Seconds.of("--start-timeout", 0.0, "0"));
        assertThrows(UsageException.class, () -> Seconds.of("--start-timeout", Double.NaN, "NaN"));
    }
}
