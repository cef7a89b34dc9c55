package io.drover.cli;

import io.drover.multi.ArgParser;
import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Snapshot;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = StopwaitCommand.NAME,
        description = {"Send a signal (default TERM), then wait until every node has exited (--timeout SECONDS, default 90; 0 waits forever).",
            "Exit 1, naming the nodes still alive, when the timeout ran out; with --kill-after-timeout they are asked for a"
                + " thread dump (SIGQUIT, into their logfile), then killed (SIGKILL), and it exits 0 once they are gone.",
            "--all: every node of the node registry."},
        footer = {"drover multi stopwait 3", "drover multi stopwait 3 --timeout 10",
            "drover multi stopwait 3 --timeout 30 --kill-after-timeout", "drover multi stopwait --all"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE"})
@Manual.Environment({"XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class StopwaitCommand extends LifecycleLeaf {
    static final String NAME = "stopwait";

    @Override
    Set<ArgParser.Own> takes() {
        return EnumSet.of(ArgParser.Own.TIMEOUT, ArgParser.Own.KILL_AFTER_TIMEOUT);
    }

    @Override
    boolean acceptsSignal() {
        return true;
    }

    @Override
    int operate(Cluster cluster, Snapshot snapshot, List<NodeSpec> nodes, ParsedArgs parsed) {
        return cluster.stopwait(snapshot, nodes, signal(parsed), seconds(parsed, ArgParser.Own.TIMEOUT, DEFAULT_STOP_TIMEOUT),
                parsed.has(ArgParser.Own.KILL_AFTER_TIMEOUT));
    }

    @Override
    boolean signalsNodes() {
        return true;
    }
}
