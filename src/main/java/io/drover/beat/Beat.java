package io.drover.beat;

import io.drover.api.BeatSchedule;
import io.drover.api.JobRun;
import io.drover.api.NodeApp;
import io.drover.api.NodeContext;
import io.drover.api.PeriodicJob;
import io.drover.api.Shutdown;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The scheduler {@code drover beat} runs, as the node's application: the node supplies the
 * pidfile, logfile, privileges, signals and the start handshake, exactly as for a worker.
 * One thread decides what is due and records each due time in the schedule file before the
 * job runs (at most once per due time, even across a crash); jobs run on their own threads.
 */
public final class Beat implements NodeApp {

    /**
     * @param schedule the schedule file
     * @param maxInterval the longest beat sleeps between looks at the schedule
     * @param catchUp whether due times missed while beat was down run once at start
     * @param stopTimeout how long a warm stop waits for running jobs
     */
    public record Settings(Path schedule, Duration maxInterval, boolean catchUp, Duration stopTimeout) {}

    private final Settings settings;
    private final BeatSchedule schedule;
    private final Clock clock;
    private final Object lock = new Object();
    private final List<Entry> entries = new ArrayList<>();
    private volatile boolean stopping;
    private ExecutorService jobs;
    private Thread scheduler;
    private ScheduleStore store;
    private Logger log;

    public Beat(Settings settings, BeatSchedule schedule, Clock clock) {
        this.settings = settings;
        this.schedule = schedule;
        this.clock = clock;
    }

    private static final class Entry {
        final PeriodicJob job;
        final DueTimes times;
        final AtomicBoolean running = new AtomicBoolean();
        Instant nextDue;

        Entry(PeriodicJob job) {
            this.job = job;
            this.times = new DueTimes(job);
        }
    }

    @Override
    public void start(NodeContext context) {
        log = context.logger();
        List<PeriodicJob> declared = schedule.jobs();
        Set<String> names = new HashSet<>();
        for (PeriodicJob job : declared) {
            if (!names.add(job.name())) {
                throw new DroverException(ExitCode.NODE_FAILED, "two periodic jobs are named " + job.name());
            }
            entries.add(new Entry(job));
        }
        store = ScheduleStore.open(settings.schedule(), log::warn);
        Instant now = now();
        for (Entry e : entries) {
            Instant last = store.lastDue(e.job.name());
            if (e.times.isBeyondNext(last, now)) {
                log.warn("{}: the last due time {} recorded in {} is beyond its next due time {} (now {}): the clock"
                        + " was set back or the file was edited; clamped: next due {} instead of a pause until then",
                        e.job.name(), last, settings.schedule(), e.times.after(now), now, e.times.after(now));
            }
            e.nextDue = e.times.first(last, now, settings.catchUp());
            if (last != null && settings.catchUp() && !e.nextDue.isAfter(now)) {
                log.info("{}: due times since {} were missed while beat was down; running it once now", e.job.name(), last);
            }
            log.info("scheduled {}: next due {}", e.job, e.nextDue);
        }
        jobs = Executors.newCachedThreadPool(r -> new Thread(r, "beat-job"));
        scheduler = new Thread(this::loop, "beat-scheduler");
        scheduler.start();
        log.info("beat started: {} periodic jobs, schedule {}", entries.size(), settings.schedule());
        context.ready();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void loop() {
        synchronized (lock) {
            while (!stopping) {
                Instant now = now();
                Instant earliest = now.plus(settings.maxInterval());
                for (Entry e : entries) {
                    if (!e.nextDue.isAfter(now)) {
                        dispatch(e, e.nextDue);
                        e.nextDue = e.times.next(e.nextDue, now);
                    }
                    if (e.nextDue.isBefore(earliest)) {
                        earliest = e.nextDue;
                    }
                }
                long waitMillis = Math.max(1, Duration.between(now(), earliest).toMillis());
                try {
                    lock.wait(waitMillis); // a scheduler's timed wait; stop() notifies
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void dispatch(Entry e, Instant due) {
        if (!e.running.compareAndSet(false, true)) {
            log.warn("{} is still running: not starting it again for due time {}", e.job.name(), due);
            return;
        }
        try {
            store.record(e.job.name(), due);
        } catch (DroverException ex) {
            e.running.set(false);
            log.error("{}: not run for due time {}: {}", e.job.name(), due, ex.getMessage());
            return;
        }
        log.info("sending due job {} (due {})", e.job.name(), due);
        JobRun run = new JobRun() {
            @Override
            public String name() {
                return e.job.name();
            }

            @Override
            public Instant due() {
                return due;
            }

            @Override
            public Logger logger() {
                return log;
            }
        };
        jobs.execute(() -> {
            try {
                e.job.task().run(run);
            } catch (Throwable t) {
                log.error("job {} (due {}) failed", e.job.name(), due, t);
            } finally {
                e.running.set(false);
            }
        });
    }

    @Override
    public void stop(Shutdown mode) throws InterruptedException {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        if (scheduler != null) {
            scheduler.join();
        }
        if (jobs != null) {
            if (mode == Shutdown.COLD) {
                jobs.shutdownNow();
            } else {
                jobs.shutdown();
                if (!jobs.awaitTermination(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("jobs still running after --stop-timeout {} s; stopping without them",
                            settings.stopTimeout().toSeconds());
                    jobs.shutdownNow();
                }
            }
        }
        if (store != null) {
            store.close();
        }
        log.info("beat stopped");
    }
}
