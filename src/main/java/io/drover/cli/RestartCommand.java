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

@Command(name = RestartCommand.NAME,
        description = {"Stop each running node (default TERM), start it again as soon as it is down, and start the nodes that were not running. Given no worker options, a node restarts with the command line drover recorded when it last started it, even a node that died;"
                + " options given replace the record, and the recorded options left out are named (drover1@HOST: -Q a,b dropped)."
                + " Running nodes are restarted too. --all: every node of the node registry, with its recorded command line.",
            "--rolling restarts --batch=1 node at a time, the next only once the previous reported ready; a node"
                + " that does not come back stops the roll (exit 1) and the nodes not yet restarted keep running.",
            "A node drover never knew (no record, no pidfile, no process of that name: restart nc9 beside nc1..nc3) is"
                + " refused before anything is stopped, exit 64, with the recorded name it is close to; multi start makes"
                + " new nodes, or --start-new starts them here.",
            "Exit 0 if every node runs afterwards."},
        footer = {"drover multi restart 3", "# new options replace the old ones", "drover multi restart 3 -c 4",
            "drover multi restart --all",
            "# two at a time, the others serving meanwhile", "drover multi restart 6 --rolling --batch=2"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE", "NO_USER", "UNAVAILABLE", "CANT_CREATE", "TEMPFAIL", "NO_PERMISSION"})
@Manual.Environment({"DROVER_FORCE_ROOT", "XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class RestartCommand extends LifecycleLeaf {
    static final String NAME = "restart";

    /** Stops as stopwait does, starts as start does, rolls (--rolling, --batch), and starts new nodes only when asked (--start-new). */
    @Override
    Set<ArgParser.Own> takes() {
        return EnumSet.of(ArgParser.Own.TIMEOUT, ArgParser.Own.START_TIMEOUT, ArgParser.Own.ROLLING,
                ArgParser.Own.BATCH, ArgParser.Own.START_NEW);
    }

    @Override
    boolean acceptsSignal() {
        return true;
    }

    @Override
    boolean startsNodes() {
        return true;
    }

    @Override
    int operate(Cluster cluster, Snapshot snapshot, List<NodeSpec> nodes, ParsedArgs parsed) {
        if (!parsed.has(ArgParser.Own.START_NEW) && !own.has(ALL)) {
            // a name drover never knew is a typo more often than a new node: start makes those
            cluster.refuseUnknown(snapshot, nodes);
        }
        if (parsed.has(ArgParser.Own.ROLLING)) {
            return cluster.restartRolling(snapshot, nodes, signal(parsed), seconds(parsed, ArgParser.Own.TIMEOUT, DEFAULT_STOP_TIMEOUT),
                    startTimeout(parsed), Math.max(1, SuperviseCommand.count(parsed, ArgParser.Own.BATCH, 1)));
        }
        return cluster.restart(snapshot, nodes, signal(parsed), seconds(parsed, ArgParser.Own.TIMEOUT, DEFAULT_STOP_TIMEOUT),
                startTimeout(parsed));
    }
}
