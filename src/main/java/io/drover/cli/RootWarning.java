package io.drover.cli;

import io.drover.core.RootPolicy;
import io.drover.multi.NodeSpec;
import io.drover.multi.RecordedNodes;
import io.drover.registry.NodeRecord;
import io.drover.registry.NodeRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The warning {@code start} and {@code restart} print once on stderr when root runs the built-in
 * demo, as the README promises: the node logs it too, but a log is not where an operator at a
 * terminal looks. An application as root is refused without {@code --uid} (exit 77); under
 * {@code DROVER_FORCE_ROOT=1}, which the operator set on purpose, its warning is in its log.
 */
final class RootWarning {
    private RootWarning() {}

    /** The warning's text, or null when no node runs the demo as root. */
    static String of(boolean root, List<NodeSpec> nodes, NodeRegistry registry) {
        if (!root) {
            return null;
        }
        List<String> asRoot = new ArrayList<>();
        for (NodeSpec node : nodes) {
            NodeSpec started = node.optionsGiven() ? node : recorded(node, registry);
            if (started.settings().app() == null && RootPolicy.warnsAsRoot(true, started.settings().uid())) {
                asRoot.add(node.nodename().full());
            }
        }
        if (asRoot.isEmpty()) {
            return null;
        }
        return "running " + String.join(", ", asRoot) + " as root (the built-in demo): give --uid USER to run "
                + (asRoot.size() == 1 ? "it" : "them") + " as that user";
    }

    /** The node as its record would start it: a bare {@code start 2} runs the recorded options. */
    private static NodeSpec recorded(NodeSpec node, NodeRegistry registry) {
        try {
            NodeRecord r = registry.find(node.nodename().full()).orElse(null);
            return r == null || !r.pidfile().equals(node.pidfile()) ? node : RecordedNodes.spec(node.index(), r);
        } catch (RuntimeException e) {
            return node; // an untrusted record is named where the node is started
        }
    }
}
