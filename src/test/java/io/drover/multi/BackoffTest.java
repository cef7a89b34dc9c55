package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static Backoff backoff(double random) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> random);
    }

    @Test
    void the_first_exit_in_a_row_is_started_again_at_once_and_the_delay_doubles_from_the_second() {
        Backoff none = backoff(0);
        long[] expected = {0, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], none.delay(i + 1).toMillis(), "exit " + (i + 1));
        }
    }

    @Test
    void the_first_exit_in_a_row_gets_no_jitter_either() {
        assertEquals(Duration.ZERO, backoff(0.999).delay(1));
    }

    @Test
    void jitter_takes_off_at_most_a_fifth_so_each_delay_is_longer_than_the_one_before_until_the_cap() {
        Backoff most = backoff(0.999);
        Backoff least = backoff(0);
        for (int i = 2; i < 6; i++) {
            assertTrue(most.delay(i + 1).compareTo(least.delay(i)) > 0, "exit " + (i + 1));
            assertTrue(most.delay(i).toMillis() >= least.delay(i).toMillis() * 4 / 5, "exit " + i);
        }
        assertTrue(most.delay(50).compareTo(Duration.ofSeconds(60)) <= 0);
    }

    @Test
    void a_maximum_below_the_first_delay_is_the_first_delay() {
        assertEquals(500, new Backoff(Duration.ofMillis(500), Duration.ofMillis(100), () -> 0).delay(3).toMillis());
    }
}
