package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 29, item 5: supervise's hooks ({@code --on-failure}, {@code --on-restart},
 * {@code --on-give-up}) with real nodes killed with -9: the hook's environment, its output in
 * supervise's, its exit status read despite supervise's reaper, and its deadline.
 */
class SuperviseHooksIT extends DroverTest {
    private static final String HOST = Drover.hostname();
    /** Nodes hk1..: other tests run drover1.. and sv1.. at the same time. */
    private static final String PREFIX = "--range-prefix=hk";
    private static final String NODE = "hk1@" + HOST;

    private Path output;

    /** {@code multi supervise 1 ARGS} with small delays, in the background; its output in {@link #output}. */
    private Process supervise(String... args) {
        List<String> argv = new ArrayList<>(List.of("multi", "supervise", "1", PREFIX, drover.pidfileOption(),
                drover.logfileOption(), "--backoff=0.2", "--backoff-max=5", "--backoff-reset=600"));
        argv.addAll(List.of(args));
        output = dir.resolve("supervise.out");
        return drover.spawn(Map.of(), "supervise", argv.toArray(String[]::new));
    }

    private String said() {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until supervise said a line about hk1 matching {@code regex} (after the nodename), {@code times} times. */
    private void awaitSaid(String regex, int times) {
        Pattern p = Pattern.compile("> " + Pattern.quote(NODE) + ": " + regex);
        Procs.waitUntil(times + " x '" + regex + "'", Procs.PATIENCE,
                () -> p.matcher(said()).results().count() >= times, this::said);
    }

    /** The node's pid once it has been started {@code times} times. */
    private long started(int times) {
        awaitSaid("started \\(pid \\d+", times);
        List<String> pids = Pattern.compile(Pattern.quote(NODE) + ": started \\(pid (\\d+)").matcher(said()).results()
                .map(m -> m.group(1)).toList();
        return Long.parseLong(pids.get(times - 1));
    }

    /** A hook that writes its DROVER_* environment to {@code file}, whole (written aside, then renamed). */
    private static String writesEnvTo(Path file) {
        return "env | grep '^DROVER_' > " + file + ".tmp && mv " + file + ".tmp " + file;
    }

    private static Map<String, String> environment(Path file) {
        Procs.waitUntil(file + " written by the hook", Procs.PATIENCE, () -> Files.exists(file));
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    private void stop(Process sv) throws InterruptedException {
        Procs.signal(sv.pid(), "TERM");
        assertTrue(sv.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS), "supervise did not exit: " + said());
    }

    @Test
    void a_node_killed_with_9_runs_on_failure_with_its_name_exit_restarts_and_files_and_its_output_in_supervise_s()
            throws Exception {
        Path env = dir.resolve("failure.env");
        Process sv = supervise("--on-failure=" + writesEnvTo(env) + "; echo paging the on-call team; exit 3");
        Procs.signal(started(1), "KILL");

        Map<String, String> told = environment(env);
        assertEquals(NODE, told.get("DROVER_NODE"), told::toString);
        assertEquals("failure", told.get("DROVER_EVENT"), told::toString);
        assertEquals("signal 9", told.get("DROVER_EXIT"), told::toString);
        assertEquals("1", told.get("DROVER_RESTARTS"), told::toString);
        assertEquals(drover.logfile("hk1").toString(), told.get("DROVER_LOGFILE"), told::toString);
        assertEquals(drover.pidfile("hk1").toString(), told.get("DROVER_PIDFILE"), told::toString);
        // its output is supervise's, a line named by node and hook; its status is the hook's own,
        // though supervise's reaper reaps every child (a ProcessBuilder's waitFor would read 0)
        awaitSaid("hook on-failure: paging the on-call team", 1);
        awaitSaid("hook on-failure: ended \\(status 3\\)", 1);
        started(2);
        stop(sv);
    }

    @Test
    void on_give_up_runs_once_max_restarts_were_spent_before_supervise_exits() throws Exception {
        Path env = dir.resolve("give-up.env");
        Process sv = supervise("--max-restarts=1", "--within=600", "--give-up-for=0", "--on-give-up=" + writesEnvTo(env),
                "--on-restart=echo restarting $DROVER_NODE after $DROVER_EXIT");
        Procs.signal(started(1), "KILL");
        awaitSaid("hook on-restart: restarting " + Pattern.quote(NODE) + " after signal 9", 1);
        Procs.signal(started(2), "KILL");
        // every node given up: supervise exits 1, once the give-up's hook has run
        assertTrue(sv.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS), "supervise did not exit: " + said());
        assertEquals(1, sv.exitValue(), this::said);
        Map<String, String> told = environment(env);
        assertEquals("give-up", told.get("DROVER_EVENT"), told::toString);
        assertEquals("signal 9", told.get("DROVER_EXIT"), told::toString);
        assertEquals("1", told.get("DROVER_RESTARTS"), told::toString);
        assertTrue(said().contains(NODE + ": hook on-give-up: ended (status 0)"), this::said);
    }

    @Test
    void what_a_hook_leaves_running_in_the_background_is_ended_and_named() throws Exception {
        // a unique duration: the test finds its own sleep among the machine's processes by it
        supervise("--on-failure=sleep 7391 & echo hook of $DROVER_NODE");
        Procs.signal(started(1), "KILL");
        awaitSaid("hook on-failure: left 1 process of its session behind", 1);
        awaitSaid("hook on-failure: ended", 1);
        Procs.waitUntil("the hook's background sleep to be gone", Procs.PATIENCE,
                () -> Procs.pidsWithCmdlineContaining("sleep 7391").stream() // supervise's own argv holds it too
                        .noneMatch(p -> Procs.argv(p).equals(List.of("sleep", "7391"))), this::said);
    }

    @Test
    void a_hook_still_running_after_hook_timeout_is_ended_with_its_children_and_named() throws Exception {
        // the hook's child, a sleep that would outlive it, under a duration no other process has
        String marker = "sleep 600." + System.nanoTime();
        Process sv = supervise("--hook-timeout=1", "--on-failure=echo waiting for the mail server; " + marker + " & wait");
        Procs.signal(started(1), "KILL");
        awaitSaid("hook on-failure: waiting for the mail server", 1);
        Procs.waitUntil("the hook's child running", Procs.PATIENCE, () -> Procs.pidsWithCmdlineContaining(marker).stream()
                .anyMatch(pid -> Procs.cmdline(pid).startsWith("sleep ")));
        awaitSaid("hook on-failure: still running after --hook-timeout 1 s: SIGTERM to its process group", 1);
        awaitSaid("hook on-failure: ended \\(signal 15\\)", 1);
        Procs.waitUntil("the hook's child gone", Procs.PATIENCE,
                () -> Procs.living(Procs.pidsWithCmdlineContaining(marker)).stream()
                        .noneMatch(pid -> Procs.cmdline(pid).startsWith("sleep ")));
        assertTrue(sv.isAlive(), this::said);
        stop(sv);
    }
}
