package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.Host;
import io.drover.core.NodeName;
import io.drover.core.Templates;
import io.drover.core.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Node expansion over the grammar with a fake host named HOST: pure, nothing touches the disk. */
class NodeExpanderTest {

    static final Host ROOT = new Host("HOST", true, Map.of());

    static List<NodeSpec> expand(String... tokens) {
        return expand(ROOT, tokens);
    }

    static List<NodeSpec> expand(Host host, String... tokens) {
        ParsedArgs parsed = ArgParser.parse(List.of(tokens), false, Set.of()::contains);
        return NodeExpander.expand(parsed.positionals(), parsed, host, warning -> { });
    }

    /** The warnings expanding {@code tokens} gives. */
    static List<String> warnings(String... tokens) {
        ParsedArgs parsed = ArgParser.parse(List.of(tokens), false, Set.of()::contains);
        List<String> warnings = new ArrayList<>();
        NodeExpander.expand(parsed.positionals(), parsed, ROOT, warnings::add);
        return warnings;
    }

    static List<String> nodenames(List<NodeSpec> nodes) {
        return nodes.stream().map(n -> n.nodename().full()).toList();
    }

    /** What the worker gets after {@code -n NODENAME --pidfile=.. --logfile=..}. */
    static List<String> rest(NodeSpec node) {
        List<String> args = node.workerArgs();
        return args.subList(4, args.size());
    }

    static UsageException usageError(String... tokens) {
        return assertThrows(UsageException.class, () -> expand(tokens));
    }

    static void assertMentions(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    /** Issue 2, "Examples that must hold", one test each, HOST being the fake host's name. */
    @Nested
    class IssueTwoExamples {

        @Test
        void show_3_c_3_gives_drover1_to_drover3_each_with_c_3() {
            List<NodeSpec> nodes = expand("3", "-c", "3");
            assertEquals(List.of("drover1@HOST", "drover2@HOST", "drover3@HOST"), nodenames(nodes));
            for (NodeSpec node : nodes) {
                assertEquals(List.of("-n", node.nodename().full(),
                        "--pidfile=/run/drover/" + node.name() + ".pid",
                        "--logfile=/var/log/drover/" + node.name() + "%I.log",
                        "-c", "3"), node.workerArgs());
            }
        }

        @Test
        void show_3_range_prefix_worker_gives_worker1_to_worker3() {
            List<NodeSpec> nodes = expand("3", "--range-prefix=worker", "-c", "3");
            assertEquals(List.of("worker1@HOST", "worker2@HOST", "worker3@HOST"), nodenames(nodes));
            nodes.forEach(n -> assertEquals(List.of("-c", "3"), rest(n)));
        }

        @Test
        void show_image_video_data_with_c_image_10_gives_image_10_and_the_others_3() {
            List<NodeSpec> nodes = expand("image", "video", "data", "-c", "3", "-c:image", "10");
            assertEquals(List.of("image@HOST", "video@HOST", "data@HOST"), nodenames(nodes));
            assertEquals(List.of("-c", "10"), rest(nodes.get(0)));
            assertEquals(List.of("-c", "3"), rest(nodes.get(1)));
            assertEquals(List.of("-c", "3"), rest(nodes.get(2)));
        }

        @Test
        void show_2_hostname_worker_example_com_gives_nodes_on_that_host() {
            List<NodeSpec> nodes = expand("2", "--hostname=worker.example.com");
            assertEquals(List.of("drover1@worker.example.com", "drover2@worker.example.com"), nodenames(nodes));
            nodes.forEach(n -> assertEquals(List.of(), rest(n)));
        }

        @Test
        void show_foo_at_h_bar_at_h_gives_foo_at_host_and_bar_at_host() {
            assertEquals(List.of("foo@HOST", "bar@HOST"), nodenames(expand("foo@%h", "bar@%h")));
        }

        @Test
        void show_10_with_queue_ranges_lists_and_a_namespaced_loglevel() {
            List<NodeSpec> nodes = expand("10", "-l", "INFO", "-Q:1-3", "images,video", "-Q:4,5", "data",
                    "-Q", "default", "-L:4,5", "DEBUG");
            assertEquals(10, nodes.size());
            for (NodeSpec node : nodes) {
                int i = node.index();
                List<String> expected = i <= 3 ? List.of("-l", "INFO", "-Q", "images,video")
                        : i <= 5 ? List.of("-l", "INFO", "-Q", "data", "-L", "DEBUG")
                        : List.of("-l", "INFO", "-Q", "default");
                assertEquals(expected, rest(node), "node " + i);
                assertEquals("drover" + i + "@HOST", node.nodename().full());
            }
        }

        @Test
        void show_5_c_3_with_c_1_3_10_gives_nodes_1_to_3_ten_and_4_5_three() {
            List<NodeSpec> nodes = expand("5", "-c", "3", "-c:1-3", "10");
            List<List<String>> rests = nodes.stream().map(NodeExpanderTest::rest).toList();
            assertEquals(List.of(List.of("-c", "10"), List.of("-c", "10"), List.of("-c", "10"),
                    List.of("-c", "3"), List.of("-c", "3")), rests);
        }

        @Test
        void show_foo_bar_baz_xuzzy_with_c_foo_bar_baz_10_leaves_xuzzy_alone_with_3() {
            List<NodeSpec> nodes = expand("foo", "bar", "baz", "xuzzy", "-c", "3", "-c:foo,bar,baz", "10");
            assertEquals(List.of("foo@HOST", "bar@HOST", "baz@HOST", "xuzzy@HOST"), nodenames(nodes));
            assertEquals(List.of("-c", "10"), rest(nodes.get(0)));
            assertEquals(List.of("-c", "10"), rest(nodes.get(1)));
            assertEquals(List.of("-c", "10"), rest(nodes.get(2)));
            assertEquals(List.of("-c", "3"), rest(nodes.get(3)));
        }

        @Test
        void show_2_with_passthrough_ends_both_command_lines_with_it() {
            List<NodeSpec> nodes = expand("2", "--", "--extra", "x");
            assertEquals(2, nodes.size());
            for (NodeSpec node : nodes) {
                List<String> args = node.workerArgs();
                assertEquals(List.of("--", "--extra", "x"), args.subList(args.size() - 3, args.size()));
                assertEquals(List.of("--", "--extra", "x"), rest(node));
            }
        }

        @Test
        void expand_n_pid_over_foo_and_bar_at_h_gives_foo_pid_and_bar_pid() {
            assertEquals(List.of("foo.pid", "bar.pid"), expandTemplate("%n.pid", "foo", "bar@%h"));
        }

        @Test
        void expand_h_n_d_over_w1_gives_full_short_and_host() {
            assertEquals(List.of("w1@HOST|w1|HOST"), expandTemplate("%h|%n|%d", "w1"));
        }

        @Test
        void show_3_with_c_namespaced_to_index_4_names_index_4_and_the_3_nodes() {
            UsageException e = usageError("3", "-c:4", "5");
            assertMentions(e, "4", "3 nodes");
        }

        /** What {@code multi expand TEMPLATE NODES} prints: the main process's view of the template. */
        private List<String> expandTemplate(String template, String... nodes) {
            return expand(nodes).stream()
                    .map(n -> Templates.expandForProcess(template, n.nodename(), Templates.MAIN_PROCESS, "TEMPLATE"))
                    .toList();
        }
    }

    @Nested
    class NodeNames {

        @Test
        void one_count_gives_that_many_nodes_named_after_the_default_range_prefix() {
            List<NodeSpec> nodes = expand("3");
            assertEquals(List.of("drover1", "drover2", "drover3"), nodes.stream().map(NodeSpec::name).toList());
            assertEquals(List.of(1, 2, 3), nodes.stream().map(NodeSpec::index).toList());
            assertEquals(NodeName.of("drover2", "HOST"), nodes.get(1).nodename());
        }

        @Test
        void count_of_one_gives_one_node() {
            assertEquals(List.of("drover1@HOST"), nodenames(expand("1")));
        }

        @Test
        void names_give_one_node_each_in_order() {
            List<NodeSpec> nodes = expand("image", "video");
            assertEquals(List.of("image@HOST", "video@HOST"), nodenames(nodes));
            assertEquals(List.of("image", "video"), nodes.stream().map(NodeSpec::name).toList());
            assertEquals(List.of(1, 2), nodes.stream().map(NodeSpec::index).toList());
        }

        @Test
        void a_number_among_several_positionals_is_a_name_not_a_count() {
            assertEquals(List.of("3@HOST", "foo@HOST"), nodenames(expand("3", "foo")));
        }

        @Test
        void full_nodename_is_kept_as_given() {
            List<NodeSpec> nodes = expand("w1@box.example.com", "w2@other");
            assertEquals(List.of("w1@box.example.com", "w2@other"), nodenames(nodes));
            assertEquals("w1", nodes.get(0).nodename().shortName());
            assertEquals("box.example.com", nodes.get(0).nodename().hostPart());
        }

        @Test
        void percent_h_in_a_full_nodename_is_this_host() {
            NodeSpec node = expand("foo@%h").get(0);
            assertEquals(new NodeName("foo@HOST", "foo", "HOST"), node.nodename());
        }

        @Test
        void percent_h_inside_a_longer_host_part_is_expanded() {
            assertEquals(List.of("foo@HOST.internal"), nodenames(expand("foo@%h.internal")));
        }

        @Test
        void full_nodenames_ignore_prefix_suffix_and_hostname() {
            assertEquals(List.of("foo@HOST", "w1@box"),
                    nodenames(expand("foo@%h", "w1@box", "--prefix=p-", "--suffix=s", "--hostname=h")));
        }

        @Test
        void full_and_plain_names_mix() {
            assertEquals(List.of("foo@box", "bar@HOST"), nodenames(expand("foo@box", "bar")));
        }

        @Test
        void range_prefix_names_counted_nodes() {
            assertEquals(List.of("w1@HOST", "w2@HOST"), nodenames(expand("2", "--range-prefix=w")));
        }

        @Test
        void range_prefix_does_not_rename_named_nodes() {
            assertEquals(List.of("a@HOST", "b@HOST"), nodenames(expand("a", "b", "--range-prefix=w")));
        }

        @Test
        void prefix_goes_before_each_named_node() {
            assertEquals(List.of("p-a@HOST", "p-b@HOST"), nodenames(expand("a", "b", "--prefix=p-")));
        }

        @Test
        void prefix_is_ignored_for_counted_nodes_which_range_prefix_names() {
            List<NodeSpec> nodes = expand("2", "--prefix=p-");
            assertEquals(List.of("drover1@HOST", "drover2@HOST"), nodenames(nodes));
            assertEquals("/run/drover/drover1.pid", nodes.get(0).pidfile());
            assertEquals("/var/log/drover/drover1%I.log", nodes.get(0).logfile());
        }

        @Test
        void suffix_replaces_the_host_part() {
            assertEquals(List.of("drover1@.example.com", "drover2@.example.com"),
                    nodenames(expand("2", "--suffix=.example.com")));
        }

        @ParameterizedTest(name = "--suffix={0}")
        @ValueSource(strings = {"\"\"", "''"})
        void suffix_written_as_quoted_empty_means_empty_and_the_nodename_ends_with_at(String empty) {
            List<NodeSpec> nodes = expand("2", "--suffix=" + empty);
            assertEquals(List.of("drover1@", "drover2@"), nodenames(nodes));
            assertEquals("", nodes.get(0).nodename().hostPart());
            assertEquals("drover1", nodes.get(0).nodename().shortName());
        }

        @Test
        void suffix_beats_hostname() {
            assertEquals(List.of("a@S"), nodenames(expand("a", "--hostname=H", "--suffix=S")));
        }

        @Test
        void hostname_with_equals_sets_the_host_part() {
            assertEquals(List.of("a@worker.example.com"), nodenames(expand("a", "--hostname=worker.example.com")));
        }

        @Test
        void short_n_with_a_value_sets_the_host_part() {
            assertEquals(List.of("drover1@X", "drover2@X"), nodenames(expand("2", "-n", "X")));
        }

        @Test
        void percent_h_in_hostname_is_this_host() {
            assertEquals(List.of("a@HOST.internal"), nodenames(expand("a", "--hostname=%h.internal")));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"--range-prefix=w", "--prefix=p", "--suffix=s", "--hostname=h"})
        void naming_options_are_not_passed_to_workers(String naming) {
            NodeSpec node = expand("a", naming, "-c", "3").get(0);
            assertEquals(List.of("-c", "3"), rest(node));
        }

        @Test
        void short_n_is_not_passed_to_workers_except_as_the_nodename() {
            NodeSpec node = expand("a", "-n", "X", "-c", "3").get(0);
            assertEquals(List.of("-n", "a@X"), node.workerArgs().subList(0, 2));
            assertEquals(List.of("-c", "3"), rest(node));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"--prefix:1=p", "--hostname:a=h", "--suffix:1=s", "--range-prefix:1=w"})
        void naming_option_set_per_node_is_a_usage_error(String token) {
            assertMentions(usageError("a", "b", token), token.substring(0, token.indexOf(':')));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"--prefix", "--hostname", "--range-prefix", "--suffix", "-n"})
        void naming_option_without_a_value_is_a_usage_error(String token) {
            assertMentions(usageError("a", token), token);
        }

        @Test
        void no_nodes_is_a_usage_error() {
            assertThrows(UsageException.class, () -> expand("-c", "3"));
        }

        @Test
        void a_count_of_zero_is_a_usage_error() {
            assertMentions(usageError("0"), "0");
        }
    }

    @Nested
    class Namespaces {

        static Stream<Arguments> selections() {
            return Stream.of(
                    Arguments.of(List.of("3", "-c:2", "9"), List.of(false, true, false)),
                    Arguments.of(List.of("3", "-c:drover3", "9"), List.of(false, false, true)),
                    Arguments.of(List.of("3", "-c:drover1@HOST", "9"), List.of(true, false, false)),
                    Arguments.of(List.of("3", "-c:drover1@%h", "9"), List.of(true, false, false)),
                    Arguments.of(List.of("3", "-c:1,3", "9"), List.of(true, false, true)),
                    Arguments.of(List.of("3", "-c:1,drover2@HOST", "9"), List.of(true, true, false)),
                    Arguments.of(List.of("3", "-c:1-2", "9"), List.of(true, true, false)),
                    Arguments.of(List.of("3", "-c:2-3", "9"), List.of(false, true, true)),
                    Arguments.of(List.of("3", "-c:1-3", "9"), List.of(true, true, true)),
                    Arguments.of(List.of("3", "-c:2-2", "9"), List.of(false, true, false)),
                    Arguments.of(List.of("3", "-c:1-1,3", "9"), List.of(true, false, true)),
                    Arguments.of(List.of("a", "b", "c", "-c:2", "9"), List.of(false, true, false)),
                    Arguments.of(List.of("a", "b", "c", "-c:c", "9"), List.of(false, false, true)),
                    Arguments.of(List.of("a", "b", "c", "-c:a@HOST", "9"), List.of(true, false, false)),
                    Arguments.of(List.of("a", "b", "c", "-c:a,c", "9"), List.of(true, false, true)),
                    Arguments.of(List.of("a", "b", "c", "-c:3,a", "9"), List.of(true, false, true)),
                    Arguments.of(List.of("foo@%h", "bar@box", "-c:bar@box", "9"), List.of(false, true)),
                    Arguments.of(List.of("foo@%h", "bar@box", "-c:foo@%h", "9"), List.of(true, false)),
                    Arguments.of(List.of("foo@%h", "bar@box", "-c:foo@HOST", "9"), List.of(true, false)),
                    Arguments.of(List.of("a", "b", "--prefix=p-", "-c:b", "9"), List.of(false, true)),
                    Arguments.of(List.of("2", "--hostname=x", "-c:drover2@x", "9"), List.of(false, true)),
                    Arguments.of(List.of("2", "--range-prefix=w", "-c:w2", "9"), List.of(false, true)),
                    Arguments.of(List.of("3", "--concurrency:2=9"), List.of(false, true, false)));
        }

        @ParameterizedTest(name = "{0} selects {1}")
        @MethodSource("selections")
        void namespace_selects_the_nodes_it_names(List<String> tokens, List<Boolean> selected) {
            List<NodeSpec> nodes = expand(tokens.toArray(String[]::new));
            assertEquals(selected.size(), nodes.size());
            List<Boolean> actual = new ArrayList<>();
            for (NodeSpec node : nodes) {
                actual.add(rest(node).contains("9") || rest(node).contains("--concurrency=9"));
            }
            assertEquals(selected, actual);
        }

        @Test
        void namespaced_option_without_a_global_reaches_only_its_nodes() {
            List<NodeSpec> nodes = expand("3", "-c:2", "9");
            assertEquals(List.of(), rest(nodes.get(0)));
            assertEquals(List.of("-c", "9"), rest(nodes.get(1)));
            assertEquals(List.of(), rest(nodes.get(2)));
        }

        @Test
        void namespaced_flag_reaches_only_its_nodes() {
            List<NodeSpec> nodes = expand("2", "--without-heartbeat:2");
            assertEquals(List.of(), rest(nodes.get(0)));
            assertEquals(List.of("--without-heartbeat"), rest(nodes.get(1)));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"-c:1-2", "-c:2-3", "-c:1,2-3"})
        void index_range_on_named_nodes_is_a_usage_error(String token) {
            UsageException e = usageError("a", "b", "c", token, "9");
            assertMentions(e, token);
        }

        @Test
        void range_namespace_on_named_nodes_is_a_usage_error_that_says_a_count_is_needed() {
            UsageException e = usageError("foo", "bar", "-c:1-2", "9");
            assertMentions(e, "1-2", "count");
        }

        @ParameterizedTest(name = "{0} over {1} nodes")
        @CsvSource({
            "'3 -c:4 5', 4, 3",
            "'3 -c:0 5', 0, 3",
            "'3 -c:1,4 5', 4, 3",
            "'3 -c:2-5 5', 5, 3",
            "'3 -c:0-2 5', 0, 3",
            "'a b -c:3 5', 3, 2",
            "'a b -c:0 5', 0, 2",
            "'10 -Q:11 x', 11, 10",
        })
        void index_out_of_range_is_a_usage_error_naming_the_index_and_the_node_count(
                String line, String index, int count) {
            UsageException e = usageError(line.split(" "));
            assertMentions(e, "index " + index, count + " nodes");
        }

        @Test
        void index_past_a_single_node_names_one_node() {
            assertMentions(usageError("a", "-c:2", "5"), "index 2", "1 node");
        }

        @Test
        void huge_index_is_a_usage_error_not_an_overflow() {
            assertMentions(usageError("3", "-c:99999999999999999999", "5"), "99999999999999999999", "3 nodes");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({"'a b -c:nope 5', nope", "'3 -c:drover4 5', drover4", "'3 -c:drover1@elsewhere 5', drover1@elsewhere",
            "'a b -c:a,zz 5', zz"})
        void unknown_namespace_name_is_a_usage_error_naming_it(String line, String unknown) {
            assertMentions(usageError(line.split(" ")), unknown);
        }

        @Test
        void empty_entry_in_a_namespace_list_is_a_usage_error() {
            assertThrows(UsageException.class, () -> expand("3", "-c:1,,2", "5"));
        }

        @Test
        void backwards_range_is_a_usage_error() {
            assertMentions(usageError("3", "-c:3-1", "5"), "3-1");
        }
    }

    @Nested
    class Overlay {

        @Test
        void namespaced_written_after_the_global_beats_it_in_the_global_position() {
            List<NodeSpec> nodes = expand("2", "-c", "3", "-l", "INFO", "-c:1", "10");
            assertEquals(List.of("-c", "10", "-l", "INFO"), rest(nodes.get(0)));
            assertEquals(List.of("-c", "3", "-l", "INFO"), rest(nodes.get(1)));
        }

        @Test
        void namespaced_written_before_the_global_still_beats_it_in_the_global_position() {
            List<NodeSpec> nodes = expand("2", "-c:1", "10", "-l", "INFO", "-c", "3");
            assertEquals(List.of("-l", "INFO", "-c", "10"), rest(nodes.get(0)));
            assertEquals(List.of("-l", "INFO", "-c", "3"), rest(nodes.get(1)));
        }

        @Test
        void namespaced_long_option_beats_the_global_long_option() {
            List<NodeSpec> nodes = expand("2", "--queues:2=fast", "--queues=slow");
            assertEquals(List.of("--queues=slow"), rest(nodes.get(0)));
            assertEquals(List.of("--queues=fast"), rest(nodes.get(1)));
        }

        @Test
        void namespaced_option_without_a_global_comes_after_the_globals() {
            List<NodeSpec> nodes = expand("2", "-L:1", "DEBUG", "-l", "INFO");
            assertEquals(List.of("-l", "INFO", "-L", "DEBUG"), rest(nodes.get(0)));
            assertEquals(List.of("-l", "INFO"), rest(nodes.get(1)));
        }

        @Test
        void later_namespace_beats_an_earlier_one_for_the_same_node() {
            List<NodeSpec> nodes = expand("3", "-c:1-3", "5", "-c:2", "7");
            assertEquals(List.of(List.of("-c", "5"), List.of("-c", "7"), List.of("-c", "5")),
                    nodes.stream().map(NodeExpanderTest::rest).toList());
        }

        /** docs/cli.md: celery keeps only the full nodename's options here; drover applies both. */
        @Test
        void a_short_name_namespace_and_a_full_nodename_namespace_both_apply() {
            NodeSpec node = expand("foo", "-c:foo", "5", "-l:foo@HOST", "DEBUG").get(0);
            assertEquals(List.of("-c", "5", "-l", "DEBUG"), rest(node));
        }

        @Test
        void a_repeated_global_keeps_the_last_value_in_the_first_position() {
            NodeSpec node = expand("1", "-c", "3", "-l", "INFO", "-c", "4").get(0);
            assertEquals(List.of("-c", "4", "-l", "INFO"), rest(node));
        }

        @Test
        void flags_and_values_are_written_as_the_worker_reads_them() {
            NodeSpec node = expand("1", "-A", "com.acme.App", "--detach-ok", "-E", "--queues=q1,q2").get(0);
            assertEquals(List.of("-A", "com.acme.App", "--detach-ok", "-E", "--queues=q1,q2"), rest(node));
        }

        @Test
        void passthrough_comes_after_every_option_and_is_not_expanded() {
            NodeSpec node = expand("2", "-c", "3", "--", "-c:1", "%n", "--json").get(0);
            assertEquals(List.of("-c", "3", "--", "-c:1", "%n", "--json"), rest(node));
        }

        @Test
        void reserved_switches_are_not_passed_to_workers() {
            NodeSpec node = expand("--json", "1", "-q", "-c", "3", "--verbose", "--no-color", "--nosplash").get(0);
            assertEquals(List.of("-c", "3"), rest(node));
        }

        @Test
        void timeouts_are_not_passed_to_workers() {
            NodeSpec node = expand("1", "--timeout", "2", "--start-timeout=3").get(0);
            assertEquals(List.of(), rest(node));
        }
    }

    @Nested
    class TemplatesInOptions {

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "%h, w1@box",
            "%n, w1",
            "%N, w1",
            "%d, box",
            "%p, w1@box",
            "/var/run/%n.pid, /var/run/w1.pid",
            "%n-%d, w1-box",
            "%i, %i",
            "%I, %I",
            "%%, %%",
            "%%n, %%n",
            "/var/log/%n%I.log, /var/log/w1%I.log",
            "no templates, no templates",
        })
        void option_values_expand_node_keys_and_keep_worker_keys(String value, String expected) {
            NodeSpec node = expand("w1@box", "-x", value).get(0);
            assertEquals(expected, node.options().get("-x"));
            assertEquals(List.of("-x", expected), rest(node));
        }

        @Test
        void templates_expand_per_node() {
            List<NodeSpec> nodes = expand("3", "--statedb=/var/lib/%n.db");
            assertEquals(List.of("--statedb=/var/lib/drover1.db"), rest(nodes.get(0)));
            assertEquals(List.of("--statedb=/var/lib/drover3.db"), rest(nodes.get(2)));
        }

        @Test
        void templates_expand_in_namespaced_values() {
            List<NodeSpec> nodes = expand("2", "-Q:2", "q-%n");
            assertEquals(List.of("-Q", "q-drover2"), rest(nodes.get(1)));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"%x", "/var/run/%y.pid", "a%Zb", "%H"})
        void unknown_template_key_is_a_usage_error_naming_it(String value) {
            char key = value.charAt(value.indexOf('%') + 1);
            assertMentions(usageError("2", "-c", value), "%" + key);
        }

        @Test
        void unknown_template_key_in_pidfile_is_a_usage_error_naming_it() {
            assertMentions(usageError("2", "--pidfile=/run/%q.pid"), "%q");
        }

        @Test
        void unknown_template_key_in_a_namespaced_value_is_a_usage_error_naming_it() {
            assertMentions(usageError("2", "-c:1", "%x"), "%x");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"50%", "a%-b", "%", "100% of %", "%.pid", "%5"})
        void percent_not_followed_by_a_letter_stays_literal(String value) {
            NodeSpec node = expand("w1", "-Q", value).get(0);
            assertEquals(List.of("-Q", value), rest(node));
        }

        @Test
        void passthrough_is_left_alone_even_with_unknown_keys() {
            NodeSpec node = expand("1", "--", "%x").get(0);
            assertEquals(List.of("--", "%x"), rest(node));
        }
    }

    @Nested
    class PidfileAndLogfile {

        @Test
        void root_defaults_are_under_run_and_var_log() {
            NodeSpec node = expand("1").get(0);
            assertEquals("/run/drover/drover1.pid", node.pidfile());
            assertEquals("/var/log/drover/drover1%I.log", node.logfile());
            assertEquals(List.of("-n", "drover1@HOST", "--pidfile=/run/drover/drover1.pid",
                    "--logfile=/var/log/drover/drover1%I.log"), node.workerArgs());
        }

        @Test
        void root_host_gives_the_templated_defaults() {
            assertEquals("/run/drover/%n.pid", ROOT.defaultPidfile());
            assertEquals("/var/log/drover/%n%I.log", ROOT.defaultLogfile());
        }

        @Test
        void root_ignores_xdg_state_home() {
            Host root = new Host("HOST", true, Map.of("XDG_STATE_HOME", "/xdg", "HOME", "/root"));
            NodeSpec node = expand(root, "1").get(0);
            assertEquals("/run/drover/drover1.pid", node.pidfile());
            assertEquals("/var/log/drover/drover1%I.log", node.logfile());
        }

        @Test
        void other_users_use_xdg_state_home_when_set() {
            Host user = new Host("HOST", false, Map.of("XDG_STATE_HOME", "/home/u/state", "HOME", "/home/u"));
            NodeSpec node = expand(user, "2").get(1);
            assertEquals("/home/u/state/drover/run/drover2.pid", node.pidfile());
            assertEquals("/home/u/state/drover/log/drover2%I.log", node.logfile());
        }

        @Test
        void other_users_use_home_local_state_when_xdg_state_home_is_unset() {
            Host user = new Host("HOST", false, Map.of("HOME", "/home/u"));
            NodeSpec node = expand(user, "1").get(0);
            assertEquals("/home/u/.local/state/drover/run/drover1.pid", node.pidfile());
            assertEquals("/home/u/.local/state/drover/log/drover1%I.log", node.logfile());
        }

        @Test
        void other_users_use_home_local_state_when_xdg_state_home_is_empty() {
            Host user = new Host("HOST", false, Map.of("HOME", "/home/u", "XDG_STATE_HOME", ""));
            assertEquals("/home/u/.local/state/drover/run/%n.pid", user.defaultPidfile());
            assertEquals("/home/u/.local/state/drover/log/%n%I.log", user.defaultLogfile());
        }

        @Test
        void pidfile_and_logfile_options_replace_the_defaults_and_are_expanded() {
            NodeSpec node = expand("w1", "--pidfile=/var/run/acme/%n.pid", "--logfile=/var/log/acme/%n%I.log", "-c", "2")
                    .get(0);
            assertEquals("/var/run/acme/w1.pid", node.pidfile());
            assertEquals("/var/log/acme/w1%I.log", node.logfile());
            assertEquals(List.of("-n", "w1@HOST", "--pidfile=/var/run/acme/w1.pid",
                    "--logfile=/var/log/acme/w1%I.log", "-c", "2"), node.workerArgs());
        }

        @Test
        void short_f_is_the_logfile() {
            NodeSpec node = expand("w1", "-f", "/tmp/%n.log").get(0);
            assertEquals("/tmp/w1.log", node.logfile());
            assertEquals(List.of(), rest(node));
        }

        @Test
        void pidfile_can_be_set_per_node() {
            List<NodeSpec> nodes = expand("2", "--pidfile:2=/other/%n.pid");
            assertEquals("/run/drover/drover1.pid", nodes.get(0).pidfile());
            assertEquals("/other/drover2.pid", nodes.get(1).pidfile());
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"--pidfile", "--logfile", "--pidfile=", "--logfile="})
        void pidfile_or_logfile_without_a_value_is_a_usage_error(String token) {
            assertThrows(UsageException.class, () -> expand("w1", token));
        }
    }

    /** Issue 18, "Grammar parity, round two": where celery multi is right, one row per rule. */
    @Nested
    class GrammarParity {

        /** A host with a domain, so %h, %n and %d differ. */
        static final Host BOX = new Host("box.example.com", true, Map.of());

        static Stream<Arguments> nodenamesFromTheGrammar() {
            return Stream.of(
                    // 1. --prefix names named nodes; a count's nodes are named by --range-prefix alone
                    Arguments.of(List.of("1", "--prefix=z"), List.of("drover1@box.example.com")),
                    Arguments.of(List.of("2", "--prefix=z", "--range-prefix=w"),
                            List.of("w1@box.example.com", "w2@box.example.com")),
                    // 2. %h %n %d over the whole nodename: host part, --hostname/-n, --prefix, --suffix
                    Arguments.of(List.of("dd@x%d"), List.of("dd@xexample.com")),
                    Arguments.of(List.of("dd@%n"), List.of("dd@box")),
                    Arguments.of(List.of("%n@%h"), List.of("box@box.example.com")),
                    Arguments.of(List.of("w%n"), List.of("wbox@box.example.com")),
                    Arguments.of(List.of("2", "--hostname=%n.x"), List.of("drover1@box.x", "drover2@box.x")),
                    Arguments.of(List.of("2", "-n", "%d"), List.of("drover1@example.com", "drover2@example.com")),
                    Arguments.of(List.of("bar", "--prefix=%h-"), List.of("box.example.com-bar@box.example.com")),
                    Arguments.of(List.of("bar", "--suffix=%n.lan"), List.of("bar@box.lan")),
                    Arguments.of(List.of("2", "--range-prefix=%n-"), List.of("box-1@box.example.com", "box-2@box.example.com")),
                    // 3. an empty --suffix, --range-prefix or --hostname is one not given
                    Arguments.of(List.of("2", "--suffix="), List.of("drover1@box.example.com", "drover2@box.example.com")),
                    Arguments.of(List.of("2", "--range-prefix="), List.of("drover1@box.example.com", "drover2@box.example.com")),
                    Arguments.of(List.of("2", "--hostname=", "-n", ""), List.of("drover1@box.example.com", "drover2@box.example.com")),
                    Arguments.of(List.of("1", "--hostname=h", "--suffix="), List.of("drover1@h")));
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @MethodSource("nodenamesFromTheGrammar")
        void nodenames_follow_celery(List<String> tokens, List<String> expected) {
            assertEquals(expected, nodenames(expand(BOX, tokens.toArray(String[]::new))));
        }

        @Test
        void option_values_keep_the_node_templates_while_names_get_the_host_ones() {
            NodeSpec node = expand(BOX, "1", "--hostname=%n.x", "-L", "%h|%n|%d|%N|%p").get(0);
            assertEquals("drover1@box.x", node.nodename().full());
            assertEquals(List.of("-L", "drover1@box.x|drover1|box.x|drover1|drover1@box.x"), rest(node));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"a%z", "a@%i", "%N@h", "%p"})
        void unknown_key_in_a_name_is_a_usage_error_naming_it(String name) {
            String key = name.substring(name.indexOf('%'), name.indexOf('%') + 2);
            assertMentions(assertThrows(UsageException.class, () -> expand(BOX, name)), key, name);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"--prefix=%z", "--suffix=%z", "--hostname=%z", "--range-prefix=%z"})
        void unknown_key_in_a_naming_option_is_a_usage_error_naming_it(String token) {
            String[] tokens = token.startsWith("--range") ? new String[] {"2", token} : new String[] {"a", token};
            assertMentions(assertThrows(UsageException.class, () -> expand(BOX, tokens)), "%z");
        }

        @ParameterizedTest(name = "{0} selects {1}")
        @CsvSource({"-c:w1@box, 1", "-c:w2@%n.example.com, 2"})
        void a_namespace_gets_the_host_templates_of_a_name(String token, int selected) {
            List<NodeSpec> nodes = expand(BOX, "w1@%n", "w2@%h", "w3", token, "9");
            for (NodeSpec node : nodes) {
                assertEquals(node.index() == selected ? List.of("-c", "9") : List.of(), rest(node), token);
            }
        }

        static Stream<Arguments> namespaceSelections() {
            return Stream.of(
                    // 5. a namespace that is exactly a node's name is that node, range or index as it may look
                    Arguments.of(List.of("1-3", "foo", "-c:1-3", "5"), List.of(true, false)),
                    Arguments.of(List.of("foo", "1-3", "-c:1-3", "5"), List.of(false, true)),
                    Arguments.of(List.of("2", "foo", "-c:2", "5"), List.of(true, false)),
                    Arguments.of(List.of("a,b", "c", "-c:a,b", "5"), List.of(true, false)),
                    Arguments.of(List.of("1-3", "foo", "-c:1-3,foo", "5"), List.of(true, true)),
                    // 6. a short name selects every node that has it
                    Arguments.of(List.of("foo", "foo@h2", "-c:foo", "5"), List.of(true, true)),
                    Arguments.of(List.of("foo@h1", "bar", "foo@h2", "-c:foo", "5"), List.of(true, false, true)));
        }

        @ParameterizedTest(name = "{0} selects {1}")
        @MethodSource("namespaceSelections")
        void namespaces_select_as_celery_does(List<String> tokens, List<Boolean> selected) {
            List<NodeSpec> nodes = expand(tokens.toArray(String[]::new));
            assertEquals(selected, nodes.stream().map(n -> rest(n).equals(List.of("-c", "5"))).toList());
        }

        @Test
        void append_goes_after_everything_expanded_per_node_and_split_into_words() {
            List<NodeSpec> nodes = expand("2", "-c", "3", "--append=--id=%n '--note=a b'", "--", "x");
            assertEquals(List.of("-c", "3", "--", "x", "--id=drover1", "--note=a b"), rest(nodes.get(0)));
            assertEquals(List.of("-c", "3", "--", "x", "--id=drover2", "--note=a b"), rest(nodes.get(1)));
        }

        @Test
        void append_takes_the_next_token_and_can_be_set_per_node() {
            List<NodeSpec> nodes = expand("2", "--append", "slow", "--append:2=--fast");
            assertEquals(List.of("slow"), rest(nodes.get(0)));
            assertEquals(List.of("--fast"), rest(nodes.get(1)));
        }

        @Test
        void empty_append_appends_nothing() {
            assertEquals(List.of("-c", "3"), rest(expand("1", "-c", "3", "--append=").get(0)));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"--cmd=-m celery worker", "--cmd", "--cmd:1=x"})
        void cmd_is_a_usage_error_that_says_what_to_use_instead(String token) {
            assertMentions(usageError("2", token), "--cmd", "-A", "--executable");
        }

        static Stream<Arguments> overrides() {
            return Stream.of(
                    Arguments.of(List.of("3", "-c:1-3", "5", "-c:2", "7"),
                            List.of("-c:2 7 overrides -c:1-3 5 for drover2@HOST")),
                    Arguments.of(List.of("3", "-c:1-3", "5", "-c:2-3", "7"),
                            List.of("-c:2-3 7 overrides -c:1-3 5 for drover2@HOST, drover3@HOST")),
                    Arguments.of(List.of("2", "--queues:1=a", "--queues:drover1=b"),
                            List.of("--queues:drover1=b overrides --queues:1=a for drover1@HOST")),
                    Arguments.of(List.of("2", "-c:1", "5", "-c:1", "6", "-c:1", "7"),
                            List.of("-c:1 6 overrides -c:1 5 for drover1@HOST", "-c:1 7 overrides -c:1 6 for drover1@HOST")),
                    Arguments.of(List.of("7", "-c:1-7", "5", "-D:1-7"), List.of()),
                    Arguments.of(List.of("7", "-c:1-7", "5", "-c:1-7", "6"),
                            List.of("-c:1-7 6 overrides -c:1-7 5 for drover1@HOST, drover2@HOST, drover3@HOST,"
                                    + " drover4@HOST, drover5@HOST and 2 more")),
                    Arguments.of(List.of("3", "-c:1-3", "5", "-c:2", "5"), List.of()),
                    Arguments.of(List.of("3", "-c", "3", "-c:2", "7", "-c", "4"), List.of()),
                    Arguments.of(List.of("3", "-c:1", "5", "-c:2", "7"), List.of()));
        }

        /** 8. Two namespaces giving one node different values: the last written wins, with one warning. */
        @ParameterizedTest(name = "{0} warns {1}")
        @MethodSource("overrides")
        void two_namespaces_setting_one_option_on_one_node_warn_once(List<String> tokens, List<String> expected) {
            List<String> actual = warnings(tokens.toArray(String[]::new));
            assertEquals(expected.size(), actual.size(), actual::toString);
            for (int i = 0; i < expected.size(); i++) {
                assertTrue(actual.get(i).startsWith(expected.get(i)), actual.get(i));
                assertTrue(actual.get(i).contains("last written wins"), actual.get(i));
            }
        }

        @Test
        void a_lone_dash_is_not_a_node_name() {
            assertMentions(usageError("a", "-", "b"), "'-'");
        }
    }

    /** Issue 16 item 6: a node's name ends up in its pidfile and logfile paths, so it is never a path. */
    @Nested
    class NamesAreNames {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "../../x | ../../x | /",
            "a/b | a/b | /",
            "w1@a/b | w1@a/b | /",
            "/abs | /abs | /",
            ".. | '..' | ..",
            ". | '.' | .",
            "..@HOST | '..' | ..",
            "w1@.. | '..' | ..",
        })
        void a_name_with_a_slash_or_a_dot_step_is_a_usage_error(String name, String shown, String rule) {
            UsageException e = usageError(name);
            assertMentions(e, shown, rule);
            assertEquals(64, e.exitCode());
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"--prefix=../", "--prefix=a/", "--suffix=a/b", "--hostname=..", "-n", "--suffix=.."})
        void a_naming_option_that_makes_a_path_is_a_usage_error(String token) {
            List<String> tokens = new ArrayList<>(List.of("w1", token));
            if (token.equals("-n")) {
                tokens.add("x/y");
            }
            assertThrows(UsageException.class, () -> expand(tokens.toArray(String[]::new)));
        }

        @ParameterizedTest(name = "code point {0}")
        @ValueSource(ints = {'\n', '\r', '\t', 0, 1, 0x1b, 0x7f, 0x85})
        void a_name_with_a_control_character_is_a_one_line_usage_error(int c) {
            String name = "a" + Character.toString(c) + "b";
            UsageException e = usageError(name, "-c", "3");
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
            assertMentions(e, "control character");
        }

        @Test
        void a_control_character_from_a_naming_option_is_a_usage_error() {
            assertMentions(usageError("w1", "--hostname=h\nx"), "h\\nx");
        }

        @Test
        void an_empty_name_is_a_usage_error() {
            assertMentions(usageError("@HOST"), "empty");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"w1", "a.b", "a..b", "...", ".hidden@h", "w1@", "w-1_x+y", "ünï@cødé"})
        void names_that_are_names_are_accepted(String name) {
            assertEquals(1, expand(name).size());
        }
    }

    /** Issue 28, item 8: what a differential run against celery multi 5.2.6 found. */
    @Nested
    class GrammarLeftovers {
        @Test
        void plus_3_is_three_nodes_as_python_s_int_reads_it_in_celery() {
            assertEquals(List.of("drover1@HOST", "drover2@HOST", "drover3@HOST"), nodenames(expand("+3")));
        }

        @Test
        void a_count_with_a_plus_takes_ranges_and_indexes() {
            List<NodeSpec> nodes = expand("+3", "-c:2-3", "5");
            assertEquals(List.of(), rest(nodes.get(0)));
            assertEquals(List.of("-c", "5"), rest(nodes.get(2)));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"a b", "a@b c", "a\u00a0b", "a\u2003b"})
        void a_blank_in_a_name_is_a_usage_error_as_a_slash_is(String name) {
            assertMentions(usageError(name), "node name '", "a blank in");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"-c:1-x", "-c:1-", "-c:2-x,1"})
        void a_range_that_is_no_range_says_bad_range(String option) {
            assertMentions(usageError("3", option, "5"), option + ": bad range '");
        }

        @Test
        void a_second_colon_in_a_namespace_says_what_is_wrong_and_the_comma_list() {
            assertMentions(usageError("3", "--foo:1:2=x"), "--foo:1:2=x: ':' in the namespace '1:2'", "--foo:1,2");
        }

        @Test
        void a_node_named_like_a_range_is_still_selected_by_its_name() {
            assertEquals(List.of("-c", "5"), rest(expand("1-x", "b", "-c:1-x", "5").get(0)));
        }
    }

    @Test
    void node_specs_are_immutable() {
        NodeSpec node = expand("1", "-c", "3", "--", "x").get(0);
        assertThrows(UnsupportedOperationException.class, () -> node.options().put("-x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> node.passthrough().add("y"));
    }
}
