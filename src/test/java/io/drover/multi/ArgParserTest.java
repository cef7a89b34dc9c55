package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.UsageException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The token-level grammar of docs/design.md, "The multi grammar": no nodes, no host. */
class ArgParserTest {

    private static ParsedArgs parse(String... tokens) {
        return ArgParser.parse(List.of(tokens), false, Set.of()::contains);
    }

    private static ParsedArgs parseWithSignal(String... tokens) {
        return ArgParser.parse(List.of(tokens), true, Set.of()::contains);
    }

    private static MultiOption opt(String name, String namespace, String value, String written) {
        return new MultiOption(name, namespace, value, written);
    }

    @Test
    void a_lone_integer_is_a_positional() {
        ParsedArgs p = parse("3");
        assertEquals(List.of("3"), p.positionals());
        assertEquals(List.of(), p.options());
    }

    @Test
    void every_token_that_is_not_an_option_is_a_positional_in_order() {
        assertEquals(List.of("image", "video", "data", "foo@%h"), parse("image", "video", "data", "foo@%h").positionals());
    }

    @Test
    void long_option_with_equals_has_a_value() {
        assertEquals(List.of(opt("--pidfile", null, "/x/%n.pid", "--pidfile=/x/%n.pid")),
                parse("--pidfile=/x/%n.pid").options());
    }

    @Test
    void long_option_value_keeps_everything_after_the_first_equals() {
        assertEquals("a=b=c", parse("--jvm-opts=a=b=c").options().get(0).value());
    }

    @Test
    void long_option_with_empty_value_after_equals_has_the_empty_string_as_value() {
        MultiOption o = parse("--hostname=").options().get(0);
        assertEquals("", o.value());
        assertFalse(o.isFlag());
    }

    @Test
    void long_option_alone_is_a_flag_and_never_takes_the_next_token() {
        ParsedArgs p = parse("--name", "value", "3");
        assertEquals(List.of(opt("--name", null, null, "--name")), p.options());
        assertTrue(p.options().get(0).isFlag());
        assertEquals(List.of("value", "3"), p.positionals());
    }

    @Test
    void short_option_takes_the_next_token_as_value() {
        ParsedArgs p = parse("-c", "3", "image");
        assertEquals(List.of(opt("-c", null, "3", "-c")), p.options());
        assertEquals(List.of("image"), p.positionals());
    }

    @ParameterizedTest(name = "-x followed by {0} is a flag")
    @ValueSource(strings = {"-c", "--pidfile=/p", "--", "-1"})
    void short_option_followed_by_a_token_starting_with_dash_is_a_flag(String next) {
        ParsedArgs p = parse("-D", next);
        assertEquals(opt("-D", null, null, "-D"), p.options().get(0));
    }

    static Stream<Arguments> loneDashes() {
        return Stream.of(
                Arguments.of(List.of("-")),
                Arguments.of(List.of("3", "-")),
                Arguments.of(List.of("a", "-", "b")),
                Arguments.of(List.of("-D", "-")),
                Arguments.of(List.of("-c:1", "-", "2")));
    }

    /** celery multi dies with an IndexError on it; a node named "-" is never what was meant. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("loneDashes")
    void a_lone_dash_before_double_dash_is_a_usage_error(List<String> tokens) {
        UsageException e = assertThrows(UsageException.class, () -> ArgParser.parse(tokens, false, Set.of()::contains));
        assertTrue(e.getMessage().contains("'-'"), e.getMessage());
    }

    @Test
    void append_is_a_long_option_that_takes_the_next_token() {
        assertEquals(List.of(opt("--append", null, "x%n", "--append")), parse("2", "--append", "x%n").options());
    }

    @Test
    void short_option_at_the_end_is_a_flag() {
        ParsedArgs p = parse("3", "-D");
        assertEquals(List.of(opt("-D", null, null, "-D")), p.options());
        assertEquals(List.of("3"), p.positionals());
    }

    @Test
    void options_are_kept_in_the_order_written() {
        ParsedArgs p = parse("-l", "INFO", "--pidfile=/p", "-c", "3", "--flag");
        assertEquals(List.of("-l", "--pidfile", "-c", "--flag"), p.options().stream().map(MultiOption::name).toList());
    }

    static Stream<Arguments> namespaced() {
        return Stream.of(
                Arguments.of(List.of("-c:1", "10"), opt("-c", "1", "10", "-c:1")),
                Arguments.of(List.of("-c:image", "10"), opt("-c", "image", "10", "-c:image")),
                Arguments.of(List.of("-c:w1@host", "10"), opt("-c", "w1@host", "10", "-c:w1@host")),
                Arguments.of(List.of("-c:foo@%h", "10"), opt("-c", "foo@%h", "10", "-c:foo@%h")),
                Arguments.of(List.of("-Q:4,5", "data"), opt("-Q", "4,5", "data", "-Q:4,5")),
                Arguments.of(List.of("-c:1-3", "10"), opt("-c", "1-3", "10", "-c:1-3")),
                Arguments.of(List.of("--queues:1-3=images,video"),
                        opt("--queues", "1-3", "images,video", "--queues:1-3=images,video")),
                Arguments.of(List.of("--flag:image"), opt("--flag", "image", null, "--flag:image")),
                Arguments.of(List.of("-D:2"), opt("-D", "2", null, "-D:2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaced")
    void namespaced_option_splits_name_namespace_and_value(List<String> tokens, MultiOption expected) {
        assertEquals(List.of(expected), ArgParser.parse(tokens, false, Set.of()::contains).options());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-c:", "--concurrency:=3"})
    void an_empty_namespace_is_a_usage_error(String token) {
        UsageException e = assertThrows(UsageException.class, () -> parse(token, "3"));
        assertTrue(e.getMessage().contains(token), e.getMessage());
    }

    @Test
    void double_dash_ends_parsing_and_is_kept_with_everything_after_it() {
        ParsedArgs p = parse("2", "-c", "3", "--", "--extra", "x", "-c", "4", "5");
        assertEquals(List.of("--", "--extra", "x", "-c", "4", "5"), p.passthrough());
        assertEquals(List.of("2"), p.positionals());
        assertEquals(List.of(opt("-c", null, "3", "-c")), p.options());
    }

    @Test
    void double_dash_at_the_end_is_kept_alone() {
        assertEquals(List.of("--"), parse("2", "--").passthrough());
    }

    @Test
    void without_double_dash_the_passthrough_is_empty() {
        assertEquals(List.of(), parse("2", "-c", "3").passthrough());
    }

    @Test
    void a_short_option_before_double_dash_does_not_take_it_as_value() {
        ParsedArgs p = parse("2", "-D", "--", "x");
        assertEquals(List.of(opt("-D", null, null, "-D")), p.options());
        assertEquals(List.of("--", "x"), p.passthrough());
    }

    static Stream<Arguments> reservedSwitches() {
        return Stream.of(
                Arguments.of("--quiet", Reserved.QUIET),
                Arguments.of("-q", Reserved.QUIET),
                Arguments.of("--verbose", Reserved.VERBOSE),
                Arguments.of("--no-color", Reserved.NO_COLOR),
                Arguments.of("--nosplash", Reserved.NOSPLASH),
                Arguments.of("--json", Reserved.JSON),
                Arguments.of("--help", Reserved.HELP),
                Arguments.of("-h", Reserved.HELP));
    }

    @ParameterizedTest(name = "{0} first")
    @MethodSource("reservedSwitches")
    void reserved_switch_first_is_recorded_and_not_an_option(String token, Reserved flag) {
        ParsedArgs p = parse(token, "3", "-c", "3");
        assertEquals(Set.of(flag), p.reserved());
        assertTrue(p.has(flag));
        assertEquals(List.of(opt("-c", null, "3", "-c")), p.options());
        assertEquals(List.of("3"), p.positionals());
    }

    @ParameterizedTest(name = "{0} between options")
    @MethodSource("reservedSwitches")
    void reserved_switch_between_options_is_recorded_and_not_an_option(String token, Reserved flag) {
        ParsedArgs p = parse("3", "-l", "INFO", token, "-c", "3");
        assertEquals(Set.of(flag), p.reserved());
        assertEquals(List.of(opt("-l", null, "INFO", "-l"), opt("-c", null, "3", "-c")), p.options());
        assertEquals(List.of("3"), p.positionals());
    }

    @ParameterizedTest(name = "{0} last")
    @MethodSource("reservedSwitches")
    void reserved_switch_last_is_recorded_and_not_taken_as_a_value(String token, Reserved flag) {
        ParsedArgs p = parse("3", "-D", token);
        assertEquals(Set.of(flag), p.reserved());
        assertEquals(List.of(opt("-D", null, null, "-D")), p.options());
    }

    @ParameterizedTest(name = "{0} after --")
    @MethodSource("reservedSwitches")
    void reserved_switch_after_double_dash_is_passed_through(String token, Reserved flag) {
        ParsedArgs p = parse("3", "--", token);
        assertFalse(p.has(flag));
        assertEquals(Set.of(), p.reserved());
        assertEquals(List.of("--", token), p.passthrough());
    }

    @Test
    void all_reserved_switches_together_are_all_recorded() {
        ParsedArgs p = parse("--quiet", "2", "--verbose", "--no-color", "--nosplash", "--json", "--help");
        assertEquals(Set.of(Reserved.values()), p.reserved());
        assertEquals(List.of(), p.options());
        assertEquals(List.of("2"), p.positionals());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"-TERM, 15", "-9, 9", "-SIGKILL, 9", "-KILL, 9", "-INT, 2", "-HUP, 1", "-SIGTERM, 15", "-15, 15"})
    void signal_is_parsed_when_the_subcommand_accepts_one(String token, int signal) {
        ParsedArgs p = parseWithSignal("3", token);
        assertEquals(OptionalInt.of(signal), p.signal());
        assertEquals(List.of(), p.options());
        assertEquals(List.of("3"), p.positionals());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-TERM", "-9", "-SIGKILL", "-KILL"})
    void signal_is_an_option_when_the_subcommand_accepts_none(String token) {
        ParsedArgs p = parse("3", token);
        assertEquals(OptionalInt.empty(), p.signal());
        assertEquals(List.of(opt(token, null, null, token)), p.options());
    }

    @Test
    void without_a_signal_the_signal_is_empty() {
        assertEquals(OptionalInt.empty(), parseWithSignal("3", "-c", "3").signal());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-c", "-term", "-Q", "-Ofair"})
    void tokens_that_are_not_signals_stay_options_even_when_signals_are_accepted(String token) {
        ParsedArgs p = parseWithSignal("3", token, "4");
        assertEquals(OptionalInt.empty(), p.signal());
        assertEquals(List.of(opt(token, null, "4", token)), p.options());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-NOSUCH", "-HPU", "-SIGFOO", "-SIG", "-0", "-65", "-99", "-1000000000000"})
    void a_signal_the_platform_does_not_have_is_a_usage_error_naming_it(String token) {
        UsageException e = assertThrows(UsageException.class, () -> parseWithSignal("3", token));
        assertTrue(e.getMessage().contains("'" + token + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("-TERM, -SIGTERM, -15"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"-USR1, 10", "-SIGRTMIN, 34", "-RTMAX, 64", "-64, 64", "-WINCH, 28"})
    void signals_come_from_the_platforms_table(String token, int signal) {
        assertEquals(OptionalInt.of(signal), parseWithSignal("3", token).signal());
    }

    @Test
    void short_option_value_that_looks_like_a_signal_number_stays_the_value() {
        ParsedArgs p = parseWithSignal("3", "-c", "9");
        assertEquals(OptionalInt.empty(), p.signal());
        assertEquals(List.of(opt("-c", null, "9", "-c")), p.options());
    }

    @Test
    void namespaced_options_are_not_signals() {
        ParsedArgs p = parseWithSignal("3", "-Q:1", "data", "-TERM");
        assertEquals(OptionalInt.of(15), p.signal());
        assertEquals(List.of(opt("-Q", "1", "data", "-Q:1")), p.options());
    }

    @Test
    void signal_after_double_dash_is_passed_through() {
        ParsedArgs p = parseWithSignal("3", "--", "-TERM");
        assertEquals(OptionalInt.empty(), p.signal());
        assertEquals(List.of("--", "-TERM"), p.passthrough());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeouts")
    void timeout_goes_to_multi_options_not_to_workers(List<String> tokens, Map<String, String> expected) {
        ParsedArgs p = ArgParser.parse(tokens, true, Set.of()::contains);
        assertEquals(expected, p.multiOptions());
        assertEquals(List.of(), p.options());
        assertEquals(List.of("3"), p.positionals());
    }

    static Stream<Arguments> timeouts() {
        return Stream.of(
                Arguments.of(List.of("3", "--timeout", "2"), Map.of("--timeout", "2")),
                Arguments.of(List.of("3", "--timeout=2"), Map.of("--timeout", "2")),
                Arguments.of(List.of("--timeout=2", "3"), Map.of("--timeout", "2")),
                Arguments.of(List.of("3", "--start-timeout", "20"), Map.of("--start-timeout", "20")),
                Arguments.of(List.of("3", "--start-timeout=20", "--timeout", "5"),
                        Map.of("--start-timeout", "20", "--timeout", "5")));
    }

    @Test
    void timeout_without_a_value_at_the_end_is_a_usage_error() {
        UsageException e = assertThrows(UsageException.class, () -> parse("3", "--timeout"));
        assertTrue(e.getMessage().contains("--timeout"), e.getMessage());
    }

    @Test
    void parsed_lists_are_immutable() {
        ParsedArgs p = parse("3", "-c", "3", "--", "x");
        assertThrows(UnsupportedOperationException.class, () -> p.positionals().add("4"));
        assertThrows(UnsupportedOperationException.class, () -> p.options().clear());
        assertThrows(UnsupportedOperationException.class, () -> p.passthrough().clear());
    }

    @Test
    void the_input_list_is_not_modified() {
        List<String> tokens = Arrays.asList("3", "-c", "3", "--", "x");
        ArgParser.parse(tokens, false, Set.of()::contains);
        assertEquals(List.of("3", "-c", "3", "--", "x"), tokens);
    }
}
