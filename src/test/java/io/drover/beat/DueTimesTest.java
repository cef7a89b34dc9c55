package io.drover.beat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.api.PeriodicJob;
import io.drover.core.DroverException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DueTimesTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    private static DueTimes every(Duration d) {
        return new DueTimes(PeriodicJob.every("job", d, run -> { }));
    }

    private static DueTimes cron(String expr) {
        return new DueTimes(PeriodicJob.cron("job", expr, run -> { }).in(ZoneOffset.UTC));
    }

    @Test
    void an_interval_job_that_never_ran_is_due_at_start() {
        assertEquals(T0, every(Duration.ofSeconds(5)).first(null, T0, true));
    }

    @Test
    void an_interval_job_is_next_due_one_interval_after_its_last_due_time() {
        assertEquals(T0.plusSeconds(5), every(Duration.ofSeconds(5)).first(T0, T0.plusSeconds(2), true));
    }

    @Test
    void a_restart_within_the_interval_does_not_make_the_last_due_time_due_again() {
        Instant next = every(Duration.ofHours(1)).first(T0, T0.plusMillis(300), true);
        assertEquals(T0.plusSeconds(3600), next);
    }

    @Test
    void missed_interval_runs_collapse_into_one_run_for_the_latest_missed_due_time() {
        Instant now = T0.plusSeconds(47);
        assertEquals(T0.plusSeconds(45), every(Duration.ofSeconds(5)).first(T0, now, true));
    }

    @Test
    void without_catch_up_missed_runs_are_skipped_to_the_next_due_time_after_now() {
        Instant now = T0.plusSeconds(47);
        assertEquals(T0.plusSeconds(52), every(Duration.ofSeconds(5)).first(T0, now, false));
    }

    @Test
    void a_cron_job_that_never_ran_is_due_at_its_next_time() {
        assertEquals(Instant.parse("2026-11-27T10:15:00Z"), cron("15 * * * *").first(null, T0.plusSeconds(60), true));
    }

    @Test
    void a_cron_job_missed_while_down_runs_once_for_its_latest_time() {
        Instant last = Instant.parse("2026-11-27T07:15:00Z");
        assertEquals(Instant.parse("2026-11-27T09:15:00Z"), cron("15 * * * *").first(last, T0, true));
    }

    @Test
    void after_a_run_that_fell_behind_the_next_due_time_is_the_latest_missed_one() {
        DueTimes times = every(Duration.ofSeconds(1));
        assertEquals(T0.plusSeconds(10), times.next(T0, T0.plusMillis(10_500)));
        assertEquals(T0.plusSeconds(1), times.next(T0, T0.plusMillis(200)));
    }

    @Test
    void an_invalid_cron_expression_is_refused_with_the_job_name() {
        DroverException e = assertThrows(DroverException.class, () -> cron("61 * * * *"));
        assertEquals(true, e.getMessage().contains("job job") && e.getMessage().contains("61 * * * *"), e.getMessage());
    }

    @Test
    void a_last_due_time_beyond_the_next_natural_due_time_is_clamped_to_it() {
        DueTimes times = every(Duration.ofHours(1));
        Instant fromTheFuture = T0.plus(Duration.ofDays(10));
        assertTrue(times.isBeyondNext(fromTheFuture, T0));
        assertEquals(T0.plusSeconds(3600), times.first(fromTheFuture, T0, true));
        assertEquals(T0.plusSeconds(3600), times.first(fromTheFuture, T0, false));
    }

    @Test
    void a_cron_job_whose_last_due_time_is_in_year_9999_is_next_due_at_its_next_time_after_now() {
        DueTimes times = cron("15 * * * *");
        Instant far = Instant.parse("9999-12-31T23:15:00Z");
        assertTrue(times.isBeyondNext(far, T0));
        assertEquals(Instant.parse("2026-11-27T10:15:00Z"), times.first(far, T0, true));
    }

    @Test
    void a_last_due_time_a_moment_after_now_is_kept_when_it_is_before_the_next_natural_due_time() {
        // a clock stepped back by a second: the schedule keeps its anchor, nothing is clamped
        DueTimes times = every(Duration.ofHours(1));
        Instant last = T0.plusSeconds(1);
        assertFalse(times.isBeyondNext(last, T0));
        assertEquals(last.plusSeconds(3600), times.first(last, T0, true));
    }

    @Test
    void a_job_that_never_ran_or_ran_in_the_past_is_not_beyond_its_next_due_time() {
        assertFalse(every(Duration.ofSeconds(5)).isBeyondNext(null, T0));
        assertFalse(every(Duration.ofSeconds(5)).isBeyondNext(T0.minusSeconds(3), T0));
        assertFalse(cron("15 * * * *").isBeyondNext(T0.plusSeconds(60), T0));
    }

    @Test
    void catching_up_from_1970_over_five_centuries_does_not_overflow() {
        Instant now = Instant.parse("2500-01-01T00:00:00.500Z");
        assertEquals(Instant.parse("2500-01-01T00:00:00Z"), every(Duration.ofSeconds(1)).first(Instant.EPOCH, now, true));
        assertEquals(now.minusMillis(500), every(Duration.ofSeconds(1)).next(Instant.EPOCH, now));
    }
}
