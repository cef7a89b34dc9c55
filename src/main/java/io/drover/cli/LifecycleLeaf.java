package io.drover.cli;

import io.drover.core.Printable;
import io.drover.core.Signals;
import io.drover.multi.Cluster;
import io.drover.multi.ClusterListener;
import io.drover.multi.NodeConflicts;
import io.drover.multi.NodeSpec;
import io.drover.multi.ArgParser;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Snapshot;
import io.drover.posix.Posix;
import java.time.Duration;
import java.util.List;

/** A multi subcommand that acts on nodes: renders the cluster's events as text or JSON. */
abstract class LifecycleLeaf extends MultiLeaf {
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    /** As systemd's default TimeoutStopSec: long enough for a warm shutdown, never forever. */
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(90);

    /** The flag that makes a subcommand act on every node of the node registry. */
    static final String ALL = "--all";

    @Override
    int run(ParsedArgs parsed, Output output) {
        if (startsNodes() || signalsNodes()) {
            Posix.preload();
        }
        ClusterListener listener = listener(output);
        Cluster cluster = new Cluster(Posix::get, listener, host());
        Snapshot snapshot = cluster.snapshot();
        List<NodeSpec> nodes = targets(parsed, snapshot, output);
        // Before anything is started or signalled: nodes sharing a nodename or a pidfile are
        // refused (an untrusted record has no pidfile: it is named, never acted on).
        List<NodeSpec> actedOn = nodes.stream().filter(n -> !n.pidfile().isEmpty()).toList();
        NodeConflicts.check(actedOn);
        if (startsNodes() && !output.quiet) {
            NodeConflicts.sharedLogfiles(actedOn).forEach(w -> output.err.println("drover: warning: " + Printable.of(w)));
        }
        int code = nodes.isEmpty() ? nothingRecorded() : operate(cluster, snapshot, nodes, parsed);
        listener.finish();
        return code;
    }

    /** How the subcommand renders the cluster's events. */
    ClusterListener listener(Output output) {
        return output.json ? new JsonReporter(output) : new TerminalReporter(output);
    }

    /** Whether {@code --all} acts on every recorded node; true but for {@code start}. */
    boolean acceptsAll() {
        return true;
    }

    @Override
    java.util.Map<String, OwnOptions.Kind> ownOptions() {
        return acceptsAll() ? java.util.Map.of(ALL, OwnOptions.Kind.FLAG) : java.util.Map.of();
    }

    /** The exit code of {@code --all} when the registry holds no node. */
    int nothingRecorded() {
        return io.drover.core.ExitCode.OK;
    }

    /**
     * The nodes given, each with the files it was started with when none are given (its record's:
     * {@code RecordedNodes.files}), or with {@code --all} every node of this user's registry (each
     * with its own pidfile and recorded command line, whatever template started it).
     */
    final List<NodeSpec> targets(ParsedArgs parsed, Snapshot snapshot, Output output) {
        if (!own.has(ALL)) {
            if (acceptsAll() && parsed.positionals().isEmpty()) {
                throw new io.drover.core.UsageException("no nodes given: name them (multi " + name()
                        + " w1 w2), give a count (multi " + name() + " 3), or --all for every node drover started");
            }
            return nodes(parsed, 0, snapshot::recorded);
        }
        if (!parsed.positionals().isEmpty()) {
            throw new io.drover.core.UsageException("--all acts on every recorded node: give no nodes with it (got "
                    + String.join(" ", parsed.positionals()) + ")");
        }
        if (!parsed.options().isEmpty() || !parsed.passthrough().isEmpty()) {
            String first = parsed.options().isEmpty() ? "--" : parsed.options().get(0).written();
            throw new io.drover.core.UsageException("--all uses each node's recorded options: give no worker options"
                    + " with it (got " + first + ")");
        }
        List<NodeSpec> nodes = snapshot.allRecorded();
        if (nodes.isEmpty() && !output.quiet) {
            output.err.println("drover: no node recorded in " + host().registryDir());
        }
        return nodes;
    }

    /** Whether the subcommand starts nodes, which then write their logfiles. */
    boolean startsNodes() {
        return false;
    }

    /**
     * Whether the subcommand signals nodes: then, as for one that starts them, jnr-posix loads
     * on a thread of its own while the nodes are read, and binds libc by reflection
     * ({@code Posix.preload}).
     */
    boolean signalsNodes() {
        return false;
    }

    abstract int operate(Cluster cluster, Snapshot snapshot, List<NodeSpec> nodes, ParsedArgs parsed);

    static int signal(ParsedArgs parsed) {
        return parsed.signal().orElse(Signals.TERM);
    }

    /** An option's seconds ({@link Seconds}: 0 means no limit), or {@code fallback} when it is not given. */
    static Duration seconds(ParsedArgs parsed, ArgParser.Own option, Duration fallback) {
        String value = parsed.own(option);
        return value == null ? fallback : Seconds.parse(option.spelling(), value);
    }

    /** {@code --start-timeout}, in the form the spawner takes (0, no limit, becomes a century). */
    static Duration startTimeout(ParsedArgs parsed) {
        return Seconds.startTimeout(seconds(parsed, ArgParser.Own.START_TIMEOUT, DEFAULT_START_TIMEOUT));
    }

}
