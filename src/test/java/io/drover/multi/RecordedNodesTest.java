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
}
