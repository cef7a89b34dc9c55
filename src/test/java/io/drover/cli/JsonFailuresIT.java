package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.e2e.Drover;
import io.drover.e2e.Drover.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10, item 9: with {@code --json} a failure is JSON too, one object
 * {@code {"error": ..., "exit": N}} on stdout besides the line on stderr; and {@code logfile}
 * fields hold the path the main process writes.
 */
class JsonFailuresIT {
    @TempDir
    Path dir;
    private Drover drover;

    @BeforeEach
    void newDrover() {
        drover = new Drover(dir);
    }

    @AfterEach
    void killWhatIsLeft() {
        drover.cleanup();
    }

    private static void assertJsonError(Result r, int exit, String mentioned) {
        assertJsonObject(r, exit, mentioned);
        assertEquals(1, r.stderr().lines().count(), r::toString);
    }

    private static void assertJsonObject(Result r, int exit, String mentioned) {
        assertEquals(exit, r.exitCode(), r::toString);
        Map<String, Object> error = JsonText.object(JsonText.parse(r.stdout()));
        assertEquals(List.of("error", "exit"), new ArrayList<>(error.keySet()), r::toString);
        assertEquals((double) exit, error.get("exit"), r::toString);
        assertTrue(((String) error.get("error")).contains(mentioned), r::toString);
        assertTrue(r.stderr().lines().findFirst().orElse("").contains(mentioned), r::toString);
    }

    @ParameterizedTest(name = "multi {0}")
    @CsvSource(delimiter = '|', value = {
        "show 2 -c:5 3 --json | 64 | 5",
        "start 2 -c:5 3 --json --pidfile=D/%n.pid --logfile=D/%n.log | 64 | 5",
        "status --json | 64 | no nodes",
        "get --json | 64 | missing",
        "--json show 2 --logfile=/tmp/%x | 64 | %x",
        "get nosuch 2 --json | 1 | nosuch",
        "start 1 --json --uid no-such-user-here --pidfile=D/%n.pid --logfile=D/%n.log | 67 | no-such-user-here",
        "stop 1 --json -HPU --pidfile=D/%n.pid | 64 | -HPU",
        "start 3 --json --pidfile=D/one.pid --logfile=D/%n.log | 64 | D/one.pid"})
    void a_failure_with_json_prints_one_json_object_naming_it_and_the_line_on_stderr(String args, int exit,
                                                                                   String mentioned) {
        // D is the test's directory: what a command would start there, cleanup finds
        List<String> argv = new ArrayList<>(List.of("multi"));
        argv.addAll(List.of(args.replace("D/", dir + "/").split(" ")));

        assertJsonError(drover.run(Map.of(), argv), exit, mentioned.replace("D/", dir + "/"));
    }

    @Test
    void a_root_refusal_with_json_is_a_json_object_with_exit_77() {
        assumeTrue(Drover.runningAsRoot(), "only root is refused");

        Result r = drover.multi("start", "1", "--json", "-A", "com.example.App");

        assertJsonError(r, 77, "DROVER_FORCE_ROOT");
        assertEquals(List.of(), drover.files());
    }

    @Test
    void an_unknown_subcommand_with_json_is_a_json_object_with_exit_64() {
        Result r = drover.run("multi", "--json", "bogus", "2");
        // picocli's usage errors add where to read more, on a line of its own
        assertJsonObject(r, 64, "bogus");
        assertEquals(List.of("Try 'drover multi --help' for more information."), r.stderr().lines().skip(1).toList(),
                r::toString);
    }

    @ParameterizedTest(name = "multi {0}")
    @CsvSource({"show", "dryrun", "get"})
    void logfile_fields_hold_the_path_the_main_process_writes(String subcommand) {
        List<String> argv = new ArrayList<>(List.of("multi", subcommand));
        if (subcommand.equals("get")) {
            argv.add("drover1@" + Drover.hostname());
        }
        argv.addAll(List.of("1", "--json", "--pidfile=" + dir + "/%n%%.pid", "--logfile=" + dir + "/%n%I.log"));

        Result r = drover.run(Map.of(), argv);

        assertEquals(0, r.exitCode(), r::toString);
        Object parsed = JsonText.parse(r.stdout());
        Map<String, Object> node = JsonText.object(parsed instanceof List<?> list ? list.get(0) : parsed);
        assertEquals(dir + "/drover1.log", node.get("logfile"), r::toString);
        assertEquals(dir + "/drover1%.pid", node.get("pidfile"), r::toString);
    }
}
