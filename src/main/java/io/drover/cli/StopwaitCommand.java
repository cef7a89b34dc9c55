package io.drover.cli;

import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "stopwait",
        description = {"Send a signal (default TERM), then wait until every node has exited (--timeout SECONDS, default 90; 0 waits forever)."},
        footer = {"", "Exit 0 when every node is gone; 1 naming the nodes still alive when the timeout ran out.", "", "Examples:",
            "  drover multi stopwait 3",
            "  drover multi stopwait 3 --timeout 10"})
final class StopwaitCommand extends LifecycleLeaf {
    @Override
    boolean acceptsSignal() {
        return true;
    }

    @Override
    int operate(Cluster cluster, List<NodeSpec> nodes, ParsedArgs parsed) {
        return cluster.stopwait(nodes, signal(parsed), seconds(parsed, "--timeout", DEFAULT_STOP_TIMEOUT));
    }
}
