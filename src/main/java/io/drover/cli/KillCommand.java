package io.drover.cli;

import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Snapshot;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = KillCommand.NAME,
        description = {"Send SIGKILL to every running node, wait until they are gone, and remove their pidfiles."
            + " --all: every node of the node registry."},
        footer = {"drover multi kill 3", "drover multi kill --all"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE"})
@Manual.Environment({"XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class KillCommand extends LifecycleLeaf {
    static final String NAME = "kill";

    @Override
    int operate(Cluster cluster, Snapshot snapshot, List<NodeSpec> nodes, ParsedArgs parsed) {
        return cluster.kill(snapshot, nodes);
    }

    @Override
    boolean signalsNodes() {
        return true;
    }
}
