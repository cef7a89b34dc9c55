package io.drover.cli;

import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Snapshot;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = ForgetCommand.NAME,
        description = {"Remove the node registry's records of nodes that are not running, so restart, status --all and"
                + " logs --all no longer know them. A running node is refused (exit 1 for it); a record that is not"
                + " trusted can be forgotten. --all: every record."},
        footer = {"drover multi forget 3", "drover multi forget old@%%h", "drover multi forget --all"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE", "CANT_CREATE"})
@Manual.Environment({"DROVER_STATE_DIR", "XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class ForgetCommand extends LifecycleLeaf {
    static final String NAME = "forget";

    @Override
    int operate(Cluster cluster, Snapshot snapshot, List<NodeSpec> nodes, ParsedArgs parsed) {
        return cluster.forget(snapshot, nodes);
    }
}
