package io.drover.api;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A job {@code drover beat} runs periodically: every fixed interval, or on a cron schedule
 * (5 fields, as crontab(5): minute hour day-of-month month day-of-week), in a time zone.
 *
 * <pre>{@code
 * PeriodicJob.every("reports.flush", Duration.ofSeconds(30), run -> flush());
 * PeriodicJob.cron("reports.nightly", "15 2 * * *", run -> nightly()).in(ZoneId.of("Europe/Paris"));
 * }</pre>
 */
public final class PeriodicJob {
    private final String name;
    private final Duration interval;
    private final String cron;
    private final ZoneId zone;
    private final JobTask task;

    private PeriodicJob(String name, Duration interval, String cron, ZoneId zone, JobTask task) {
        if (name == null || name.isBlank() || name.chars().anyMatch(c -> c == '\t' || c == '\n' || c == '\r')) {
            throw new IllegalArgumentException("a job name must be non-blank, without tabs or newlines: '" + name + "'");
        }
        this.name = name;
        this.interval = interval;
        this.cron = cron;
        this.zone = Objects.requireNonNull(zone, "zone");
        this.task = Objects.requireNonNull(task, "task");
    }

    /** A job due every {@code interval}, first right when beat starts (if it never ran). */
    public static PeriodicJob every(String name, Duration interval, JobTask task) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("job " + name + ": the interval must be positive, got " + interval);
        }
        return new PeriodicJob(name, interval, null, ZoneId.systemDefault(), task);
    }

    /** A job due at the times of a 5-field cron expression, such as {@code "*&#47;5 * * * *"}. */
    public static PeriodicJob cron(String name, String expression, JobTask task) {
        return new PeriodicJob(name, null, Objects.requireNonNull(expression, "expression"), ZoneId.systemDefault(), task);
    }

    /** The same job, with cron times read in {@code zone} (default: the system's zone). */
    public PeriodicJob in(ZoneId zone) {
        return new PeriodicJob(name, interval, cron, zone, task);
    }

    public String name() {
        return name;
    }

    /** The interval, or null for a cron job. */
    public Duration interval() {
        return interval;
    }

    /** The cron expression, or null for an interval job. */
    public String cron() {
        return cron;
    }

    public ZoneId zone() {
        return zone;
    }

    public JobTask task() {
        return task;
    }

    @Override
    public String toString() {
        return name + (cron != null ? " (cron '" + cron + "' " + zone + ")" : " (every " + interval + ")");
    }
}
