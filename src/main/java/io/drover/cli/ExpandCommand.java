package io.drover.cli;

import io.drover.core.Templates;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = ExpandCommand.NAME,
        customSynopsis = "drover multi expand TEMPLATE NODES [OPTIONS...]",
        description = {"Print TEMPLATE expanded for each node, as the node's main process sees it"
            + " (%%i is 0, %%I is empty, %%%% is %%). Touches nothing."},
        footer = {"# foo.pid, then bar.pid", "drover multi expand '%%n.pid' foo bar@%%h",
            "# w1@HOST|w1|HOST", "drover multi expand '%%h|%%n|%%d' w1"})
@Manual.Exits({"OK", "USAGE"})
@Manual.Environment({"JAVA_HOME", "DROVER_JAVA_OPTS"})
final class ExpandCommand extends MultiLeaf {
    static final String NAME = "expand";

    @Override
    int run(ParsedArgs parsed, Output output) {
        String template = firstPositional(parsed, "TEMPLATE (drover multi expand TEMPLATE NODES)");
        List<NodeSpec> nodes = nodes(parsed, 1);
        List<Map<String, Object>> rows = nodes.stream().map(node -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("nodename", node.nodename().full());
            row.put("value", Templates.expandForProcess(template, node.nodename(), Templates.MAIN_PROCESS, "TEMPLATE"));
            return row;
        }).toList();
        if (output.json) {
            output.json(rows);
        } else {
            rows.forEach(row -> output.out.println(row.get("value")));
        }
        return 0;
    }
}
