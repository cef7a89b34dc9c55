package io.drover.cli;

import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "status",
        description = {"Print, per node: running (pid, uptime), dead (pidfile left), stale (the pid is another process) or stopped."},
        footer = {"", "Exit (LSB): 0 all running, 1 a node is dead but its pidfile exists, 3 not running.", "", "Examples:",
            "  drover multi status 3",
            "  drover multi status 3 --json"})
final class StatusCommand extends LifecycleLeaf {
    @Override
    int operate(Cluster cluster, List<NodeSpec> nodes, ParsedArgs parsed) {
        return cluster.status(nodes);
    }
}
