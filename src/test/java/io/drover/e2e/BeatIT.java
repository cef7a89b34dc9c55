package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** drover beat through the built launcher, as the beat issue's acceptance list states it. */
class BeatIT extends DroverTest {
    private static final Pattern TICK = Pattern.compile("tick: demo\\.tick ran for due time (\\S+)");
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");

    private Drover.Result beat(Map<String, String> env, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("beat", "--detach", "--schedule=" + dir.resolve("s"),
                "--pidfile=" + dir.resolve("beat.pid"), "--logfile=" + dir.resolve("beat.log")));
        args.addAll(List.of(extra));
        return drover.run(env, args);
    }

    private String log() {
        return drover.log("beat");
    }

    private long beatPid() {
        return drover.pid("beat");
    }

    private void stop() {
        long pid = beatPid();
        Procs.signal(pid, "TERM");
        Procs.waitUntilGone(pid);
    }

    private static List<Instant> ticks(String log) {
        Matcher m = TICK.matcher(log);
        List<Instant> due = new java.util.ArrayList<>();
        while (m.find()) {
            due.add(Instant.parse(m.group(1)));
        }
        return due;
    }

    @Test
    void detached_beat_runs_the_demo_tick_job_every_second() {
        Drover.Result r = beat(Map.of());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(Procs.alive(beatPid()), "beat is not running");
        Procs.waitUntil("three runs of demo.tick", Procs.PATIENCE, () -> ticks(log()).size() >= 3, this::log);
        List<Instant> due = ticks(log());
        assertEquals(Duration.ofSeconds(1), Duration.between(due.get(0), due.get(1)), log());
        assertEquals(Duration.ofSeconds(1), Duration.between(due.get(1), due.get(2)), log());
    }

    @Test
    void a_second_identical_beat_refuses_and_leaves_the_first_alone() {
        assertEquals(0, beat(Map.of()).exitCode());
        long first = beatPid();
        Drover.Result second = beat(Map.of());
        assertNotEquals(0, second.exitCode(), second::toString);
        assertTrue(second.stderr().contains("already running (pid " + first + ")"), second::toString);
        assertEquals(first, beatPid());
        assertTrue(Procs.alive(first));
    }

    @Test
    void a_second_beat_on_the_same_schedule_with_another_pidfile_refuses() {
        assertEquals(0, beat(Map.of()).exitCode());
        long first = beatPid();
        Drover.Result second = drover.run("beat", "--detach", "--schedule=" + dir.resolve("s"),
                "--pidfile=" + dir.resolve("other.pid"), "--logfile=" + dir.resolve("other.log"));
        assertNotEquals(0, second.exitCode(), second::toString);
        assertTrue(second.stderr().contains("in use by another beat"), second::toString);
        assertFalse(Files.exists(dir.resolve("other.pid")), "the refused beat left its pidfile");
        assertTrue(Procs.alive(first));
    }

    @Test
    void term_stops_beat_removes_its_pidfile_and_the_schedule_file_holds_each_jobs_last_due_time() throws Exception {
        assertEquals(0, beat(Map.of()).exitCode());
        Procs.waitUntil("a run of demo.tick", Procs.PATIENCE, () -> !ticks(log()).isEmpty(), this::log);
        stop();
        assertFalse(Files.exists(dir.resolve("beat.pid")), "pidfile left after TERM");
        String schedule = Files.readString(dir.resolve("s"));
        assertTrue(schedule.contains("demo.tick\t"), schedule);
        assertTrue(log().contains("beat stopped"), log());
    }

    @Test
    void a_garbage_schedule_file_is_moved_aside_with_a_log_line_naming_it_and_beat_runs() throws Exception {
        Files.writeString(dir.resolve("s"), "\u0000garbage\n");
        Drover.Result r = beat(Map.of());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(log().contains("schedule file " + dir.resolve("s")), log());
        Procs.waitUntil("a run of demo.tick", Procs.PATIENCE, () -> !ticks(log()).isEmpty(), this::log);
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("s.corrupt-")), drover.files().toString());
        }
    }

    @Test
    void a_restart_does_not_run_a_job_again_for_the_due_time_it_already_ran() {
        String[] app = {"-A", "io.drover.fixtures.HourlyApp", "--classpath=" + Drover.testClasses()};
        assertEquals(0, beat(FORCE_ROOT, app).exitCode());
        Procs.waitUntil("the hourly job's first run", Procs.PATIENCE, () -> log().contains("hourly ran for due time"), this::log);
        stop();
        assertEquals(0, beat(FORCE_ROOT, app).exitCode());
        Procs.waitUntil("the second beat's schedule", Procs.PATIENCE,
                () -> log().split("scheduled fixture.hourly", -1).length == 3, this::log);
        String log = log();
        assertEquals(1, log.split("hourly ran for due time", -1).length - 1, log);
        Matcher first = Pattern.compile("hourly ran for due time (\\S+)").matcher(log);
        assertTrue(first.find());
        Instant due = Instant.parse(first.group(1));
        String secondSchedule = log.substring(log.lastIndexOf("scheduled fixture.hourly"));
        assertTrue(secondSchedule.contains("next due " + due.plus(Duration.ofHours(1))), secondSchedule);
    }

    @Test
    void a_job_still_running_is_not_started_twice_and_a_failing_job_is_logged_while_beat_goes_on() {
        Drover.Result r = beat(FORCE_ROOT, "-A", "io.drover.fixtures.SlowAndFailingJobsApp",
                "--classpath=" + Drover.testClasses());
        assertEquals(0, r.exitCode(), r::toString);
        Procs.waitUntil("a skipped overlapping run and a logged failure", Procs.PATIENCE,
                () -> log().contains("fixture.slow is still running: not starting it again")
                        && log().contains("IllegalStateException: fixture job failure")
                        && log().contains("slow job finished"), this::log);
        String log = log();
        assertTrue(log.contains("job fixture.failing (due"), log);
        assertTrue(log.contains("\tat io.drover.fixtures.SlowAndFailingJobsApp"), "no stack trace: " + log);
        assertTrue(Procs.alive(beatPid()), "beat died");
        int running = 0;
        for (String line : log.split("\n")) {
            running += line.contains("slow job started") ? 1 : line.contains("slow job finished") ? -1 : 0;
            assertTrue(running <= 1, "two runs of the slow job overlapped: " + log);
        }
    }

    @Test
    void an_application_class_without_periodic_jobs_is_refused_with_its_name() {
        Drover.Result r = beat(FORCE_ROOT, "-A", "io.drover.fixtures.MainClassApp", "--classpath=" + Drover.testClasses());
        assertNotEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("io.drover.fixtures.MainClassApp is not an io.drover.api.BeatSchedule"), r::toString);
        assertFalse(Files.exists(dir.resolve("beat.pid")));
    }

    /** The schedule file's first line (ScheduleStore.HEADER), as a user editing the file sees it. */
    private static final String SCHEDULE_HEADER = "# drover beat schedule v1: job<TAB>last due (epoch ms)\n";

    @Test
    void a_due_time_out_of_range_is_a_corrupt_entry_moved_aside_and_logged_and_the_job_runs() throws Exception {
        Files.writeString(dir.resolve("s"), SCHEDULE_HEADER + "demo.tick\t-9223372036854775808\n");
        Drover.Result r = beat(Map.of());
        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(r.output().contains("Exception"), r::toString);
        Procs.waitUntil("a run of demo.tick", Procs.PATIENCE, () -> !ticks(log()).isEmpty(), this::log);
        String log = log();
        assertTrue(log.contains("schedule file " + dir.resolve("s") + ": line 2 (demo.tick) has due time -9223372036854775808"),
                log);
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("s.corrupt-")), drover.files().toString());
        }
    }

    @Test
    void a_due_time_far_in_the_future_is_clamped_with_a_log_line_and_does_not_pause_the_job() throws Exception {
        Instant future = Instant.now().plus(Duration.ofDays(30));
        Files.writeString(dir.resolve("s"), SCHEDULE_HEADER + "demo.tick\t" + future.toEpochMilli() + "\n");
        Drover.Result r = beat(Map.of());
        assertEquals(0, r.exitCode(), r::toString);
        Procs.waitUntil("a run of demo.tick", Procs.PATIENCE, () -> !ticks(log()).isEmpty(), this::log);
        String log = log();
        assertTrue(log.contains("demo.tick: the last due time " + Instant.ofEpochMilli(future.toEpochMilli())), log);
        assertTrue(log.contains("clamped"), log);
        assertTrue(ticks(log).get(0).isBefore(future), log);
    }
}
