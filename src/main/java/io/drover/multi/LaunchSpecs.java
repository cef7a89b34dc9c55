package io.drover.multi;

import io.drover.core.Umask;
import io.drover.launch.LaunchSpec;
import java.time.Duration;

/** A node spec as the launcher takes it, from its typed {@link NodeSettings} and its one command line. */
final class LaunchSpecs {
    private LaunchSpecs() {}

    /**
     * @param startTimeout how long to wait for the node's ready report
     * @param heartbeat the heartbeat interval supervise asks for, or null
     * @throws io.drover.core.UsageException for a {@code --umask} that is not one
     */
    static LaunchSpec of(NodeSpec node, Duration startTimeout, Duration heartbeat) {
        NodeSettings s = node.settings();
        return new LaunchSpec(node.nodename(), node.argv(), node.pidfile(), node.logfile(),
                s.umask() == null ? null : Umask.parse(s.umask()), s.workdir(), s.runAs(), s.app(), startTimeout, heartbeat,
                OptionTable.Read.ENV_FILE.in(node.options()));
    }

    /**
     * The node with its own command line, for the checks before a start and a start in the
     * foreground: neither waits for a ready report, so the start timeout is none.
     */
    static LaunchSpec of(NodeSpec node) {
        return of(node, Duration.ZERO, null);
    }
}
