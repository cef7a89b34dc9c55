package io.drover.cli;

import io.drover.core.ShellWords;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import picocli.CommandLine.Command;

@Command(name = DryrunCommand.NAME,
        description = {"Print what 'start' would execute, per node, and run nothing."},
        footer = {"drover multi dryrun 3 -c 2"})
@Manual.Exits({"OK", "USAGE"})
@Manual.Environment({"XDG_STATE_HOME", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class DryrunCommand extends MultiLeaf {
    static final String NAME = "dryrun";

    @Override
    int run(ParsedArgs parsed, Output output) {
        var nodes = nodes(parsed, 0);
        if (output.json) {
            output.json(nodes.stream().map(ShowCommand::describe).toList());
            return 0;
        }
        if (output.splash) {
            output.out.println("drover multi v" + io.drover.core.Install.version());
        }
        output.out.println("> Starting nodes (dry run)...");
        for (NodeSpec node : nodes) {
            output.out.println("\t> " + node.nodename().full() + ": " + ShellWords.join(node.argv()));
        }
        return 0;
    }
}
