package io.drover.demo;

import io.drover.api.BeatSchedule;
import io.drover.api.NodeApp;
import io.drover.api.NodeContext;
import io.drover.api.PeriodicJob;
import io.drover.api.Shutdown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * The application a node runs when no {@code -A} is given, so every command works out of the
 * box: {@code -c} threads each run one job after another, a log line when a job starts and when
 * it is done, each job taking a second or so. A warm shutdown lets every job in flight finish
 * and says so; a cold one abandons them. Run by {@code drover beat}, it has two periodic jobs:
 * {@code demo.tick} every second and {@code demo.minutely} on the cron schedule {@code * * * * *}.
 */
public final class DemoApp implements NodeApp, BeatSchedule {
    private final AtomicInteger jobs = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private Logger log;

    @Override
    public void start(NodeContext context) {
        log = context.logger();
        String queue = context.queues().isEmpty() ? "default" : String.join(",", context.queues());
        for (int i = 1; i <= context.concurrency(); i++) {
            Thread t = new Thread(() -> work(queue), "demo-" + i);
            threads.add(t);
            t.start();
        }
        log.info("demo application started: {} threads consuming {}", context.concurrency(), queue);
        context.ready();
    }

    private void work(String queue) {
        while (!stopping) {
            int job = jobs.incrementAndGet();
            log.info("job {} started (queue {})", job, queue);
            long millis = 800 + ThreadLocalRandom.current().nextLong(400);
            try {
                Thread.sleep(millis); // the job's work
            } catch (InterruptedException e) {
                log.warn("job {} abandoned: cold shutdown", job);
                return;
            }
            if (stopping) {
                log.info("job {} done in {} ms: finished in flight during warm shutdown", job, millis);
            } else {
                log.info("job {} done in {} ms", job, millis);
            }
        }
    }

    @Override
    public List<PeriodicJob> jobs() {
        return List.of(
                PeriodicJob.every("demo.tick", Duration.ofSeconds(1),
                        run -> run.logger().info("tick: {} ran for due time {}", run.name(), run.due())),
                PeriodicJob.cron("demo.minutely", "* * * * *",
                        run -> run.logger().info("minutely: {} ran for due time {}", run.name(), run.due())));
    }

    @Override
    public void stop(Shutdown mode) throws InterruptedException {
        stopping = true;
        if (mode == Shutdown.COLD) {
            threads.forEach(Thread::interrupt);
        } else {
            log.info("warm shutdown: letting the jobs in flight finish");
        }
        for (Thread t : threads) {
            t.join();
        }
        log.info("{} shutdown complete after {} jobs", mode == Shutdown.WARM ? "warm" : "cold", jobs.get());
    }
}
