package io.drover.cli;

import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "stop",
        description = {"Send a signal (default TERM: warm shutdown) to every running node, and return."},
        footer = {"", "Exit 0 unless a signal could not be delivered.", "", "Examples:",
            "  drover multi stop 3",
            "  drover multi stop 3 -INT",
            "  drover multi stop 3 -9"})
final class StopCommand extends LifecycleLeaf {
    @Override
    boolean acceptsSignal() {
        return true;
    }

    @Override
    int operate(Cluster cluster, List<NodeSpec> nodes, ParsedArgs parsed) {
        return cluster.stop(nodes, signal(parsed));
    }
}
