package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.UsageException;
import io.drover.multi.ArgParser;
import io.drover.multi.ArgParser.Own;
import io.drover.multi.ParsedArgs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 26, per-subcommand option tables: each multi subcommand takes only the options of
 * multi's own it reads, and refuses the others with one line, on both of Main's paths.
 */
class MultiOptionTablesTest {

    /** The table as docs/cli.md ("multi's own options") gives it: what each subcommand reads. */
    static final Map<String, Set<Own>> TAKES = Map.ofEntries(
            Map.entry("start", EnumSet.of(Own.START_TIMEOUT)),
            Map.entry("stop", EnumSet.noneOf(Own.class)),
            Map.entry("stopwait", EnumSet.of(Own.TIMEOUT, Own.KILL_AFTER_TIMEOUT)),
            Map.entry("restart", EnumSet.of(Own.TIMEOUT, Own.START_TIMEOUT, Own.ROLLING, Own.BATCH, Own.START_NEW)),
            Map.entry("supervise", EnumSet.of(Own.TIMEOUT, Own.START_TIMEOUT, Own.BATCH, Own.BACKOFF, Own.BACKOFF_MAX,
                    Own.BACKOFF_RESET, Own.MAX_RESTARTS, Own.WITHIN, Own.MAX_MEMORY, Own.MEMORY_INTERVAL,
                    Own.HEARTBEAT, Own.ON_FAILURE, Own.ON_RESTART, Own.ON_GIVE_UP, Own.HOOK_TIMEOUT, Own.GIVE_UP_FOR,
                    Own.METRICS_PORT, Own.METRICS_ADDRESS)),
            Map.entry("kill", EnumSet.noneOf(Own.class)),
            Map.entry("status", EnumSet.noneOf(Own.class)),
            Map.entry("show", EnumSet.noneOf(Own.class)),
            Map.entry("names", EnumSet.noneOf(Own.class)),
            Map.entry("expand", EnumSet.noneOf(Own.class)),
            Map.entry("get", EnumSet.noneOf(Own.class)),
            Map.entry("dryrun", EnumSet.noneOf(Own.class)),
            Map.entry("forget", EnumSet.noneOf(Own.class)),
            Map.entry("logs", EnumSet.noneOf(Own.class)),
            Map.entry("export", EnumSet.of(Own.TIMEOUT)));

    @Test
    void the_table_covers_every_subcommand_and_every_option_is_taken_by_one() {
        assertEquals(MultiCommand.SUBCOMMANDS.keySet(), TAKES.keySet());
        for (Own option : Own.values()) {
            assertFalse(MultiLeaf.takenBy(option).isEmpty(), option + " is taken by no subcommand");
        }
    }

    static Stream<Arguments> everySubcommandAndOption() {
        List<Arguments> all = new ArrayList<>();
        for (String subcommand : MultiCommand.SUBCOMMANDS.keySet()) {
            for (Own option : Own.values()) {
                all.add(Arguments.of(subcommand, option));
            }
        }
        return all.stream();
    }

    private static String written(Own option) {
        return option.valued() ? option.spelling() + "=2" : option.spelling();
    }

    @ParameterizedTest(name = "multi {0} with {1}")
    @MethodSource("everySubcommandAndOption")
    void a_subcommand_takes_the_options_it_reads_and_refuses_the_others(String subcommand, Own option) {
        MultiLeaf leaf = MultiCommand.SUBCOMMANDS.get(subcommand).get();
        List<String> tokens = List.of("2", written(option));
        if (TAKES.get(subcommand).contains(option)) {
            ParsedArgs parsed = leaf.parse(tokens);
            assertEquals(option.valued() ? "2" : "true", parsed.multiOptions().get(option.spelling()));
            assertTrue(parsed.options().isEmpty(), "reached the workers: " + parsed.options());
        } else if (subcommand.equals("export") && option == Own.MAX_MEMORY) {
            // export's own, for kubernetes (ExportCommand checks the engine): taken before the grammar
            leaf.parse(tokens);
            assertEquals("2", leaf.own.value(option.spelling()));
        } else {
            UsageException e = assertThrows(UsageException.class, () -> leaf.parse(tokens));
            assertEquals("multi " + subcommand + " does not take " + option.spelling() + " (it is an option of multi "
                    + listed(MultiLeaf.takenBy(option)) + ")", e.getMessage());
        }
    }

    private static String listed(List<String> names) {
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    @Test
    void the_message_names_every_subcommand_that_takes_the_option() {
        UsageException e = assertThrows(UsageException.class,
                () -> MultiCommand.SUBCOMMANDS.get("stop").get().parse(List.of("2", "--timeout", "5")));
        assertEquals("multi stop does not take --timeout (it is an option of multi stopwait, restart, supervise and"
                + " export)", e.getMessage());
        e = assertThrows(UsageException.class,
                () -> MultiCommand.SUBCOMMANDS.get("stop").get().parse(List.of("2", "--max-restarts=5")));
        assertEquals("multi stop does not take --max-restarts (it is an option of multi supervise)", e.getMessage());
    }

    @Test
    void the_first_option_written_is_the_one_named() {
        UsageException e = assertThrows(UsageException.class,
                () -> MultiCommand.SUBCOMMANDS.get("show").get().parse(List.of("2", "--rolling", "--backoff=3")));
        assertTrue(e.getMessage().startsWith("multi show does not take --rolling "), e.getMessage());
    }

    @Test
    void help_wins_over_an_option_not_taken() {
        ParsedArgs parsed = MultiCommand.SUBCOMMANDS.get("stop").get().parse(List.of("2", "--max-restarts=5", "--help"));
        assertTrue(parsed.has(io.drover.multi.Reserved.HELP));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--timeout:1=5", "--start-timeout:w1=5", "--rolling:2"})
    void multi_s_own_options_cannot_be_set_per_node(String token) {
        UsageException e = assertThrows(UsageException.class,
                () -> ArgParser.parse(List.of("2", token), true, o -> false));
        assertTrue(e.getMessage().contains("is multi's own and cannot be set per node"), e.getMessage());
    }

    @Test
    void rolling_takes_no_value() {
        UsageException e = assertThrows(UsageException.class,
                () -> ArgParser.parse(List.of("2", "--rolling=yes"), true, o -> false));
        assertEquals("--rolling=yes: --rolling takes no value", e.getMessage());
    }

    @Test
    void worker_options_still_reach_the_workers_whatever_the_subcommand() {
        ParsedArgs parsed = MultiCommand.SUBCOMMANDS.get("stop").get().parse(List.of("2", "--health-timeout=1", "-c", "3",
                "--pool=threads"));
        assertEquals(List.of("--health-timeout", "-c", "--pool"),
                parsed.options().stream().map(io.drover.multi.MultiOption::name).toList());
    }

    // ---- the naming options: one set, the grammar's and the expander's

    @Test
    void the_naming_options_are_one_set_with_n_as_hostname_s_short_form_and_without_append() {
        assertEquals(Set.of("--range-prefix", "--prefix", "--suffix", "--hostname", "-n"), ArgParser.NAMING);
        assertTrue(ArgParser.OWN_VALUED.containsAll(Set.of("--range-prefix", "--prefix", "--suffix", "--hostname",
                ArgParser.APPEND)), ArgParser.OWN_VALUED::toString);
        assertFalse(ArgParser.NAMING.contains(ArgParser.APPEND));
    }

    @Test
    void n_and_hostname_name_the_nodes_alike_and_neither_reaches_a_worker() {
        assertEquals(run("multi", "show", "2", "--hostname", "h.example", "-c", "3"),
                run("multi", "show", "2", "-n", "h.example", "-c", "3"));
        String shown = run("multi", "show", "1", "-n", "h.example").get(1);
        assertTrue(shown.contains("-n drover1@h.example"), shown);
        assertFalse(shown.contains("-n h.example"), shown);
    }

    // ---- both paths: Main's fast path and picocli's agree, word for word

    static Stream<List<String>> commandLines() {
        return Stream.of(
                List.of("multi", "stop", "2", "--max-restarts=5"),
                List.of("multi", "show", "2", "--backoff=3", "--rolling"),
                List.of("multi", "status", "2", "--timeout", "5"),
                List.of("multi", "--json", "names", "2", "--heartbeat=1"),
                List.of("multi", "get", "drover1", "2", "--batch", "2", "--json"),
                List.of("multi", "show", "2", "--timeout:1=5"),
                List.of("multi", "show", "2", "-c", "3", "-n", "h.example", "--append=--x"),
                List.of("multi", "export", "supervisord", "2", "--timeout=7"),
                List.of("multi", "export", "supervisord", "2", "--start-timeout=7"));
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void the_fast_path_and_picocli_s_give_the_same_exit_code_stdout_and_stderr(List<String> args) {
        List<String> fast = run(args.toArray(String[]::new));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.withPicocli(Main.reservedAfterSubcommand(args.toArray(String[]::new)), new PrintWriter(out),
                new PrintWriter(err));
        assertEquals(fast, List.of(String.valueOf(code), out.toString(), err.toString()), String.join(" ", args));
    }

    /** Main.run's exit code, stdout and stderr. */
    private static List<String> run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return List.of(String.valueOf(code), out.toString(), err.toString());
    }
}
