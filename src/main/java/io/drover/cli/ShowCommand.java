package io.drover.cli;

import io.drover.core.ShellWords;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = ShowCommand.NAME,
        description = {"Print, per node, the exact command line 'start' executes. Touches nothing."},
        footer = {"drover multi show 3 -c 3", "drover multi show 2 --json"})
@Manual.Exits({"OK", "USAGE"})
@Manual.Environment({"XDG_STATE_HOME", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class ShowCommand extends MultiLeaf {
    static final String NAME = "show";


    /** The node's JVM command line, as start spawns it. */
    static List<String> commandLine(NodeSpec node) {
        return node.argv();
    }

    static Map<String, Object> describe(NodeSpec node) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", node.name());
        m.put("nodename", node.nodename().full());
        // the paths the node's main process holds and writes, as a script would open them
        m.put("pidfile", node.mainPidfile());
        m.put("logfile", node.mainLogfile());
        m.put("argv", commandLine(node));
        return m;
    }

    @Override
    int run(ParsedArgs parsed, Output output) {
        List<NodeSpec> nodes = nodes(parsed, 0);
        if (output.json) {
            output.json(nodes.stream().map(ShowCommand::describe).toList());
        } else {
            nodes.forEach(node -> output.out.println(ShellWords.join(commandLine(node))));
        }
        return 0;
    }
}
