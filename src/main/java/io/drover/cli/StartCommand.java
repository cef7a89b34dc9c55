package io.drover.cli;

import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "start",
        description = {"Start the nodes that are not running, in parallel; OK only for a node that reported ready."},
        footer = {"", "With DROVER_FAKEFORK=1 each node runs in turn in the foreground, its output on the terminal.", "Exit 0 if every node runs (already running counts); 1 if a node failed (or its sysexits code when all failed alike).", "", "Examples:",
            "  drover multi start 3 -c 2 --pidfile=/tmp/drover/%%n.pid --logfile=/tmp/drover/%%n%%I.log",
            "  drover multi start 2 -A com.acme.Consumer --classpath=/opt/acme/lib/* --uid=acme"})
final class StartCommand extends LifecycleLeaf {
    @Override
    boolean startsNodes() {
        return true;
    }

    @Override
    int operate(Cluster cluster, List<NodeSpec> nodes, ParsedArgs parsed) {
        if ("1".equals(System.getenv("DROVER_FAKEFORK"))) {
            return cluster.startInForeground(nodes);
        }
        return cluster.start(nodes, startTimeout(parsed));
    }
}
