package io.drover.multi;

import io.drover.core.Umask;
import io.drover.launch.LaunchSpec;
import java.time.Duration;
import java.util.List;

/**
 * A node spec as the launcher takes it: the one place multi reads a node's launch settings
 * from its worker options by their spellings, so the cluster's operations never do.
 */
final class LaunchSpecs {
    private LaunchSpecs() {}

    /**
     * @param argv the command line to run: the node's own, or the one drover recorded for it
     * @param startTimeout how long to wait for the node's ready report
     * @param heartbeat the heartbeat interval supervise asks for, or null
     * @throws io.drover.core.UsageException for a {@code --umask} that is not one
     */
    static LaunchSpec of(NodeSpec node, List<String> argv, Duration startTimeout, Duration heartbeat) {
        String umask = node.option("--umask");
        return new LaunchSpec(node.nodename(), argv, node.pidfile(), node.logfile(),
                umask == null ? null : Umask.parse(umask), node.option("--workdir"), runAs(node),
                node.option("-A", "--app"), startTimeout, heartbeat);
    }

    /**
     * The node with its own command line, for the checks before a start and a start in the
     * foreground: neither waits for a ready report, so the start timeout is none.
     */
    static LaunchSpec of(NodeSpec node) {
        return of(node, NodeCommand.argv(node), Duration.ZERO, null);
    }

    /** The user and group the node drops to ({@code --uid}, {@code --gid}). */
    static LaunchSpec.RunAs runAs(NodeSpec node) {
        return new LaunchSpec.RunAs(node.option("--uid"), node.option("--gid"));
    }
}
