package io.drover.cli;

import io.drover.core.ShellWords;
import io.drover.multi.Cluster;
import io.drover.multi.ClusterListener;
import io.drover.multi.NodeConflicts;
import io.drover.multi.NodeEvent;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.posix.Posix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = DryrunCommand.NAME,
        description = {"Print what 'start' would execute, per node, and check what 'start' would refuse;"
                + " make, start and record nothing.",
            "Each problem is a line naming its node (FAILED: why), and the exit code is the one 'start' would exit"
                + " with: a pre-flight for scripts. A node that runs already is no problem, as for start."},
        footer = {"drover multi dryrun 3 -c 2"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE", "NO_USER", "UNAVAILABLE", "CANT_CREATE", "NO_PERMISSION"})
@Manual.Environment({"DROVER_FORCE_ROOT", "XDG_STATE_HOME", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class DryrunCommand extends MultiLeaf {
    static final String NAME = "dryrun";

    @Override
    int run(ParsedArgs parsed, Output output) {
        var nodes = nodes(parsed, 0);
        // what start refuses before anything (nodes sharing a nodename or a pidfile), refused alike
        NodeConflicts.check(nodes);
        if (output.json) {
            Problems problems = new Problems();
            int code = preflight(nodes, problems);
            output.json(nodes.stream().map(node -> problems.describe(node)).toList());
            return code;
        }
        if (output.splash) {
            output.out.println("drover multi v" + io.drover.core.Install.version());
        }
        output.out.println("> Starting nodes (dry run)...");
        for (NodeSpec node : nodes) {
            output.out.println("\t> " + node.nodename().full() + ": " + ShellWords.join(node.argv()));
        }
        // the problems as start reports its nodes' failures, after the plan
        TerminalReporter reporter = new TerminalReporter(output);
        return preflight(nodes, reporter);
    }

    /** Start's checks on {@code nodes}, reported to {@code listener}: the code start would exit with. */
    private int preflight(List<NodeSpec> nodes, ClusterListener listener) {
        Cluster cluster = new Cluster(Posix::get, listener, host());
        return cluster.preflight(cluster.snapshot(), nodes);
    }

    /** The problems of each node, for {@code --json}: each node's object with {@code problems} when it has any. */
    private static final class Problems implements ClusterListener {
        private final Map<String, List<Map<String, Object>>> byNode = new LinkedHashMap<>();

        @Override
        public void phase(String title, List<NodeSpec> nodes) {
            // dryrun's plan is its own
        }

        @Override
        public synchronized void node(NodeSpec node, NodeEvent event) {
            if (event instanceof NodeEvent.Failed f) {
                Map<String, Object> problem = new LinkedHashMap<>();
                problem.put("exit_code", f.exitCode());
                problem.put("reason", f.reason());
                byNode.computeIfAbsent(node.nodename().full(), n -> new ArrayList<>()).add(problem);
            }
        }

        @Override
        public void waiting(List<NodeSpec> remaining) {
            // nothing is waited for
        }

        synchronized Map<String, Object> describe(NodeSpec node) {
            Map<String, Object> m = ShowCommand.describe(node);
            List<Map<String, Object>> problems = byNode.get(node.nodename().full());
            if (problems != null) {
                m.put("problems", problems);
            }
            return m;
        }
    }
}
