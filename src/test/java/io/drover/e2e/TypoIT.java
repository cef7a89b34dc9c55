package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.e2e.Drover.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 28, items 2 and 3, through the built launcher: no option is silently ignored, and a
 * worker option misspelt is refused before any directory is made or any JVM spawned; each
 * refusal is exit 64, nothing on stdout and one line on stderr that says what was probably meant.
 */
class TypoIT extends DroverTest {
    private static final String PREFIX = "--range-prefix=tpy";

    /** Exit 64, nothing on stdout, exactly {@code drover: LINE} on stderr. */
    private static void assertRefused(Result r, String line) {
        assertEquals(64, r.exitCode(), r::toString);
        assertEquals("", r.stdout(), r::toString);
        assertEquals("drover: " + line + "\n", r.stderr(), r::toString);
    }

    @ParameterizedTest(name = "multi {0}")
    @CsvSource(delimiter = '|', value = {
        "status --jsno | multi status: unknown option --jsno (did you mean --json?)",
        "status 2 --jsno | multi status: unknown option --jsno (did you mean --json?)",
        "stopwait --timout=5 | multi stopwait: unknown option --timout (did you mean --timeout?)",
        "stopwait 2 --timout=5 | multi stopwait: unknown option --timout (did you mean --timeout?)",
        "status --range-prefx=x | multi status: unknown option --range-prefx (did you mean --range-prefix?)",
        "status 2 --range-prefx=x | multi status: unknown option --range-prefx (did you mean --range-prefix?)",
        "status --wach | multi status: unknown option --wach (did you mean --watch?)",
        "status 2 --wach | multi status: unknown option --wach (did you mean --watch?)",
        "stop 2 --foo | multi stop: unknown option --foo",
        "names 2 --jsno | multi names: unknown option --jsno (did you mean --json?)",
        "logs 2 --folow | multi logs: unknown option --folow (did you mean --follow?)"})
    void an_unknown_option_is_exit_64_with_a_suggestion_even_before_the_nodes_are_missing(String line, String message) {
        List<String> argv = new ArrayList<>(List.of("multi"));
        argv.addAll(Arrays.asList(line.split(" ")));
        argv.add(PREFIX);

        assertRefused(drover.run(Map.of(), argv), message);
    }

    @Test
    void a_misspelt_option_does_not_stop_a_running_node() {
        Result start = drover.multi("start", "1", PREFIX);
        assertEquals(0, start.exitCode(), start::toString);
        long pid = drover.pid("tpy1");

        assertRefused(drover.multi("stopwait", "1", PREFIX, "--timout=5"),
                "multi stopwait: unknown option --timout (did you mean --timeout?)");
        assertTrue(Procs.alive(pid), "the node was stopped");

        Result stopwait = drover.multi("stopwait", "1", PREFIX, "--timeout=60");
        assertEquals(0, stopwait.exitCode(), stopwait::toString);
        Procs.waitUntilGone(pid);
    }

    @Test
    void an_unknown_multi_subcommand_is_exit_64_with_a_suggestion() {
        Result r = drover.run("multi", "stats", "2");

        assertEquals(64, r.exitCode(), r::toString);
        assertEquals("", r.stdout(), r::toString);
        // picocli's usage errors add where to read more, on a line of its own
        assertEquals(List.of("drover multi: unknown subcommand 'stats': did you mean status? (one of: start, stop,"
                + " stopwait, restart, supervise, kill, status, show, names, expand, get, dryrun, forget, logs, export,"
                + " help)", "Try 'drover multi --help' for more information."), r.stderr().lines().toList(), r::toString);
    }

    @Test
    void an_unknown_command_is_exit_64_with_a_suggestion() {
        Result r = drover.run("wrker", "-c", "2");

        assertEquals(64, r.exitCode(), r::toString);
        assertEquals("", r.stdout(), r::toString);
        assertEquals(List.of("drover: unknown subcommand 'wrker': did you mean worker? (one of: multi, worker, beat)",
                "Try 'drover --help' for more information."), r.stderr().lines().toList(), r::toString);
    }

    @Test
    void an_unknown_option_before_multi_s_subcommand_is_exit_64_with_a_suggestion() {
        Result r = drover.run("multi", "--jsno", "status", "2");

        assertEquals(64, r.exitCode(), r::toString);
        assertEquals("", r.stdout(), r::toString);
        assertEquals(List.of("drover multi: unknown option --jsno (did you mean --json?)",
                "Try 'drover multi --help' for more information."), r.stderr().lines().toList(), r::toString);
    }

    @Test
    void a_misspelt_option_of_worker_or_beat_itself_is_exit_64_with_a_suggestion_and_starts_nothing() {
        Path pidfile = dir.resolve("run/tpyw.pid");
        for (List<String> argv : List.of(
                List.of("worker", "--detach", "-n", "tpyw", "--pidfile=" + pidfile, "--concurency=4"),
                List.of("beat", "--detach", "--pidfile=" + pidfile, "--max-intervl=3"))) {
            Result r = drover.run(Map.of(), argv);
            String wanted = argv.get(0).equals("worker") ? "--concurency (did you mean --concurrency?)"
                    : "--max-intervl (did you mean --max-interval?)";

            assertEquals(64, r.exitCode(), r::toString);
            assertEquals("", r.stdout(), r::toString);
            assertEquals(List.of("drover " + argv.get(0) + ": unknown option " + wanted,
                    "Try 'drover " + argv.get(0) + " --help' for more information."), r.stderr().lines().toList(),
                    r::toString);
            assertFalse(Files.exists(pidfile.getParent()), r::toString);
        }
    }

    /**
     * Every subcommand that builds a node's command line refuses a worker option the worker
     * does not have before it makes the pidfile's or the log's directory, or spawns anything.
     */
    @ParameterizedTest(name = "multi {0}")
    @CsvSource({"start", "restart", "dryrun", "show", "supervise", "get", "export"})
    void a_misspelt_worker_option_is_refused_before_a_directory_is_made_or_a_jvm_spawned(String subcommand) {
        Path run = dir.resolve("run");
        Path log = dir.resolve("log");
        Path units = dir.resolve("units");
        List<String> argv = new ArrayList<>(List.of("multi", subcommand));
        if (subcommand.equals("get")) {
            argv.add("tpy1@" + Drover.hostname());
        } else if (subcommand.equals("export")) {
            argv.addAll(List.of("systemd", "--out", units.toString()));
        }
        argv.addAll(List.of("3", PREFIX, "--concurency=4", "--pidfile=" + run + "/%n.pid",
                "--logfile=" + log + "/%n%I.log"));

        Result r = drover.run(Map.of(), argv);

        assertRefused(r, "multi " + subcommand + ": unknown option --concurency (did you mean --concurrency?)");
        assertFalse(Files.exists(run), run + " was made: " + r);
        assertFalse(Files.exists(log), log + " was made: " + r);
        assertFalse(Files.exists(units), units + " was made: " + r);
        assertEquals(List.of(), drover.files(), r::toString);
        assertTrue(drover.processes().isEmpty(), () -> "spawned: " + drover.processes());
    }

    @Test
    void a_short_worker_option_misspelt_and_a_beat_option_are_refused_too() {
        assertRefused(drover.multi("start", "2", PREFIX, "-C", "4"), "multi start: unknown option -C");
        assertRefused(drover.multi("start", "2", PREFIX, "--max-interval=5"),
                "multi start: --max-interval is an option of drover beat, not of a worker (multi's nodes are workers)");
        assertEquals(List.of(), drover.files());
    }

    @Test
    void what_follows_the_double_dash_still_reaches_the_application_untouched() {
        Result show = drover.run("multi", "show", "1", PREFIX, "-c3", drover.pidfileOption(), drover.logfileOption(),
                "--", "--concurency=4", "-x");

        assertEquals(0, show.exitCode(), show::toString);
        assertTrue(show.stdout().strip().endsWith(" -c3 -- --concurency=4 -x"), show::toString);
    }

    /** The suggestion is looked for only on the error path: a command line that is right never loads it. */
    @Test
    void the_fast_commands_do_not_load_the_suggestion_code_and_a_typo_does() {
        Path classes = dir.resolve("classes.log");
        Map<String, String> env = Map.of("DROVER_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        String suggestion = " io.drover.core.DidYouMean ";
        for (List<String> argv : List.of(List.of("multi", "names", "10", PREFIX),
                List.of("multi", "status", "2", PREFIX, "-c", "2", "--pidfile=" + dir + "/%n.pid"))) {
            Result r = drover.run(env, argv);
            assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r::toString);
            assertFalse(read(classes).contains(suggestion), argv + " loaded the suggestion code");
        }

        Result typo = drover.run(env, List.of("multi", "names", "10", PREFIX, "--jsno"));
        assertEquals(64, typo.exitCode(), typo::toString);
        assertTrue(read(classes).contains(suggestion), "the control: the log shows the class when it is loaded");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
