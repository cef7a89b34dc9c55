package io.drover.cli;

import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = NamesCommand.NAME,
        description = {"Print the nodenames, one per line. Touches nothing."},
        footer = {"drover multi names 3 --range-prefix=worker"})
@Manual.Exits({"OK", "USAGE"})
@Manual.Environment({"JAVA_HOME", "DROVER_JAVA_OPTS"})
final class NamesCommand extends MultiLeaf {
    static final String NAME = "names";

    @Override
    int run(ParsedArgs parsed, Output output) {
        List<String> names = nodes(parsed, 0).stream().map(n -> n.nodename().full()).toList();
        if (output.json) {
            output.json(names);
        } else {
            names.forEach(output.out::println);
        }
        return 0;
    }

    static List<String> names(List<NodeSpec> nodes) {
        return nodes.stream().map(n -> n.nodename().full()).toList();
    }
}
