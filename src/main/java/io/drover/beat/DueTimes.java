package io.drover.beat;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.drover.api.PeriodicJob;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;

/**
 * When a job is due, as a pure function of its schedule, its last due time and now. Interval
 * jobs are anchored on their last due time (not on when the last run happened to start), so
 * a slow run does not make the schedule drift.
 */
final class DueTimes {
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final PeriodicJob job;
    private final ExecutionTime cron;

    DueTimes(PeriodicJob job) {
        this.job = job;
        if (job.cron() != null) {
            try {
                this.cron = ExecutionTime.forCron(CRON.parse(job.cron()).validate());
            } catch (IllegalArgumentException e) {
                throw new DroverException(ExitCode.NODE_FAILED, "job " + job.name() + ": cron expression '" + job.cron()
                        + "' is not valid: " + e.getMessage());
            }
        } else {
            this.cron = null;
        }
    }

    /**
     * The first due time at start.
     *
     * @param lastDue the last due time recorded in the schedule file, or null if the job never ran
     * @param catchUp whether due times missed while beat was down run once now
     */
    Instant first(Instant lastDue, Instant now, boolean catchUp) {
        if (lastDue == null) {
            return job.interval() != null ? now : after(now);
        }
        if (isBeyondNext(lastDue, now)) {
            return after(now);
        }
        Instant next = after(lastDue);
        if (!next.isAfter(now)) {
            return catchUp ? latestUpTo(lastDue, now) : after(now);
        }
        return next;
    }

    /**
     * Whether a recorded last due time lies beyond the job's next natural due time, the first
     * one after now. Only a clock that was set back, or an edited file, puts it there; taken as
     * it is, it would pause the job until then, silently. {@link #first} clamps it to that
     * natural due time instead (without computing anything from it, so no time is too far).
     */
    boolean isBeyondNext(Instant lastDue, Instant now) {
        return lastDue != null && lastDue.isAfter(after(now));
    }

    /**
     * The due time after a run for {@code due}: the next one, or, if beat fell behind by more than
     * one, the latest one missed, so missed runs collapse into one.
     */
    Instant next(Instant due, Instant now) {
        Instant next = after(due);
        return next.isAfter(now) ? next : latestUpTo(due, now);
    }

    /** The first due time strictly after {@code t}. */
    Instant after(Instant t) {
        if (job.interval() != null) {
            return t.plus(job.interval());
        }
        ZonedDateTime z = t.atZone(job.zone());
        return cron.nextExecution(z).map(ZonedDateTime::toInstant)
                .orElseThrow(() -> new DroverException(ExitCode.NODE_FAILED, "job " + job.name()
                        + ": cron expression '" + job.cron() + "' has no time after " + z));
    }

    /** The latest due time after {@code last} and not after {@code now} (assumes one exists). */
    private Instant latestUpTo(Instant last, Instant now) {
        if (job.interval() != null) {
            // not in nanoseconds: those overflow a long after 292 years
            long steps = Duration.between(last, now).dividedBy(job.interval());
            return last.plus(job.interval().multipliedBy(Math.max(1, steps)));
        }
        Instant latest = cron.lastExecution(now.plusNanos(1).atZone(job.zone()))
                .map(ZonedDateTime::toInstant).orElse(now);
        return latest.isAfter(last) ? latest : after(last);
    }
}
