package io.drover.cli;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.ShellWords;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = GetCommand.NAME,
        customSynopsis = "drover multi get NODENAME NODES [OPTIONS...]",
        description = {"Print the command line of one node (by nodename or name). Exit 1 if there is no such node."},
        footer = {"drover multi get drover2 3 -c 3"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE"})
@Manual.Environment({"XDG_STATE_HOME", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class GetCommand extends MultiLeaf {
    static final String NAME = "get";

    @Override
    int run(ParsedArgs parsed, Output output) {
        String wanted = firstPositional(parsed, "NODENAME (drover multi get NODENAME NODES)");
        List<NodeSpec> nodes = nodes(parsed, 1);
        NodeSpec node = nodes.stream()
                .filter(n -> n.nodename().full().equals(wanted) || n.name().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new DroverException(ExitCode.NODE_FAILED, "no node named '" + wanted + "' among "
                        + String.join(", ", NamesCommand.names(nodes))));
        if (output.json) {
            output.json(ShowCommand.describe(node));
        } else {
            output.out.println(ShellWords.join(ShowCommand.commandLine(node)));
        }
        return 0;
    }
}
