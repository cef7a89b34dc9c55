package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer hit on day two (issue 28, items 6 and 8), through the built launcher: each
 * test is one of the things that surprised, as the user typed it.
 */
class NewcomerIT extends DroverTest {
    private static void assertExit(int expected, Drover.Result r) {
        assertEquals(expected, r.exitCode(), r::toString);
    }

    @Test
    void drover_help_prints_what_help_options_print_also_for_a_command_and_a_subcommand() {
        for (List<String> words : List.<List<String>>of(List.of(), List.of("multi"), List.of("multi", "start"), List.of("worker"))) {
            Drover.Result help = drover.run(concat("help", words));
            Drover.Result option = drover.run(concat(words, "--help"));
            assertExit(0, help);
            assertExit(0, option);
            assertEquals(option.stdout(), help.stdout(), "drover help " + words);
        }
        Drover.Result unknown = drover.run("help", "multi", "strat");
        assertExit(64, unknown);
        assertTrue(unknown.stderr().startsWith("drover help: unknown subcommand 'strat' (one of: start, "), unknown::toString);
    }

    @Test
    void the_help_lists_each_exit_code_once_with_all_its_meanings() {
        for (String command : List.of("--help", "multi --help", "multi status --help")) {
            Drover.Result help = drover.run(command.split(" "));
            String codes = help.stdout().substring(help.stdout().indexOf("\nExit codes:\n") + 13);
            List<String> listed = codes.lines().filter(l -> l.matches("  [0-9]+ .*")).map(l -> l.trim().split(" ")[0]).toList();
            assertEquals(listed.stream().distinct().toList(), listed, command + ":\n" + codes);
        }
        String status = drover.run("multi", "status", "--help").stdout();
        assertTrue(status.replaceAll("\\s+", " ").contains(" 3 status: not running"), status);
    }

    private static String[] concat(String first, List<String> rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream()).toArray(String[]::new);
    }

    private static String[] concat(List<String> first, String last) {
        return java.util.stream.Stream.concat(first.stream(), java.util.stream.Stream.of(last)).toArray(String[]::new);
    }
}
