package io.drover.multi;

import java.util.List;

/**
 * Receives a cluster operation's progress. The cluster never prints: a terminal reporter and a
 * JSON reporter (in the cli package) render these calls. Calls may come from several threads
 * (nodes start in parallel); implementations synchronize.
 */
public interface ClusterListener {

    /** A phase begins: "Starting nodes", "Stopping nodes", ... */
    void phase(String title, List<NodeSpec> nodes);

    /** Something happened to one node. */
    void node(NodeSpec node, NodeEvent event);

    /**
     * Something happened to the nodes as a whole ({@code multi supervise}'s own lines). Does
     * nothing unless overridden: only supervise sends these, and only its renderers (the
     * terminal's and the JSON one) override it.
     */
    default void cluster(ClusterEvent event) {
        // a listener of the one-shot operations never hears of one
    }

    /** Still waiting for these nodes to exit (called about once a second). */
    void waiting(List<NodeSpec> remaining);

    /**
     * {@code start} still waits for these nodes to report ready or fail, {@code seconds} after it
     * began: called about once a second once a node has been waited for {@link
     * Waits#START_QUIET}, so a start that goes well prints no more than it did. Does nothing
     * unless overridden (the terminal's renderer).
     */
    default void stillStarting(List<NodeSpec> remaining, long seconds) {
        // a JSON array or a table says nothing until the end
    }

    /**
     * The command's operation is over and no event follows: a listener that renders the whole
     * at the end (one JSON array, an aligned table) writes it now. Called once by whoever drove
     * the cluster, after its operation returned; not after one that threw. Does nothing unless
     * overridden.
     */
    default void finish() {
        // a listener that renders as events come has nothing left to write
    }
}
