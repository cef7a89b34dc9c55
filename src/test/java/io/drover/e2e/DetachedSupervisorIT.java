package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 29, item 1: {@code multi supervise --detach} (and {@code multi start --supervise})
 * returns once the nodes are ready and leaves one supervisor per registry, in a session of its
 * own, that heals them with no terminal, obeys the operator's stop, takes more nodes and, killed
 * with -9, leaves them running for the next one to adopt.
 */
class DetachedSupervisorIT extends DroverTest {
    private static final String HOST = Drover.hostname();
    private static final String PREFIX = "--range-prefix=dsv";
    private static final String[] FAST = {"--backoff=0.2", "--backoff-max=30", "--backoff-reset=600"};

    /** Every supervisor this test saw: TERMed and waited for after it, as an operator would. */
    private final List<Long> supervisors = new ArrayList<>();

    @AfterEach
    void stopTheSupervisors() {
        supervisorPid().ifPresent(supervisors::add);
        for (long pid : supervisors) {
            if (Procs.alive(pid)) {
                Procs.signal(pid, "TERM");
                Procs.waitUntil("the supervisor " + pid + " to end after TERM", Procs.PATIENCE, () -> !Procs.alive(pid),
                        this::log);
            }
        }
    }

    private Path state() {
        return dir.resolve(".state");
    }

    private java.util.Optional<Long> supervisorPid() {
        try {
            Path file = state().resolve("supervisor.pid");
            return Files.exists(file) ? java.util.Optional.of(Long.parseLong(Files.readString(file).trim()))
                    : java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long supervisor() {
        long pid = supervisorPid().orElseThrow(() -> new AssertionError("no supervisor.pid in " + state()));
        supervisors.add(pid);
        return pid;
    }

    private String log() {
        try {
            Path p = state().resolve("supervisor.log");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Drover.Result multi(String subcommand, String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.add(PREFIX);
        return drover.multi(subcommand, argv.toArray(String[]::new));
    }

    private Drover.Result detach(String... args) {
        List<String> argv = new ArrayList<>(List.of("--detach"));
        argv.addAll(List.of(FAST));
        argv.addAll(List.of(args));
        return multi("supervise", argv.toArray(String[]::new));
    }

    private static String full(String name) {
        return name + "@" + HOST;
    }

    private static void assertOk(Drover.Result r, String... names) {
        assertEquals(0, r.exitCode(), r::toString);
        for (String name : names) {
            assertTrue(r.lineFor(full(name)).contains(full(name) + ": OK (pid "), r::toString);
        }
    }

    @Test
    void detached_supervisor_heals_obeys_stop_and_takes_more_nodes_with_no_terminal() {
        Drover.Result first = detach("2");
        assertOk(first, "dsv1", "dsv2");
        long supervisor = supervisor();
        assertTrue(Procs.alive(supervisor), first::toString);
        assertEquals(supervisor, Procs.sessionId(supervisor), "the supervisor leads a session of its own");
        assertNotEquals(ProcessHandle.current().pid(),
                ProcessHandle.of(supervisor).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L));
        assertTrue(first.stdout().contains("> Supervised by pid " + supervisor + " (log: "), first::toString);

        // a node killed with -9 comes back, with nobody at a terminal
        long killed = drover.pid("dsv1");
        Procs.signal(killed, "KILL");
        Procs.waitUntil("dsv1 back under a new pid", Procs.PATIENCE, () -> {
            try {
                long now = drover.pid("dsv1");
                return now != killed && Procs.alive(now) && multi("status", "dsv1").exitCode() == 0;
            } catch (RuntimeException | AssertionError e) {
                return false; // its pidfile between two starts
            }
        }, this::log);

        // the operator's stop is obeyed: it stays down
        Drover.Result stop = multi("stopwait", "dsv2");
        assertEquals(0, stop.exitCode(), stop::toString);
        Drover.Result stopped = multi("status", "dsv2");
        assertTrue(stopped.lineFor(full("dsv2")).contains("supervisor pid " + supervisor + " (stopped by request)"),
                stopped::toString);
        assertFalse(Pattern.compile(Pattern.quote(full("dsv2")) + ": exited unasked").matcher(log()).find(), log());

        // one more node goes to the same supervisor
        Drover.Result more = detach("dsv3");
        assertOk(more, "dsv3");
        assertEquals(supervisor, supervisor(), "a second supervisor was started:\n" + more);
        Drover.Result status = multi("status", "3");
        for (String name : List.of("dsv1", "dsv2", "dsv3")) {
            assertTrue(status.lineFor(full(name)).contains("supervisor pid " + supervisor + " ("), status::toString);
        }
        // and the stopped one is started again by a --detach naming it, as start would
        Drover.Result all = detach("3");
        assertOk(all, "dsv1", "dsv2", "dsv3");
        assertEquals(supervisor, supervisor());
    }

    @Test
    void a_supervisor_killed_with_9_leaves_its_nodes_running_and_the_next_adopts_them() {
        assertOk(detach("2"), "dsv1", "dsv2");
        long old = supervisor();
        long one = drover.pid("dsv1");
        long two = drover.pid("dsv2");
        Procs.signal(old, "KILL");
        Procs.waitUntil("the supervisor to die", Procs.PATIENCE, () -> !Procs.alive(old));
        assertTrue(Procs.alive(one) && Procs.alive(two), "the nodes died with their supervisor");

        Drover.Result again = detach("3");
        assertOk(again, "dsv1", "dsv2", "dsv3");
        long now = supervisor();
        assertNotEquals(old, now);
        assertEquals(one, drover.pid("dsv1"), again::toString);
        assertEquals(two, drover.pid("dsv2"), again::toString);
        assertTrue(log().contains(full("dsv1") + ": adopted (pid " + one), log());
        // the new supervisor heals the adopted node too
        Procs.signal(one, "KILL");
        Procs.waitUntil("dsv1 restarted by the new supervisor", Procs.PATIENCE,
                () -> log().contains(full("dsv1") + ": exited unasked"), this::log);
        // its first exit in a row: started again at once, not after --backoff
        assertTrue(log().contains(full("dsv1") + ": exited unasked (ended; not our child, so its status went to its"
                + " parent); restart 1 in 0.0 s"), log());
        Procs.waitUntil("dsv1 back under a new pid", Procs.PATIENCE, () -> log().indexOf(full("dsv1") + ": started (pid ",
                log().lastIndexOf(full("dsv1") + ": exited unasked")) >= 0, this::log);
        long back = drover.pid("dsv1");
        assertNotEquals(one, back);
        assertTrue(Procs.alive(back), log());
    }

    @Test
    void start_supervise_is_the_short_form_and_a_node_that_fails_says_failed_with_exit_1() {
        // the supervisor's environment is the first caller's: its root rules hold for every node it starts
        java.util.Map<String, String> forceRoot = java.util.Map.of("DROVER_FORCE_ROOT", "1");
        Drover.Result ok = drover.multi(forceRoot, "start", "--supervise", "1", PREFIX);
        assertOk(ok, "dsv1");
        long supervisor = supervisor();
        // the JVM a foreground supervise gets from bin/drover, not a node's (both JIT tiers, the JVM's default young generation)
        String argv = Procs.cmdline(supervisor);
        for (String flag : List.of("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xmn")) {
            assertTrue(argv.contains(flag), flag + " missing from the supervisor's command line: " + argv);
        }
        assertFalse(argv.contains("-XX:CompileThresholdScaling=10"), argv);
        Drover.Result bad = drover.multi(forceRoot, "start", "--supervise", "dsvbad", "-A",
                "io.drover.fixtures.FailsWithCauseApp", "--classpath=" + Drover.testClasses(), "--max-restarts=1", PREFIX);
        assertEquals(1, bad.exitCode(), bad::toString);
        assertTrue(bad.lineFor(full("dsvbad")).contains(full("dsvbad") + ": FAILED: ")
                && bad.lineFor(full("dsvbad")).contains("application start failed"), bad::toString);
        assertTrue(bad.stderr().contains("keeps the supervise options it was started with: --max-restarts ignored"),
                bad::toString);
        assertEquals(supervisor, supervisor());
        assertTrue(Procs.alive(drover.pid("dsv1")));
    }

    @Test
    void root_is_refused_an_application_as_start_refuses_it_and_no_supervisor_is_left() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Drover.runningAsRoot(), "root's rules");
        Drover.Result start = multi("start", "1", "-A", "io.drover.fixtures.FailsWithCauseApp",
                "--classpath=" + Drover.testClasses());
        Drover.Result detached = multi("start", "--supervise", "1", "-A", "io.drover.fixtures.FailsWithCauseApp",
                "--classpath=" + Drover.testClasses());
        assertEquals(77, start.exitCode(), start::toString);
        assertEquals(start.exitCode(), detached.exitCode(), detached::toString);
        assertTrue(detached.stderr().contains("refusing to run application io.drover.fixtures.FailsWithCauseApp as root"),
                detached::toString);
        assertFalse(Files.exists(state().resolve("supervisor.pid")), detached::toString);
        assertTrue(drover.processes().isEmpty(), () -> "left running: " + drover.processes());
    }
}
