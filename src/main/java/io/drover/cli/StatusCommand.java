package io.drover.cli;

import io.drover.core.ExitCode;
import io.drover.core.UsageException;
import io.drover.multi.Cluster;
import io.drover.multi.ClusterListener;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Snapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = StatusCommand.NAME,
        description = {"Print, per node: nodename, state (running, starting, dead: pidfile left, stale: the pid is another"
                + " process, stopped), pid, uptime, RSS, CPU %% (over its life, as ps), restarts and last exit (from the"
                + " node registry), health (what a node's --health-port answers: ready, not ready, stalled, no answer)"
                + " and pidfile. Aligned columns on a terminal, one line per node otherwise; --json has"
                + " the same fields. --all: every node of the node registry. --watch[=SECONDS] (default 2) redraws"
                + " until interrupted.",
            "The exit code is LSB's, as init scripts expect."},
        footer = {"drover multi status 3", "drover multi status 3 --json", "drover multi status --all",
            "drover multi status --all --watch=5"})
@Manual.Exits({"STATUS_RUNNING", "STATUS_DEAD_PIDFILE", "STATUS_NOT_RUNNING", "USAGE"})
@Manual.Environment({"DROVER_STATE_DIR", "XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class StatusCommand extends LifecycleLeaf {
    static final String NAME = "status";

    static final String WATCH = "--watch";
    private static final double DEFAULT_WATCH_SECONDS = 2;

    @Override
    Map<String, OwnOptions.Kind> ownOptions() {
        Map<String, OwnOptions.Kind> own = new HashMap<>(super.ownOptions());
        own.put(WATCH, OwnOptions.Kind.OPTIONAL_VALUE);
        return own;
    }

    @Override
    int run(ParsedArgs parsed, Output output) {
        if (!own.has(WATCH)) {
            return super.run(parsed, output);
        }
        String value = own.value(WATCH);
        if (value.isEmpty() && own.has(ALL) && parsed.positionals().size() == 1
                && parsed.positionals().get(0).matches("[0-9.]+")) {
            // the grammar's long options take a value only after '=': "--watch 3" named node 3
            throw new UsageException("--all acts on every recorded node, so " + parsed.positionals().get(0)
                    + " is no node here; for seconds write --watch=" + parsed.positionals().get(0));
        }
        double seconds;
        try {
            seconds = value.isEmpty() ? DEFAULT_WATCH_SECONDS : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (!(seconds >= 0.1 && seconds <= 86400)) {
            throw new UsageException("--watch=" + value + ": not a number of seconds from 0.1 to 86400");
        }
        // until interrupted (Ctrl-C ends the JVM): each round reads the registry and /proc again
        while (true) {
            if (output.terminal && !output.json) {
                output.out.print("\u001b[H\u001b[2J"); // home, clear: redraw in place
            }
            super.run(parsed, output);
            if (!output.terminal && !output.json) {
                output.out.println();
            }
            output.out.flush();
            try {
                Thread.sleep((long) (seconds * 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCode.OK;
            }
        }
    }

    @Override
    ClusterListener listener(Output output) {
        if (output.json) {
            return new JsonReporter(output);
        }
        return output.terminal ? new StatusTable(output) : new TerminalReporter(output);
    }

    @Override
    int nothingRecorded() {
        return ExitCode.STATUS_NOT_RUNNING;
    }

    @Override
    int operate(Cluster cluster, Snapshot snapshot, List<NodeSpec> nodes, ParsedArgs parsed) {
        return cluster.status(snapshot, nodes);
    }
}
