package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drover.core.Host;
import io.drover.registry.NodeRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What --all acts on and what start/restart name as dropped, from recorded command lines. */
class RecordedNodesTest {
    private static final Host HOST = new Host("box", false, Map.of("HOME", "/home/u"));

    private static List<NodeSpec> expand(String args) {
        return NodeExpander.expand(ArgParser.parse(List.of(args.split(" ")), false, Set.of()::contains).positionals(),
                ArgParser.parse(List.of(args.split(" ")), false, Set.of()::contains), HOST, w -> { });
    }

    private static NodeRecord record(NodeSpec node) {
        return RecordedNodes.record(node, 0, null, 1000);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "2 -c 3 -Q a,b",
        "w1 --pidfile=/p/%n.pid --logfile=/l/%n%I.log -A com.acme.App --classpath=/opt/*",
        "1 -l DEBUG --umask=022 --jvm-opts=-Xmx64m -- --extra x",
        "1 --append=--node-id=%n",
        "1 -c 2 -- a 'b c'",
    })
    void a_recorded_node_gives_back_the_command_line_it_was_recorded_with(String args) {
        for (NodeSpec node : expand(args)) {
            NodeSpec again = RecordedNodes.spec(node.index(), record(node));

            assertEquals(node.argv(), again.argv(), args);
            assertEquals(node.nodename(), again.nodename());
            assertEquals(node.pidfile(), again.pidfile());
            assertEquals(node.logfile(), again.logfile());
        }
    }

    @ParameterizedTest(name = "{0} then {1}")
    @CsvSource(delimiter = '|', value = {
        "1 -c 3 -Q a,b | 1 -c 1 | -Q a,b",
        "1 -c 3 -Q a,b | 1 --concurrency=1 --queues=c | ''",
        "1 -A x.App -l DEBUG | 1 -l INFO | -A x.App",
        "1 --umask=022 --fast | 1 -c 2 | --umask=022 --fast",
        "1 -c 2 -- --extra | 1 -c 2 | -- --extra",
        "1 -c 2 | 1 -c 2 -Q a | ''",
    })
    void the_options_dropped_are_the_recorded_ones_the_new_command_line_leaves_out(String before, String after,
                                                                                     String dropped) {
        NodeSpec old = expand(before).get(0);
        NodeSpec now = expand(after).get(0);

        List<String> expected = dropped.isEmpty() ? List.of()
                : List.of(dropped.startsWith("--umask") ? new String[] {"--umask=022", "--fast"} : new String[] {dropped});

        assertEquals(expected, RecordedNodes.dropped(record(old), now));
    }

    /** Every drover node, recorded at /x with its nodename's short name. */
    private static NodeRecord recordedAtX(io.drover.core.NodeName nodename) {
        String n = nodename.shortName();
        return new NodeRecord(nodename.full(), "/x/" + n + ".pid", "/x/" + n + "%I.log", Map.of(), List.of(), null, 0,
                null, null, 1000);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "2                                  | /x/drover1.pid | /x/drover1%I.log | /x/drover2.pid | /x/drover2%I.log",
        "2 --pidfile=/y/%n.pid              | /y/drover1.pid | DEFAULT          | /y/drover2.pid | DEFAULT",
        "2 --logfile=/z/%n.log              | /x/drover1.pid | /z/drover1.log   | /x/drover2.pid | /z/drover2.log",
        "2 -f /z/%n.log                     | /x/drover1.pid | /z/drover1.log   | /x/drover2.pid | /z/drover2.log",
        "2 --pidfile=/x/%n.pid              | /x/drover1.pid | /x/drover1%I.log | /x/drover2.pid | /x/drover2%I.log",
        "2 --pidfile:2=/y/%n.pid            | /x/drover1.pid | /x/drover1%I.log | /y/drover2.pid | DEFAULT",
    })
    void a_node_given_without_file_options_has_its_records_files_and_an_option_given_wins(String args, String pid1,
            String log1, String pid2, String log2) {
        ParsedArgs parsed = ArgParser.parse(List.of(args.split(" +")), false, Set.of()::contains);
        List<NodeSpec> nodes = NodeExpander.expand(parsed.positionals(), parsed, HOST, w -> { },
                RecordedNodesTest::recordedAtX);
        List<NodeSpec> defaults = expand("2");

        assertEquals(pid1, nodes.get(0).pidfile(), args);
        assertEquals(log1.equals("DEFAULT") ? defaults.get(0).logfile() : log1, nodes.get(0).logfile(), args);
        assertEquals(pid2, nodes.get(1).pidfile(), args);
        assertEquals(log2.equals("DEFAULT") ? defaults.get(1).logfile() : log2, nodes.get(1).logfile(), args);
    }

    @org.junit.jupiter.api.Test
    void a_node_without_a_record_has_the_defaults_and_a_lookup_is_made_only_for_a_file_not_given() {
        ParsedArgs both = ArgParser.parse(List.of("2", "--pidfile=/p/%n.pid", "--logfile=/l/%n.log"), false,
                Set.of()::contains);
        List<NodeSpec> given = NodeExpander.expand(both.positionals(), both, HOST, w -> { }, n -> {
            throw new AssertionError("looked up " + n);
        });
        assertEquals("/p/drover1.pid", given.get(0).pidfile());

        ParsedArgs none = ArgParser.parse(List.of("2"), false, Set.of()::contains);
        assertEquals(expand("2"), NodeExpander.expand(none.positionals(), none, HOST, w -> { }, n -> null));
    }
}
