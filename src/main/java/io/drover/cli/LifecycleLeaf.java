package io.drover.cli;

import io.drover.core.Signals;
import io.drover.multi.Cluster;
import io.drover.multi.ClusterListener;
import io.drover.multi.NodeConflicts;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.posix.Posix;
import java.time.Duration;
import java.util.List;

/** A multi subcommand that acts on nodes: renders the cluster's events as text or JSON. */
abstract class LifecycleLeaf extends MultiLeaf {
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    /** As systemd's default TimeoutStopSec: long enough for a warm shutdown, never forever. */
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(90);

    @Override
    final int run(ParsedArgs parsed, Output output) {
        List<NodeSpec> nodes = nodes(parsed, 0);
        // Before anything is started or signalled: nodes sharing a nodename or a pidfile are refused.
        NodeConflicts.check(nodes);
        if (startsNodes() && !output.quiet) {
            NodeConflicts.sharedLogfiles(nodes).forEach(w -> output.err.println("drover: warning: " + w));
        }
        ClusterListener listener = output.json ? new JsonReporter(output) : new TerminalReporter(output);
        Cluster cluster = new Cluster(Posix::get, listener, host());
        int code = operate(cluster, nodes, parsed);
        if (listener instanceof JsonReporter json) {
            json.finish();
        }
        return code;
    }

    /** Whether the subcommand starts nodes, which then write their logfiles. */
    boolean startsNodes() {
        return false;
    }

    abstract int operate(Cluster cluster, List<NodeSpec> nodes, ParsedArgs parsed);

    static int signal(ParsedArgs parsed) {
        return parsed.signal().orElse(Signals.TERM);
    }

    /** An option's seconds ({@link Seconds}: 0 means no limit), or {@code fallback} when it is not given. */
    static Duration seconds(ParsedArgs parsed, String option, Duration fallback) {
        String value = parsed.multiOptions().get(option);
        return value == null ? fallback : Seconds.parse(option, value);
    }

    /** {@code --start-timeout}, in the form the spawner takes (0, no limit, becomes a century). */
    static Duration startTimeout(ParsedArgs parsed) {
        return Seconds.startTimeout(seconds(parsed, "--start-timeout", DEFAULT_START_TIMEOUT));
    }

}
