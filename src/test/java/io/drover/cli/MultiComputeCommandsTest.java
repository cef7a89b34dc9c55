package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.Host;
import io.drover.core.Install;
import io.drover.core.ShellWords;
import io.drover.launch.NodeLaunch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The multi commands that only compute, black-box through {@link Main#run}: exit code, stdout
 * and stderr, as a script sees them. The host is the real one.
 */
class MultiComputeCommandsTest {

    static final Host HOST = Host.current();
    static final String H = HOST.hostname();
    static final List<String> SUBCOMMANDS = List.of("show", "names", "expand", "get", "help");

    record Result(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    static Result multi(String line) {
        List<String> args = new ArrayList<>(List.of("multi"));
        args.addAll(List.of(line.split(" ")));
        return run(args.toArray(String[]::new));
    }

    static void assertOk(Result r) {
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    /** Exit 64, nothing on stdout, exactly one line on stderr mentioning each part, no trace. */
    static void assertOneLineUsageError(Result r, String... parts) {
        assertEquals(64, r.code(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        for (String part : parts) {
            assertTrue(r.err().contains(part), () -> "stderr should mention '" + part + "'\n" + r);
        }
        assertNoStackTrace(r);
    }

    static void assertNoStackTrace(Result r) {
        assertFalse(r.err().contains("\tat "), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    /** The argv multi start would spawn for one node, as docs/design.md and NodeLaunch describe it. */
    static List<String> expectedArgv(String shortName, String nodename, String... options) {
        List<String> argv = new ArrayList<>();
        argv.add(Install.java());
        argv.addAll(NodeLaunch.DEFAULT_JVM_OPTIONS);
        // a heap dump on OutOfMemoryError, by default into heapdump/NAME beside the logfile
        String logDir = HOST.defaultLogfile().substring(0, HOST.defaultLogfile().lastIndexOf('/'));
        argv.add("-XX:+HeapDumpOnOutOfMemoryError");
        argv.add("-XX:HeapDumpPath=" + logDir + "/heapdump/" + shortName);
        argv.add("-cp");
        argv.add(Install.classpath());
        argv.add("io.drover.cli.Main");
        argv.addAll(List.of("worker", "--detach", "-n", nodename,
                "--pidfile=" + HOST.defaultPidfile().replace("%n", shortName),
                "--logfile=" + HOST.defaultLogfile().replace("%n", shortName)));
        argv.addAll(List.of(options));
        return argv;
    }

    static Stream<IssueTwoExamples.Example> issueTwoExamples() {
        return IssueTwoExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("issueTwoExamples")
    void issue_two_example_holds(IssueTwoExamples.Example example) {
        Result r = run(Stream.concat(Stream.of("multi"), example.args().stream()).toArray(String[]::new));
        IssueTwoExamples.check(example, H, r.code(), r.out(), r.err(), ShellWords::split);
    }

    static Stream<IssueTwoExamples.Example> grammarParityExamples() {
        return GrammarParityExamples.all(H);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grammarParityExamples")
    void grammar_parity_example_holds(IssueTwoExamples.Example example) {
        Result r = run(Stream.concat(Stream.of("multi"), example.args().stream()).toArray(String[]::new));
        IssueTwoExamples.check(example, H, r.code(), r.out(), r.err(), ShellWords::split);
        if (example.kind() == IssueTwoExamples.Kind.USAGE_ERROR) {
            assertNoStackTrace(r);
        }
    }

    // ---- two namespaces setting one option on one node

    @Test
    void two_namespaces_setting_one_option_on_one_node_warn_once_and_the_last_written_wins() {
        Result r = multi("show 3 -c:1-3 5 -c:2-3 7");
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("drover1@" + H + " -c 5", "drover2@" + H + " -c 7", "drover3@" + H + " -c 7"),
                nodeAndOptions(r));
        assertEquals(1, r.errLines().size(), r::toString);
        String warning = r.errLines().get(0);
        assertTrue(warning.startsWith("drover: warning: "), r::toString);
        for (String part : List.of("-c:2-3 7", "-c:1-3 5", "drover2@" + H, "drover3@" + H)) {
            assertTrue(warning.contains(part), () -> "the warning should mention '" + part + "'\n" + r);
        }
    }

    @Test
    void the_warning_goes_to_stderr_and_leaves_json_on_stdout_intact() {
        Result r = multi("names 2 -c:1 5 -c:1 6 --json");
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("drover1@" + H, "drover2@" + H), JsonText.array(r.out()));
        assertEquals(1, r.errLines().size(), r::toString);
    }

    @ParameterizedTest(name = "multi {0}")
    @ValueSource(strings = {"show 3 -c:1-3 5 -c:2 5", "show 3 -c 3 -c:2 7", "show 3 -c:1 5 -c:2 7", "show 3 -c 3 -c 4"})
    void no_warning_when_no_two_namespaces_give_one_node_different_values(String line) {
        assertOk(multi(line));
    }

    // ---- the worker's own nodename

    @ParameterizedTest(name = "worker -n {0}")
    @ValueSource(strings = {"../../x", "a/b@h", "..", "w1@..", "a\\nb"})
    void worker_nodename_that_is_not_a_name_is_a_usage_error(String nodename) {
        // --umask=bad is checked after the nodename: today's code reports the umask and runs nothing
        Result r = run("worker", "-n", nodename.replace("\\n", "\n"), "--umask=bad");
        assertEquals(64, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("-n"), r::toString);
        assertTrue(r.err().contains(nodename.replace("@h", "")), r::toString);
        assertNoStackTrace(r);
    }

    // ---- show

    @Test
    void show_prints_the_exact_jvm_command_line_of_each_node() {
        Result r = multi("show 2 -c 3");
        assertOk(r);
        assertEquals(2, r.outLines().size(), r::toString);
        assertEquals(expectedArgv("drover1", "drover1@" + H, "-c", "3"), ShellWords.split(r.outLines().get(0)));
        assertEquals(expectedArgv("drover2", "drover2@" + H, "-c", "3"), ShellWords.split(r.outLines().get(1)));
    }

    @Test
    void show_line_is_the_shell_quoted_argv() {
        Result r = multi("show 1 -c 3");
        assertOk(r);
        assertEquals(ShellWords.join(expectedArgv("drover1", "drover1@" + H, "-c", "3")), r.outLines().get(0));
    }

    @Test
    void show_puts_jvm_opts_before_the_classpath_and_executable_first() {
        Result r = run("multi", "show", "1", "--executable=/opt/jdk/bin/java", "--jvm-opts=-Xmx64m -Dnode=%n");
        assertOk(r);
        List<String> argv = ShellWords.split(r.outLines().get(0));
        assertEquals("/opt/jdk/bin/java", argv.get(0));
        int cp = argv.indexOf("-cp");
        assertTrue(argv.subList(1, cp).containsAll(List.of("-Xmx64m", "-Dnode=drover1")), argv::toString);
        assertEquals("io.drover.cli.Main", argv.get(cp + 2));
    }

    @Test
    void show_with_hostname_and_a_range_namespace_sets_both_nodes() {
        Result r = multi("show 2 --hostname=x -c:1-2 5");
        assertOk(r);
        assertEquals(List.of("drover1@x -c 5", "drover2@x -c 5"), nodeAndOptions(r));
    }

    @Test
    void show_with_named_nodes_and_full_nodename_namespace() {
        Result r = run("multi", "show", "a", "b", "-c:b@" + H, "7");
        assertOk(r);
        assertEquals(List.of("a@" + H, "b@" + H + " -c 7"), nodeAndOptions(r));
    }

    @Test
    void show_expands_templates_per_node_and_keeps_worker_keys() {
        Result r = multi("show 2 --workdir=/var/lib/%n.d -Q %d --pidfile=/tmp/x/%n.pid --logfile=/tmp/x/%n%I.log");
        assertOk(r);
        List<String> words = ShellWords.split(r.outLines().get(1));
        assertTrue(words.contains("--pidfile=/tmp/x/drover2.pid"), words::toString);
        assertTrue(words.contains("--logfile=/tmp/x/drover2%I.log"), words::toString);
        assertEquals(List.of("drover1@" + H + " --workdir=/var/lib/drover1.d -Q " + H,
                "drover2@" + H + " --workdir=/var/lib/drover2.d -Q " + H), nodeAndOptions(r));
    }

    @Test
    void names_with_an_empty_suffix_end_with_at() {
        Result r = run("multi", "names", "2", "--suffix=\"\"");
        assertOk(r);
        assertEquals(List.of("drover1@", "drover2@"), r.outLines());
    }

    @Test
    void show_passthrough_keeps_reserved_switches_for_the_worker() {
        Result r = multi("show 2 -- --json -q --help");
        assertOk(r);
        assertEquals(List.of("drover1@" + H + " -- --json -q --help", "drover2@" + H + " -- --json -q --help"),
                nodeAndOptions(r));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--nosplash", "--no-color", "--quiet", "-q", "--verbose"})
    void output_switch_anywhere_after_the_subcommand_is_accepted_and_not_passed_on(String flag) {
        for (String line : List.of("show " + flag + " 2 -c 3", "show 2 " + flag + " -c 3", "show 2 -c 3 " + flag)) {
            Result r = multi(line);
            assertOk(r);
            assertEquals(List.of("drover1@" + H + " -c 3", "drover2@" + H + " -c 3"), nodeAndOptions(r), line);
        }
    }

    /** docs/cli.md: the output switches work "anywhere after multi and before --", as in celery multi. */
    @ParameterizedTest(name = "multi {0} names 2")
    @ValueSource(strings = {"--nosplash", "--no-color", "--quiet", "-q", "--verbose"})
    void output_switch_between_multi_and_the_subcommand_is_accepted(String flag) {
        Result r = run("multi", flag, "names", "2");
        assertOk(r);
        assertEquals(List.of("drover1@" + H, "drover2@" + H), r.outLines());
    }

    /** docs/cli.md: the output switches work "anywhere after multi and before --", as in celery multi. */
    @Test
    void json_between_multi_and_the_subcommand_gives_json() {
        Result r = run("multi", "--json", "names", "2");
        assertOk(r);
        assertEquals(List.of("drover1@" + H, "drover2@" + H), JsonText.array(r.out()));
    }

    /** Issue 26: show reads no --timeout, so it refuses one rather than drop it (it never reaches a worker). */
    @Test
    void show_refuses_a_timeout_and_names_the_subcommands_that_take_it() {
        Result r = multi("show 2 --timeout 5 -c 3 --timeout=6");
        assertOneLineUsageError(r, "multi show does not take --timeout",
                "(it is an option of multi stopwait, restart, supervise and export)");
    }

    @Test
    void show_json_prints_an_array_of_nodes_with_their_argv() {
        Result r = multi("show 2 -c 3 --json");
        assertOk(r);
        List<Object> nodes = JsonText.array(r.out());
        assertEquals(2, nodes.size());
        Map<String, Object> second = JsonText.object(nodes.get(1));
        assertEquals("drover2", second.get("name"));
        assertEquals("drover2@" + H, second.get("nodename"));
        assertEquals(HOST.defaultPidfile().replace("%n", "drover2"), second.get("pidfile"));
        // the path the main process writes: %I is empty there
        assertEquals(HOST.defaultLogfile().replace("%n", "drover2").replace("%I", ""), second.get("logfile"));
        assertEquals(expectedArgv("drover2", "drover2@" + H, "-c", "3"), second.get("argv"));
    }

    @Test
    void show_json_argv_equals_the_text_line() {
        Result text = multi("show 3 -c:2 9 -- x y");
        assertOk(text);
        Result asJson = multi("show 3 -c:2 9 --json -- x y");
        assertOk(asJson);
        List<Object> nodes = JsonText.array(asJson.out());
        for (int i = 0; i < 3; i++) {
            assertEquals(ShellWords.split(text.outLines().get(i)), JsonText.object(nodes.get(i)).get("argv"));
        }
    }

    // ---- names

    @Test
    void names_prints_one_nodename_per_line() {
        Result r = multi("names 3");
        assertOk(r);
        assertEquals(List.of("drover1@" + H, "drover2@" + H, "drover3@" + H), r.outLines());
    }

    @Test
    void names_of_named_nodes_with_prefix_and_hostname() {
        Result r = multi("names a b foo@%h -n box --prefix=p-");
        assertOk(r);
        assertEquals(List.of("p-a@box", "p-b@box", "foo@" + H), r.outLines());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"names --json 3", "names 3 --json", "names 3 -c 3 --json -l INFO"})
    void names_json_is_an_array_of_nodenames(String line) {
        Result r = multi(line);
        assertOk(r);
        assertEquals(List.of("drover1@" + H, "drover2@" + H, "drover3@" + H), JsonText.array(r.out()));
    }

    // ---- expand

    @Test
    void expand_prints_the_template_per_node() {
        Result r = multi("expand /var/run/%n.pid 3");
        assertOk(r);
        assertEquals(List.of("/var/run/drover1.pid", "/var/run/drover2.pid", "/var/run/drover3.pid"), r.outLines());
    }

    @Test
    void expand_gives_the_main_process_view_of_worker_keys() {
        Result r = multi("expand %n%I.log|%i|100%% w1");
        assertOk(r);
        assertEquals(List.of("w1.log|0|100%"), r.outLines());
    }

    @Test
    void expand_json_is_an_array_of_nodename_and_value() {
        Result r = multi("expand %n.pid foo bar@%h --json");
        assertOk(r);
        List<Object> rows = JsonText.array(r.out());
        assertEquals(List.of(Map.of("nodename", "foo@" + H, "value", "foo.pid"),
                Map.of("nodename", "bar@" + H, "value", "bar.pid")), rows);
    }

    @Test
    void expand_without_a_template_is_a_usage_error() {
        assertOneLineUsageError(multi("expand"), "TEMPLATE");
    }

    @Test
    void expand_without_nodes_is_a_usage_error() {
        assertOneLineUsageError(multi("expand %n"), "no nodes");
    }

    @Test
    void expand_unknown_key_in_the_template_is_a_usage_error_naming_it() {
        assertOneLineUsageError(multi("expand %n.%x 2"), "%x");
    }

    // ---- get

    @ParameterizedTest(name = "get {0}")
    @ValueSource(strings = {"drover2@HOST", "drover2"})
    void get_prints_one_nodes_command_line(String wanted) {
        Result r = run("multi", "get", wanted.replace("HOST", H), "3", "-c", "3");
        assertOk(r);
        assertEquals(1, r.outLines().size(), r::toString);
        assertEquals(expectedArgv("drover2", "drover2@" + H, "-c", "3"), ShellWords.split(r.outLines().get(0)));
    }

    @Test
    void get_json_is_one_object_for_the_node() {
        Result r = run("multi", "get", "bar@" + H, "foo", "bar", "-c", "3", "-c:bar", "5", "--json");
        assertOk(r);
        Map<String, Object> node = JsonText.object(JsonText.parse(r.out()));
        assertEquals("bar", node.get("name"));
        assertEquals("bar@" + H, node.get("nodename"));
        assertEquals(expectedArgv("bar", "bar@" + H, "-c", "5"), node.get("argv"));
    }

    @Test
    void get_of_a_missing_node_exits_1_with_a_message_on_stderr() {
        Result r = multi("get nope@nowhere 3");
        assertEquals(1, r.code(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("nope@nowhere"), r::toString);
        assertNoStackTrace(r);
    }

    @Test
    void get_without_arguments_is_a_usage_error() {
        assertOneLineUsageError(multi("get"), "NODENAME");
    }

    // ---- bad input

    @Test
    void unknown_subcommand_exits_64_naming_it() {
        Result r = multi("foo");
        assertEquals(64, r.code(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.errLines().get(0).contains("'foo'"), r::toString);
        assertNoStackTrace(r);
    }

    @Test
    void index_past_the_node_count_is_one_line_naming_index_4_and_3_nodes() {
        assertOneLineUsageError(multi("show 3 -c:4 5"), "index 4", "3 nodes");
    }

    @ParameterizedTest(name = "multi {0}")
    @ValueSource(strings = {"show", "names", "show -c 3", "get drover1"})
    void no_nodes_is_a_usage_error(String line) {
        assertOneLineUsageError(multi(line), "no nodes");
    }

    @Test
    void no_nodes_with_json_is_the_line_on_stderr_and_a_json_error_on_stdout() {
        Result r = multi("names --json");
        assertEquals(64, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        Map<String, Object> error = JsonText.object(JsonText.parse(r.out()));
        assertTrue(((String) error.get("error")).contains("no nodes"), r::toString);
        assertEquals(64.0, error.get("exit"), r::toString);
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("show 3 -c:0 5", List.of("index 0", "3 nodes")),
                Arguments.of("names a b -c:3 5", List.of("index 3", "2 nodes")),
                Arguments.of("show a b -c:1-2 5", List.of("1-2")),
                Arguments.of("show 2 -c %x", List.of("%x")),
                Arguments.of("names 2 --pidfile=/run/%y.pid", List.of("%y")),
                Arguments.of("show a b -c:zz 5", List.of("zz")),
                Arguments.of("show 0", List.of("0")),
                Arguments.of("show 2 --prefix:1=x", List.of("--prefix")));
    }

    @ParameterizedTest(name = "multi {0}")
    @MethodSource("badInput")
    void bad_input_is_one_line_on_stderr_and_exit_64(String line, List<String> parts) {
        assertOneLineUsageError(multi(line), parts.toArray(String[]::new));
    }

    @Test
    void verbose_usage_error_also_prints_the_stack_trace() {
        Result r = multi("show 3 -c:4 5 --verbose");
        assertEquals(64, r.code(), r::toString);
        assertTrue(r.errLines().get(0).contains("index 4"), r::toString);
        assertTrue(r.err().contains("\tat "), r::toString);
    }

    @Test
    void verbose_after_double_dash_is_the_workers_and_prints_no_stack_trace() {
        assertOneLineUsageError(multi("show 3 -c:4 5 -- --verbose"), "index 4", "3 nodes");
    }

    // ---- help

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"multi --help", "multi -h", "multi help"})
    void multi_help_lists_every_subcommand_and_examples(String line) {
        Result r = run(line.split(" "));
        assertOk(r);
        String out = r.out();
        assertTrue(out.contains("Usage:"), out);
        int commands = out.indexOf("Commands:");
        assertTrue(commands > 0, out);
        List<String> listed = out.substring(commands).lines()
                .map(String::strip)
                .map(l -> l.split("\\s+")[0])
                .toList();
        for (String sub : SUBCOMMANDS) {
            assertTrue(listed.contains(sub), () -> sub + " should be listed:\n" + out);
        }
        assertTrue(out.contains("Examples:"), out);
        assertTrue(out.contains("drover multi start 3 -c 3"), out);
        assertTrue(out.contains("drover multi start 10 -l INFO -Q:1-3 images,video"), out);
        assertTrue(out.contains("drover multi expand '%n.pid' foo bar@%h"), out);
        assertTrue(out.contains("Exit codes:"), out);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"multi --help", "multi help"})
    void multi_help_has_no_unrendered_format_specifiers(String line) {
        Result r = run(line.split(" "));
        assertOk(r);
        assertFalse(r.out().contains("%nUsage"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Usage: drover multi")), r.out());
    }

    @Test
    void multi_help_and_multi_dash_dash_help_print_the_same() {
        assertEquals(run("multi", "--help").out(), run("multi", "help").out());
    }

    @ParameterizedTest(name = "multi {0}")
    @ValueSource(strings = {"show --help", "show -h", "show 3 -c 3 --help", "help show"})
    void subcommand_help_prints_its_usage_and_exits_0(String line) {
        Result r = multi(line);
        assertOk(r);
        assertTrue(r.out().startsWith("Usage: drover multi show"), r::toString);
        assertTrue(r.out().contains("Example"), r::toString);
        assertFalse(r.out().contains("worker --detach"), "help, not a command line: " + r);
    }

    @ParameterizedTest(name = "multi {0} --help")
    @ValueSource(strings = {"show", "names", "expand", "get"})
    void every_compute_subcommand_has_help_with_an_example(String sub) {
        Result r = run("multi", sub, "--help");
        assertOk(r);
        assertTrue(r.out().contains("drover multi " + sub), r::toString);
        assertTrue(r.out().contains("Example"), r::toString);
    }

    @Test
    void help_after_double_dash_is_passed_to_the_workers() {
        Result r = multi("show 1 -- --help");
        assertOk(r);
        assertEquals(List.of("drover1@" + H + " -- --help"), nodeAndOptions(r));
    }

    @Test
    void drover_help_lists_multi_and_the_quick_start() {
        Result r = run("--help");
        assertOk(r);
        assertTrue(r.out().startsWith("Usage: drover"), r.out());
        assertTrue(r.out().contains("multi"), r.out());
        assertTrue(r.out().contains("-V, --version"), r.out());
    }

    @Test
    void drover_version_names_drover_and_the_java_it_runs_on() {
        Result r = run("--version");
        assertOk(r);
        assertTrue(r.outLines().get(0).startsWith("drover "), r.out());
        assertTrue(r.out().contains(System.getProperty("java.home")), r.out());
    }

    @Test
    void unknown_option_of_drover_is_a_usage_error_with_a_hint() {
        Result r = run("--no-such-option");
        assertEquals(64, r.code(), r::toString);
        assertTrue(r.err().contains("--no-such-option"), r::toString);
        assertTrue(r.err().contains("--help"), r::toString);
        assertNoStackTrace(r);
    }

    private static List<String> nodeAndOptions(Result r) {
        return r.outLines().stream().map(l -> IssueTwoExamples.nodeAndOptions(ShellWords.split(l))).toList();
    }
}
