package io.drover.multi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * supervise's listener with its hooks: passes every event on, and for a node's failure, restart
 * or give-up queues the operator's hook ({@link Hooks}) with the node's facts in its
 * environment. Keepers report under their monitors, so deciding and queueing never block: a
 * {@link HookRunner} runs the hooks on a thread of its own.
 *
 * <ul>
 * <li>{@code on-failure}: the node exited unasked, or a start of it failed
 *     ({@link NodeEvent.ExitedUnasked}, {@link NodeEvent.Failed}), given up or not
 *     ({@link NodeEvent.GaveUp}).
 * <li>{@code on-restart}: supervise starts it again for that end ({@link NodeEvent.ExitedUnasked}),
 *     or restarts it for its memory or a silent heartbeat ({@link NodeEvent.Restarting}); not a
 *     rolling restart, which the operator asked for (HUP).
 * <li>{@code on-give-up}: {@link NodeEvent.GaveUp}.
 * </ul>
 */
final class HookListener implements ClusterListener {
    /** The environment a hook is told the node's facts in. */
    static final String NODE = "DROVER_NODE";
    static final String EVENT = "DROVER_EVENT";
    static final String EXIT = "DROVER_EXIT";
    static final String RESTARTS = "DROVER_RESTARTS";
    static final String LOGFILE = "DROVER_LOGFILE";
    static final String PIDFILE = "DROVER_PIDFILE";

    /** One hook to run: its kind, its command, and what its environment tells. */
    record Run(Hooks.Kind kind, String command, NodeSpec node, Map<String, String> env) {}

    private final ClusterListener to;
    private final Hooks hooks;
    private final Consumer<Run> runner;
    // guarded by this: what a node's later events need of its earlier ones
    private final Map<String, Integer> restarts = new HashMap<>();
    private final Map<String, NodeEvent.Why> asked = new HashMap<>();

    HookListener(ClusterListener to, Hooks hooks, Consumer<Run> runner) {
        this.to = to;
        this.hooks = hooks;
        this.runner = runner;
    }

    @Override
    public void phase(String title, List<NodeSpec> nodes) {
        to.phase(title, nodes);
    }

    @Override
    public void node(NodeSpec node, NodeEvent event) {
        to.node(node, event); // the event's own line first, then its hooks' lines
        runs(node, event).forEach(runner);
    }

    @Override
    public void cluster(ClusterEvent event) {
        to.cluster(event);
    }

    @Override
    public void waiting(List<NodeSpec> remaining) {
        to.waiting(remaining);
    }

    /** The hooks {@code event} of {@code node} calls for, in the order they run. */
    synchronized List<Run> runs(NodeSpec node, NodeEvent event) {
        String name = node.nodename().full();
        List<Run> runs = new ArrayList<>();
        if (event instanceof NodeEvent.ExitedUnasked e) {
            int n = restarts.merge(name, 1, Integer::sum);
            add(runs, Hooks.Kind.FAILURE, node, e.how(), n);
            add(runs, Hooks.Kind.RESTART, node, e.how(), n);
        } else if (event instanceof NodeEvent.Failed f) {
            add(runs, Hooks.Kind.FAILURE, node, "did not start: " + f.reason(), restarts.getOrDefault(name, 0));
        } else if (event instanceof NodeEvent.GaveUp g) {
            int n = restarts.getOrDefault(name, 0);
            add(runs, Hooks.Kind.FAILURE, node, g.how(), n);
            add(runs, Hooks.Kind.GIVE_UP, node, g.how(), n);
        } else if (event instanceof NodeEvent.RestartAsked r) {
            asked.put(name, r.why());
        } else if (event instanceof NodeEvent.Restarting r) {
            // a roll's restart was asked by the operator (HUP): no alert for each node of it
            if (asked.remove(name) != NodeEvent.Why.ROLLING) {
                add(runs, Hooks.Kind.RESTART, node, r.how(), restarts.merge(name, 1, Integer::sum));
            }
        }
        return runs;
    }

    private void add(List<Run> runs, Hooks.Kind kind, NodeSpec node, String exit, int restartCount) {
        String command = hooks.command(kind);
        if (command == null) {
            return;
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(NODE, node.nodename().full());
        env.put(EVENT, kind.event());
        env.put(EXIT, exit);
        env.put(RESTARTS, Integer.toString(restartCount));
        env.put(LOGFILE, node.mainLogfile());
        env.put(PIDFILE, node.mainPidfile());
        runs.add(new Run(kind, command, node, Map.copyOf(env)));
    }
}
