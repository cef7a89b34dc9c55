package io.drover.cli;

import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "status",
        description = {"Print, per node: running (pid, uptime), dead (pidfile left), stale (the pid is another process) or stopped.",
            "The exit code is LSB's, as init scripts expect."},
        footer = {"drover multi status 3", "drover multi status 3 --json"})
@Manual.Exits({"STATUS_RUNNING", "STATUS_DEAD_PIDFILE", "STATUS_NOT_RUNNING", "USAGE"})
@Manual.Environment({"XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class StatusCommand extends LifecycleLeaf {
    @Override
    int operate(Cluster cluster, List<NodeSpec> nodes, ParsedArgs parsed) {
        return cluster.status(nodes);
    }
}
