package io.drover.cli;

import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Snapshot;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = StopCommand.NAME,
        description = {"Send a signal (default TERM: warm shutdown) to every running node, and return.",
            "-TERM, -INT (cold shutdown), -HUP (restart in place), -KILL, -9, -SIGKILL... choose the signal."
                + " Exit 1 if a signal could not be delivered. --all: every node of the node registry."},
        footer = {"drover multi stop 3", "drover multi stop 3 -INT", "drover multi stop 3 -9",
            "# every node drover started, each at its own pidfile", "drover multi stop --all"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE"})
@Manual.Environment({"XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class StopCommand extends LifecycleLeaf {
    static final String NAME = "stop";

    @Override
    boolean acceptsSignal() {
        return true;
    }

    @Override
    int operate(Cluster cluster, Snapshot snapshot, List<NodeSpec> nodes, ParsedArgs parsed) {
        return cluster.stop(snapshot, nodes, signal(parsed));
    }

    @Override
    boolean signalsNodes() {
        return true;
    }
}
