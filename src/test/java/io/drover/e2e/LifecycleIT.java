package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.e2e.Drover.Result;
import io.drover.fixtures.IgnoresTermApp;
import io.drover.fixtures.MainClassApp;
import io.drover.fixtures.ThrowsAfterOneSecondApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 3's acceptance list, end to end: every test runs the built launcher
 * ({@code target/drover/bin/drover}) as a user would, with real node JVMs whose pidfiles and
 * logs live in the test's own temporary directory {@code D}. Nothing is synchronized by sleeping:
 * a test waits for a log line, a pidfile or a pid with a deadline. Whatever a test leaves
 * running, even when it fails, {@link #killEverythingTheTestStarted} SIGKILLs.
 *
 * <p>Three tests pin bugs that depend on timing ({@code a_failed_start_returns_only_after...},
 * {@code ..._still_tearing_down}): each widens or repeats the window until it shows, and
 * cannot fail once the bug is fixed. The acceptance tests themselves wait for a dead node to
 * have fully exited before they look, so those bugs do not make them flaky.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LifecycleIT {
    private static final String HOST = Drover.hostname();
    /** An application (-A) as root needs this (docs/design.md, "Root is refused for applications"); harmless for other users. */
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");
    private static final Pattern JOB_DONE = Pattern.compile("job \\d+ done");
    private static final Pattern JOB_STARTED = Pattern.compile("job \\d+ started");

    @TempDir
    Path tmp;

    private Drover d;

    @BeforeEach
    void newDirectory() {
        d = new Drover(tmp);
    }

    @AfterEach
    void killEverythingTheTestStarted() {
        d.cleanup();
    }

    private static String node(int i) {
        return "drover" + i + "@" + HOST;
    }

    private static void assertExit(int expected, Result r) {
        assertEquals(expected, r.exitCode(), r::toString);
    }

    private static void assertContains(String haystack, String needle, Result context) {
        assertTrue(haystack.contains(needle), () -> "expected '" + needle + "' in '" + haystack + "'\n" + context);
    }

    private void awaitLog(String name, String what, Predicate<String> condition) {
        Procs.waitUntil(name + ".log to show " + what, Procs.PATIENCE, () -> condition.test(d.log(name)),
                () -> "log:\n" + d.log(name));
    }

    private void awaitNoProcessLeft() {
        Procs.waitUntil("no process of this test to be left", Procs.PATIENCE, () -> d.processes().isEmpty(),
                () -> "alive: " + d.processes().stream().map(p -> p + " " + Procs.cmdline(p)).toList());
    }

    private static List<String> sublistAfter(List<String> argv, String option) {
        int at = argv.indexOf(option);
        return at < 0 || at + 1 >= argv.size() ? List.of() : argv.subList(at, at + 2);
    }

    @Test
    void start_3_runs_three_detached_session_leaders_that_status_lists_and_stopwait_removes() {
        Result start = d.multi("start", "3", "-c", "1");

        assertExit(0, start);
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            assertContains(start.stdout(), "> " + node(i) + ": OK", start);
            long pid = d.pid("drover" + i);
            assertTrue(Procs.alive(pid), "pid " + pid + " of drover" + i + " is alive");
            assertEquals(pid, Procs.sessionId(pid), "drover" + i + " leads its own session");
            pids.add(pid);
        }
        assertEquals(3, new HashSet<>(pids).size(), "three distinct pids: " + pids);
        for (int i = 1; i <= 3; i++) {
            awaitLog("drover" + i, "the demo at work", log -> log.contains("job ") && JOB_DONE.matcher(log).find());
        }

        Result status = d.multi("status", "3");
        assertExit(0, status);
        for (int i = 1; i <= 3; i++) {
            String line = status.lineFor(node(i));
            assertContains(line, "running", status);
            assertContains(line, "pid " + pids.get(i - 1), status);
        }

        Result stopwait = d.multi("stopwait", "3");
        assertExit(0, stopwait);
        assertEquals(List.of(), Procs.living(pids), "stopwait returned with live nodes");
        assertEquals(List.of(), d.pidfiles(), "stopwait left pidfiles");
        assertEquals(Set.of(), d.processes(), "stopwait left processes");
    }

    @Test
    void start_of_a_missing_application_class_fails_every_node_naming_the_class() {
        Result start = d.multi(FORCE_ROOT, "start", "2", "-c", "1", "-A", "com.example.Missing");

        assertExit(1, start);
        for (int i = 1; i <= 2; i++) {
            String line = start.lineFor(node(i));
            assertContains(line, "FAILED", start);
            assertContains(line, "com.example.Missing", start);
        }
        awaitNoProcessLeft();
        assertEquals(List.of(), d.pidfiles(), "a node that failed left its pidfile");
    }

    /**
     * A node that reported FAILED must be rid of its pidfile before {@code multi start} returns:
     * a script that checks the pidfile, or a second {@code start} run at once, would otherwise
     * see a locked pidfile ("running", "already running") of a node in the middle of dying.
     * The other tests wait for the failed nodes to exit before they look; this one looks at
     * once. The window is short and only sometimes hit (about one failing start of four nodes
     * in eight on this machine), so it repeats the start ({@code -Ddrover.it.race.attempts},
     * default 20) and fails the first time it sees a pidfile left. It cannot fail by chance:
     * once the node removes its pidfile before it reports, nothing is left to see.
     */
    @Test
    void a_failed_start_returns_only_after_the_failed_nodes_removed_their_pidfiles() {
        int attempts = Integer.getInteger("drover.it.race.attempts", 20);
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Result start = d.multi(FORCE_ROOT, "start", "4", "-q", "-A", "com.example.Missing");
            List<Path> left = d.pidfiles();
            assertExit(1, start);
            int n = attempt;
            assertEquals(List.of(), left, () -> "attempt " + n + ": multi start returned FAILED while these pidfiles"
                    + " still existed:\n" + start);
            awaitNoProcessLeft();
        }
    }

    @Test
    void start_of_an_application_as_root_without_force_root_exits_77_naming_both_fixes() {
        assumeTrue(Drover.runningAsRoot(), "only root is refused");

        Result start = d.multi("start", "2", "-c", "1", "-A", "com.example.Missing");

        assertExit(77, start);
        assertContains(start.stderr(), "DROVER_FORCE_ROOT", start);
        assertContains(start.stderr(), "--uid", start);
        assertFalse(start.stdout().contains("OK"), start::toString);
        assertEquals(List.of(), d.files(), "a refused start created files");
        assertEquals(Set.of(), d.processes(), "a refused start spawned processes");
    }

    @Test
    void start_of_an_application_that_throws_after_one_second_prints_failed_with_its_message_never_ok() {
        Result start = d.multi(FORCE_ROOT, "start", "1", "-A", ThrowsAfterOneSecondApp.class.getName(),
                "--classpath=" + Drover.testClasses());

        assertExit(1, start);
        String line = start.lineFor(node(1));
        assertContains(line, "FAILED", start);
        assertContains(line, "database unreachable", start);
        assertFalse(start.stdout().contains(": OK"), start::toString);
        awaitNoProcessLeft();
        assertEquals(List.of(), d.pidfiles(), "a node whose start threw left its pidfile");
    }

    @Test
    void a_node_killed_with_sigkill_makes_status_exit_1_and_start_restarts_only_that_node() {
        assertExit(0, d.multi("start", "3", "-c", "1"));
        long p1 = d.pid("drover1");
        long p2 = d.pid("drover2");
        long p3 = d.pid("drover3");

        Procs.signal(p2, "KILL");
        Procs.waitUntilGone(p2);

        Result status = d.multi("status", "3");
        assertExit(1, status);
        assertContains(status.lineFor(node(2)), "dead", status);
        assertContains(status.lineFor(node(1)), "running", status);
        assertContains(status.lineFor(node(3)), "running", status);

        Result again = d.multi("start", "3", "-c", "1");
        assertExit(0, again);
        assertContains(again.lineFor(node(1)), "already running (pid " + p1 + ")", again);
        assertContains(again.lineFor(node(3)), "already running (pid " + p3 + ")", again);
        assertContains(again.lineFor(node(2)), ": OK", again);
        long p2again = d.pid("drover2");
        assertNotEquals(p2, p2again, "drover2 runs under a new pid");
        assertTrue(Procs.alive(p2again));
        assertEquals(p1, d.pid("drover1"), "drover1 untouched");
        assertEquals(p3, d.pid("drover3"), "drover3 untouched");
        assertTrue(Procs.alive(p1) && Procs.alive(p3), "the other nodes still run");
    }

    @ParameterizedTest(name = "stop {0}")
    @ValueSource(strings = {"-9", "-KILL", "-SIGKILL"})
    void stop_with_a_kill_signal_delivers_sigkill_leaving_a_stale_pidfile_that_status_reports_dead(String signal) {
        assertExit(0, d.multi("start", "1", "-c", "1"));
        long pid = d.pid("drover1");
        awaitLog("drover1", "a job in flight", log -> JOB_STARTED.matcher(log).find());

        Result stop = d.multi("stop", signal, "1");

        assertExit(0, stop);
        assertContains(stop.lineFor(node(1)), "KILL -> " + pid, stop);
        Procs.waitUntilGone(pid);
        String log = d.log("drover1");
        assertFalse(log.contains("warm shutdown"), () -> "SIGKILL let the node shut down warm:\n" + log);
        assertFalse(log.contains("cold shutdown"), () -> "SIGKILL let the node shut down cold:\n" + log);
        assertEquals(pid, d.pid("drover1"), "a SIGKILLed node cannot remove its pidfile: it stays, stale");

        Result status = d.multi("status", "1");
        assertExit(1, status);
        assertContains(status.lineFor(node(1)), "dead", status);
    }

    @Test
    void multi_kill_delivers_sigkill_and_waits_until_the_node_is_gone() {
        assertExit(0, d.multi("start", "1", "-c", "1"));
        long pid = d.pid("drover1");
        awaitLog("drover1", "a job in flight", log -> JOB_STARTED.matcher(log).find());

        Result kill = d.multi("kill", "1");

        assertExit(0, kill);
        assertTrue(kill.linesFor(node(1)).stream().anyMatch(l -> l.contains("KILL -> " + pid)), kill::toString);
        assertFalse(Procs.alive(pid), "kill returned while the node is alive");
        assertFalse(d.log("drover1").contains("warm shutdown"), () -> "not a SIGKILL:\n" + d.log("drover1"));
        assertFalse(d.log("drover1").contains("cold shutdown"), () -> "not a SIGKILL:\n" + d.log("drover1"));
        // Whether kill removed the pidfile depends on timing here: see the tearing-down tests.
    }

    /**
     * A command that signals loads jnr-posix as one that starts does: on a thread of its own,
     * binding libc by reflection (jnr-ffi's generated stubs cost a stop ~100 ms more).
     */
    @ParameterizedTest(name = "multi {0}")
    @ValueSource(strings = {"stop", "stopwait", "kill"})
    void a_command_that_signals_binds_libc_by_reflection(String subcommand) throws IOException {
        assertExit(0, d.multi("start", "1", "-c", "1"));
        long pid = d.pid("drover1");
        Path classes = tmp.resolve("classes.log");

        Result r = d.multi(Map.of("DROVER_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), subcommand, "1");

        assertExit(0, r);
        assertContains(r.stdout(), "-> " + pid, r);
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains(" jnr.ffi.provider.jffi.ReflectionLibraryLoader "), "jnr's reflective loader");
        assertFalse(loaded.contains(" jnr.ffi.provider.jffi.AsmLibraryLoader "), "jnr's stub generator was loaded");
        Procs.waitUntil("drover1 to be gone", Procs.PATIENCE, () -> !Procs.alive(pid), () -> "pid " + pid);
    }

    /**
     * multi start lets a few nodes at a time through their own start-up (the start window, about
     * the core count), but a node leaves the window when its application starts: applications
     * that wait on I/O (a broker, a database) all wait at once. Here more nodes than the window
     * holds all reach their application's start before any is ready.
     */
    @Test
    void nodes_whose_application_waits_all_wait_at_once_whatever_the_start_window() throws Exception {
        int nodes = Math.max(2, Runtime.getRuntime().availableProcessors()) + 2;
        Path go = tmp.resolve("go");
        Process start = d.spawn(FORCE_ROOT, "start", "multi", "start", Integer.toString(nodes),
                "-A", "io.drover.fixtures.ReadyWhenFileApp", "--classpath=" + Drover.testClasses(),
                d.pidfileOption(), d.logfileOption(), "--", go.toString());
        for (int i = 1; i <= nodes; i++) {
            awaitLog("drover" + i, "its application waiting", log -> log.contains("ready once"));
        }
        assertTrue(start.isAlive(), "multi start returned before any node was ready");

        Files.writeString(go, "");

        assertTrue(start.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS), "multi start did not return");
        assertEquals(0, start.exitValue(), () -> "multi start:\n" + readQuietly(tmp.resolve("start.out")));
        assertEquals(nodes, d.pidfiles().size(), "every node runs");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Starts a node whose killed JVM takes a while to tear down (a 1 GiB touched heap, many threads). */
    private long startNodeSlowToTearDown() {
        assertExit(0, d.multi("start", "1", "-c", "32", "--jvm-opts=-Xms1g -XX:+AlwaysPreTouch"));
        return d.pid("drover1");
    }

    /**
     * After SIGKILL a JVM's main thread is a zombie at once, while its other threads still unmap
     * the heap and hold the pidfile lock (about 200 ms with a 1 GiB heap). A node is down when
     * the lock is free, not when its main thread is a zombie: kill must not report it down and
     * leave its pidfile behind. Which thread exits last varies, so this tries a few times.
     */
    @Test
    void multi_kill_removes_the_pidfile_even_while_the_killed_jvm_is_still_tearing_down() {
        for (int attempt = 1; attempt <= 5; attempt++) {
            long pid = startNodeSlowToTearDown();

            Result kill = d.multi("kill", "1");

            assertExit(0, kill);
            List<Path> left = d.pidfiles();
            Procs.waitUntilGone(pid);
            int n = attempt;
            assertEquals(List.of(), left, () -> "attempt " + n + ": kill said down and left the pidfile:\n" + kill);
            Result status = d.multi("status", "1");
            assertExit(3, status);
        }
    }

    /**
     * The same teardown window seen by restart: the old node's pidfile is still locked when
     * restart starts the node again, and it answers "already running" with the dead pid.
     */
    @Test
    void restart_with_sigkill_starts_the_node_again_even_while_the_killed_jvm_is_still_tearing_down() throws IOException {
        for (int attempt = 1; attempt <= 3; attempt++) {
            long old = startNodeSlowToTearDown();

            Result restart = d.multi("restart", "-9", "1");

            assertExit(0, restart);
            int n = attempt;
            assertTrue(restart.linesFor(node(1)).stream().anyMatch(l -> l.contains(": OK")),
                    () -> "attempt " + n + ": restart did not start the node again:\n" + restart);
            long fresh = d.pid("drover1");
            assertNotEquals(old, fresh);
            assertTrue(Procs.alive(fresh));
            assertExit(0, d.multi("kill", "1"));
            Procs.waitUntilGone(fresh);
            Procs.waitUntilGone(old);
            for (Path stale : d.pidfiles()) {
                Files.delete(stale); // what kill may leave (the test above), so the next attempt starts clean
            }
        }
    }

    @Test
    void stopwait_with_a_timeout_exits_1_naming_a_node_that_ignores_term() {
        assertExit(0, d.multi(FORCE_ROOT, "start", "1", "-A", IgnoresTermApp.class.getName(),
                "--classpath=" + Drover.testClasses()));
        long pid = d.pid("drover1");

        Result stopwait = d.multi("stopwait", "1", "--timeout", "2");

        assertExit(1, stopwait);
        assertTrue(stopwait.linesFor(node(1)).stream().anyMatch(l -> l.contains("still running")), stopwait::toString);
        assertTrue(Procs.alive(pid), "the node ignores TERM: it must still run");
        awaitLog("drover1", "the ignored warm stop", log -> log.contains(IgnoresTermApp.WARM_STOP_BLOCKED));

        Result kill = d.multi("kill", "1");
        assertExit(0, kill);
        assertFalse(Procs.alive(pid), "kill returned while the node is alive");
    }

    @Test
    void restart_gives_every_node_a_new_pid_under_the_same_pidfile_with_the_same_options() {
        assertExit(0, d.multi("start", "2", "-c", "2", "-Q", "alpha"));
        List<Long> old = List.of(d.pid("drover1"), d.pid("drover2"));
        List<List<String>> oldArgv = List.of(Procs.argv(old.get(0)), Procs.argv(old.get(1)));
        assertEquals(List.of("-Q", "alpha"), sublistAfter(oldArgv.get(0), "-Q"), "started with -Q alpha");

        Result restart = d.multi("restart", "2");

        assertExit(0, restart);
        for (int i = 1; i <= 2; i++) {
            long before = old.get(i - 1);
            long after = d.pid("drover" + i);
            assertNotEquals(before, after, "drover" + i + " has a new pid");
            assertTrue(Procs.alive(after));
            assertFalse(Procs.alive(before), "the old drover" + i + " is gone");
            List<String> argv = Procs.argv(after);
            assertEquals(List.of("-Q", "alpha"), sublistAfter(argv, "-Q"), () -> "restarted without -Q alpha: " + argv);
            assertEquals(List.of("-c", "2"), sublistAfter(argv, "-c"), () -> "restarted without -c 2: " + argv);
            assertEquals(oldArgv.get(i - 1), argv, "the restarted node's command line");
            String name = "drover" + i;
            awaitLog(name, "the new node consuming alpha", log -> {
                int at = log.indexOf("starting (pid " + after + ",");
                return at >= 0 && log.indexOf("consuming alpha", at) > 0;
            });
        }
    }

    @Test
    void stopwait_lets_the_demo_finish_its_jobs_in_flight() {
        assertExit(0, d.multi("start", "1", "-c", "2"));
        awaitLog("drover1", "a job in flight", log -> JOB_STARTED.matcher(log).find());

        Result stopwait = d.multi("stopwait", "1");

        assertExit(0, stopwait);
        String log = d.log("drover1");
        int finished = log.indexOf("finished in flight during warm shutdown");
        int complete = log.indexOf("warm shutdown complete");
        assertTrue(finished >= 0, () -> "no job finished in flight:\n" + log);
        assertTrue(complete > finished, () -> "warm shutdown did not complete after the job:\n" + log);
        assertEquals(List.of(), d.pidfiles());
    }

    @Test
    void stop_of_nodes_that_are_not_running_exits_0_saying_not_running() {
        Result stop = d.multi("stop", "2");

        assertExit(0, stop);
        assertContains(stop.lineFor(node(1)), "not running", stop);
        assertContains(stop.lineFor(node(2)), "not running", stop);
    }

    @Test
    void status_with_nothing_running_exits_3() {
        Result status = d.multi("status", "2");

        assertExit(3, status);
        assertContains(status.lineFor(node(1)), "stopped", status);
        assertContains(status.lineFor(node(2)), "stopped", status);
    }

    @Test
    void dryrun_prints_two_command_lines_and_starts_nothing() {
        Result dryrun = d.multi("dryrun", "2", "-c", "1");

        assertExit(0, dryrun);
        for (int i = 1; i <= 2; i++) {
            String line = dryrun.lineFor(node(i));
            assertContains(line, "io.drover.cli.Main worker", dryrun);
            assertContains(line, "--pidfile=" + d.dir() + "/drover" + i + ".pid", dryrun);
        }
        assertEquals(Set.of(), d.processes(), "dryrun ran something");
        assertEquals(List.of(), d.files(), "dryrun created files");
    }

    @Test
    void json_on_start_status_and_stopwait_prints_an_array_naming_each_node_with_its_state() {
        Result start = d.multi("start", "2", "-c", "1", "--json");
        assertExit(0, start);
        assertJsonStates(start, "started");

        Result status = d.multi("status", "2", "--json");
        assertExit(0, status);
        assertJsonStates(status, "running");

        Result stopwait = d.multi("stopwait", "2", "--json");
        assertExit(0, stopwait);
        assertJsonStates(stopwait, "down");
    }

    private static void assertJsonStates(Result r, String state) {
        String json = r.stdout().strip();
        assertTrue(json.startsWith("[") && json.endsWith("]"), () -> "not a JSON array:\n" + r);
        Matcher objects = Pattern.compile("\\{[^{}]*}").matcher(json);
        List<String> found = new ArrayList<>();
        while (objects.find()) {
            found.add(objects.group());
        }
        assertEquals(2, found.size(), () -> "two objects expected:\n" + r);
        for (int i = 1; i <= 2; i++) {
            String nodename = node(i);
            String obj = found.stream()
                    .filter(o -> o.matches("(?s).*\"nodename\"\\s*:\\s*\"" + Pattern.quote(nodename) + "\".*"))
                    .findFirst().orElseThrow(() -> new AssertionError("no object for " + nodename + ":\n" + r));
            assertTrue(obj.matches("(?s).*\"state\"\\s*:\\s*\"" + state + "\".*"),
                    () -> nodename + " is not " + state + ": " + obj + "\n" + r);
        }
    }

    @Test
    void a_pidfile_naming_an_unrelated_live_process_is_never_signalled_and_start_replaces_it() throws IOException {
        Process sleep = d.startOther("sleep", "300");
        long other = sleep.pid();
        Files.writeString(d.pidfile("drover1"), other + "\n");

        Result stop = d.multi("stop", "1");
        assertTrue(Procs.alive(other), stop::toString);
        Result stopwait = d.multi("stopwait", "1", "--timeout", "5");
        assertTrue(Procs.alive(other), stopwait::toString);
        Result kill = d.multi("kill", "1");
        assertTrue(Procs.alive(other), kill::toString);
        assertEquals('S', Procs.state(other), "sleep was stopped or signalled");

        Result status = d.multi("status", "1");
        assertNotEquals(0, status.exitCode(), status::toString);

        Result start = d.multi("start", "1", "-c", "1");
        assertExit(0, start);
        assertContains(start.lineFor(node(1)), ": OK", start);
        long pid = d.pid("drover1");
        assertNotEquals(other, pid, "the node runs under a pid of its own");
        assertTrue(Procs.alive(pid));
        assertTrue(Procs.alive(other), "start signalled the unrelated process");
    }

    @Test
    void pidfiles_holding_garbage_are_healed_by_start() throws IOException {
        Files.writeString(d.pidfile("drover1"), "abc");
        Files.writeString(d.pidfile("drover2"), "");
        Files.writeString(d.pidfile("drover3"), "12x");

        Result start = d.multi("start", "3", "-c", "1");

        assertExit(0, start);
        for (int i = 1; i <= 3; i++) {
            assertContains(start.lineFor(node(i)), ": OK", start);
            long pid = d.pid("drover" + i);
            assertTrue(Procs.alive(pid), "drover" + i + " runs");
            assertEquals(pid, Procs.sessionId(pid));
        }
    }

    @Test
    void a_logfile_that_cannot_be_created_fails_the_start_naming_the_path() {
        Result start = d.multi("start", "1", "-c", "1", "--logfile=/proc/nope/%n%I.log");

        assertNotEquals(0, start.exitCode(), start::toString);
        assertContains(start.output(), "/proc/nope", start);
        assertContains(start.lineFor(node(1)), "FAILED", start);
        assertEquals(List.of(), d.pidfiles());
        awaitNoProcessLeft();
    }

    @Test
    void worker_detach_run_by_hand_exits_0_leaving_a_running_node() {
        Result worker = d.run("worker", "--detach", "-n", "w1@%h", "-c", "1",
                "--pidfile=" + d.dir() + "/w1.pid", "--logfile=" + d.dir() + "/w1.log");

        assertExit(0, worker);
        long pid = d.pid("w1");
        assertTrue(Procs.alive(pid));
        assertEquals(pid, Procs.sessionId(pid), "a detached node leads its own session");
        assertTrue(Procs.argv(pid).contains("worker"), () -> Procs.cmdline(pid));
        awaitLog("w1", "the node ready", log -> log.contains("w1@" + HOST + " ready"));

        Result stopwait = d.multi("stopwait", "w1");
        assertExit(0, stopwait);
        assertFalse(Procs.alive(pid));
        assertEquals(List.of(), d.pidfiles());
    }

    @Test
    void worker_detach_with_fakefork_runs_in_the_foreground_until_term() throws InterruptedException {
        Process worker = d.spawn(Map.of("DROVER_FAKEFORK", "1"), "w2", "worker", "--detach", "-n", "w2@%h", "-c", "1",
                "--pidfile=" + d.dir() + "/w2.pid", "--logfile=" + d.dir() + "/w2.log");

        Procs.waitUntil("the foreground node to report ready", Procs.PATIENCE,
                () -> !worker.isAlive() || d.log("w2").contains("w2@" + HOST + " ready"),
                () -> "log:\n" + d.log("w2"));
        assertTrue(worker.isAlive(), () -> "the foreground node exited early:\n" + d.log("w2"));
        long pid = d.pid("w2");
        assertEquals(worker.pid(), pid, "the process we started is the node: it did not detach");
        assertNotEquals(pid, Procs.sessionId(pid), "a foreground node stays in our session");

        Procs.signal(pid, "TERM");

        assertTrue(worker.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS), "TERM did not end the node");
        assertEquals(0, worker.exitValue(), () -> "exit status after TERM; log:\n" + d.log("w2"));
        assertFalse(Files.exists(d.pidfile("w2")), "the node left its pidfile");
    }

    @Test
    void hup_restarts_the_node_in_place_keeping_pid_and_pidfile() throws IOException {
        assertExit(0, d.multi("start", "1", "-c", "1"));
        long pid = d.pid("drover1");
        Object inode = Files.getAttribute(d.pidfile("drover1"), "unix:ino");

        Procs.signal(pid, "HUP");

        awaitLog("drover1", "the restart in place", log -> log.contains("restarted in place"));
        assertTrue(Procs.alive(pid));
        assertEquals(pid, d.pid("drover1"), "pidfile content");
        assertEquals(inode, Files.getAttribute(d.pidfile("drover1"), "unix:ino"), "the same pidfile");
        assertTrue(d.log("drover1").contains("restarted in place (pid " + pid), () -> d.log("drover1"));
        assertExit(0, d.multi("status", "1"));
    }

    @Test
    void eight_concurrent_starts_of_one_node_run_exactly_one_process() throws Exception {
        int starters = 8;
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        List<Result> results;
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Result>> futures = new ArrayList<>();
            for (int i = 0; i < starters; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return d.multi("start", "1", "-c", "1");
                }));
            }
            go.countDown();
            results = new ArrayList<>();
            for (Future<Result> f : futures) {
                results.add(f.get(3, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }

        String all = results.stream().map(Result::toString).collect(Collectors.joining("\n"));
        for (Result r : results) {
            assertFalse(r.stdout().contains("FAILED"), () -> "a concurrent start FAILED:\n" + all);
            assertExit(0, r);
        }
        long ok = results.stream().filter(r -> r.lineFor(node(1)).contains(": OK")).count();
        long already = results.stream().filter(r -> r.lineFor(node(1)).contains("already running")).count();
        assertEquals(1, ok, () -> "exactly one start says OK:\n" + all);
        assertEquals(starters - 1, already, () -> "the others say already running:\n" + all);
        long pid = d.pid("drover1");
        assertTrue(Procs.alive(pid));
        Procs.waitUntil("only the winning node to be left", Procs.PATIENCE,
                () -> nodeProcesses().equals(Set.of(pid)), () -> "nodes: " + nodeProcesses() + ", pidfile: " + pid);
    }

    /** The node JVMs of this test (not the drover commands). */
    private Set<Long> nodeProcesses() {
        Set<Long> nodes = new HashSet<>();
        for (long p : d.processes()) {
            if (Procs.argv(p).contains("worker")) {
                nodes.add(p);
            }
        }
        return Collections.unmodifiableSet(nodes);
    }

    @Test
    void a_main_class_application_starts_ok_and_stopwait_stops_it() {
        Result start = d.multi(FORCE_ROOT, "start", "1", "-A", MainClassApp.class.getName(),
                "--classpath=" + Drover.testClasses());

        assertExit(0, start);
        assertContains(start.lineFor(node(1)), ": OK", start);
        long pid = d.pid("drover1");
        awaitLog("drover1", "the main class running", log -> log.contains(MainClassApp.RUNNING));

        Result stopwait = d.multi("stopwait", "1");
        assertExit(0, stopwait);
        assertFalse(Procs.alive(pid));
        assertEquals(List.of(), d.pidfiles());
    }
}
