package io.drover.cli;

import io.drover.core.ExitCode;
import io.drover.core.Printable;
import io.drover.core.UsageException;
import io.drover.multi.NodeLogs;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.multi.RecordedNodes;
import io.drover.multi.Snapshot;
import io.drover.registry.NodeRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = LogsCommand.NAME,
        description = {"Print the last lines (-n LINES, default 10) of each node's logfile, every %%I file of a pool too,"
                + " each line prefixed by its node (coloured on a terminal); -f/--follow prints the lines written after,"
                + " across a rotation by copytruncate or by renaming, until interrupted. A node's logfile is its"
                + " --logfile, else the one drover recorded when it started the node, else the default."
                + " --all: every node of the node registry.",
            "A node without a logfile, or with one that cannot be read (or is no regular file, or a symbolic link:"
                + " never followed), is named on stderr and the others go on; then the exit code is 1."},
        footer = {"drover multi logs 3", "drover multi logs --all -n 50", "drover multi logs --all -f",
            "drover multi logs image video -f --logfile=/var/log/acme/%%n%%I.log"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE"})
@Manual.Environment({"DROVER_STATE_DIR", "XDG_STATE_HOME", "NO_COLOR", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class LogsCommand extends MultiLeaf {
    static final String NAME = "logs";

    static final int DEFAULT_LINES = 10;

    @Override
    Map<String, OwnOptions.Kind> ownOptions() {
        return Map.of(LifecycleLeaf.ALL, OwnOptions.Kind.FLAG, "-f", OwnOptions.Kind.FLAG, "--follow", OwnOptions.Kind.FLAG,
                "-n", OwnOptions.Kind.VALUE, "--lines", OwnOptions.Kind.VALUE);
    }

    @Override
    int run(ParsedArgs parsed, Output output) {
        int lines = lines();
        List<NodeSpec> nodes = new ArrayList<>();
        List<String> untrusted = new ArrayList<>();
        NodeRegistry registry = new NodeRegistry(Path.of(host().registryDir()));
        if (own.has(LifecycleLeaf.ALL)) {
            if (!parsed.positionals().isEmpty() || !parsed.options().isEmpty()) {
                throw new UsageException("--all shows every recorded node's logfiles: give no nodes or options with it");
            }
            for (NodeRegistry.Entry e : registry.all()) {
                if (e.record() != null) {
                    nodes.add(RecordedNodes.spec(nodes.size() + 1, e.record()));
                } else {
                    untrusted.add(e.problem());
                }
            }
            if (nodes.isEmpty() && untrusted.isEmpty() && !output.quiet) {
                output.err.println("drover: no node recorded in " + host().registryDir());
            }
        } else {
            if (parsed.positionals().isEmpty()) {
                throw new UsageException("no nodes given: name them (multi logs w1 w2), give a count (multi logs 3),"
                        + " or --all for every node drover started");
            }
            nodes.addAll(nodes(parsed, 0, Snapshot.reading(Path.of(host().registryDir()))::recorded));
        }
        untrusted.forEach(p -> output.err.println("drover: warning: " + Printable.of(p)));
        int[] missing = {0};
        NodeLogs logs = new NodeLogs(nodes, new NodeLogs.Sink() {
            @Override
            public void line(NodeSpec node, String source, String line) {
                // a log line is the node's user's text: on a terminal it is shown escaped (its
                // tabs kept), to a pipe or a file exact, as the logfile has it
                String shown = output.terminal ? Printable.line(line) : line;
                output.out.println(output.paint(colour(node), Printable.of(source) + ":") + " " + shown);
                output.out.flush();
            }

            @Override
            public void problem(NodeSpec node, String message) {
                missing[0]++;
                output.err.println("drover: " + Printable.of(node.nodename().full() + ": " + message));
                output.err.flush();
            }
        });
        if (own.has("-f") || own.has("--follow")) {
            try {
                logs.follow(lines);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ExitCode.OK;
        }
        logs.tail(lines);
        output.out.flush();
        return missing[0] > 0 || !untrusted.isEmpty() ? ExitCode.NODE_FAILED : ExitCode.OK;
    }

    private int lines() {
        String value = own.has("-n") ? own.value("-n") : own.value("--lines");
        if (value == null) {
            return DEFAULT_LINES;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("-n " + value + ": not a number of lines (0 or more)");
    }

    /** Each node its own colour, the same in every run (pm2's prefixes). */
    private static String colour(NodeSpec node) {
        String[] colours = {"\u001b[36m", "\u001b[33m", "\u001b[35m", "\u001b[34m", "\u001b[32m"};
        return colours[Math.floorMod(node.nodename().full().hashCode(), colours.length)];
    }
}
