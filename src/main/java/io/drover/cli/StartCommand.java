package io.drover.cli;

import io.drover.launch.Launcher;
import io.drover.multi.ArgParser;
import io.drover.multi.Cluster;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Snapshot;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = StartCommand.NAME,
        description = {"Start the nodes that are not running, in parallel; OK only for a node that reported ready.",
            "A node already running counts as started. Missing pidfile and logfile directories are created."
                + " Exit 1 if a node failed, or the failures' own code when every one failed for the same reason.",
            "Given no worker options, a node drover started before at the same pidfile starts with the command line"
                + " it recorded then (dead or not); options given replace the record, and the recorded options left"
                + " out are named (drover1@HOST: -Q a,b dropped).",
            "--supervise is multi supervise --detach: the nodes are kept running by this user's detached supervisor"
                + " (started if none runs; --supervisor-log=PATH), which takes supervise's options."},
        footer = {"drover multi start 3 -c 2 --pidfile=/tmp/drover/%%n.pid --logfile=/tmp/drover/%%n%%I.log",
            "drover multi start 2 -A com.acme.Consumer --classpath='/opt/acme/lib/*' --uid=acme"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE", "NO_USER", "UNAVAILABLE", "CANT_CREATE", "TEMPFAIL", "NO_PERMISSION"})
@Manual.Environment({"DROVER_FAKEFORK", "DROVER_FORCE_ROOT", "XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class StartCommand extends LifecycleLeaf {
    static final String NAME = "start";

    /** {@code start --supervise}: {@code supervise --detach}'s short form. */
    static final String SUPERVISE = "--supervise";

    @Override
    Set<ArgParser.Own> takes() {
        // with --supervise, the supervisor's options are read as supervise reads them
        return own.has(SUPERVISE) ? new SuperviseCommand().takes() : EnumSet.of(ArgParser.Own.START_TIMEOUT);
    }

    @Override
    java.util.Map<String, OwnOptions.Kind> ownOptions() {
        return java.util.Map.of(SUPERVISE, OwnOptions.Kind.FLAG, SuperviseCommand.SUPERVISOR_LOG, OwnOptions.Kind.WORD);
    }

    @Override
    int run(ParsedArgs parsed, Output output) {
        if (!own.has(SUPERVISE)) {
            if (own.has(SuperviseCommand.SUPERVISOR_LOG)) {
                throw new io.drover.core.UsageException("start: " + SuperviseCommand.SUPERVISOR_LOG + " goes with "
                        + SUPERVISE);
            }
            return super.run(parsed, output);
        }
        SuperviseCommand supervise = new SuperviseCommand();
        java.util.List<String> tokens = new java.util.ArrayList<>(own.rest());
        tokens.add(0, SuperviseCommand.DETACH);
        if (own.has(SuperviseCommand.SUPERVISOR_LOG)) {
            tokens.add(0, SuperviseCommand.SUPERVISOR_LOG + "=" + own.value(SuperviseCommand.SUPERVISOR_LOG));
        }
        return supervise.execute(supervise.parse(tokens), output.out, output.err);
    }

    @Override
    boolean acceptsAll() {
        return false;
    }

    @Override
    boolean startsNodes() {
        return true;
    }

    @Override
    int operate(Cluster cluster, Snapshot snapshot, List<NodeSpec> nodes, ParsedArgs parsed) {
        if (Launcher.fakefork()) {
            return cluster.startInForeground(nodes);
        }
        return cluster.start(snapshot, nodes, startTimeout(parsed));
    }
}
