package io.drover.cli;

import io.drover.core.Signals;
import io.drover.multi.ClusterListener;
import io.drover.multi.NodeEvent;
import io.drover.multi.NodeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a cluster operation per node and prints one JSON array at the end, in node order:
 * {@code [{"nodename": ..., "state": ..., "pid": ..., ...}]}. Later events of a node overwrite
 * earlier fields, so a stopwait ends with {@code "state": "down"}.
 */
final class JsonReporter implements ClusterListener {
    private final Output output;
    private final Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();
    private final Changes changes = new Changes();

    JsonReporter(Output output) {
        this.output = output;
    }

    @Override
    public synchronized void phase(String title, List<NodeSpec> specs) {
        for (NodeSpec spec : specs) {
            nodes.computeIfAbsent(spec.nodename().full(), k -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("nodename", k);
                m.put("pidfile", spec.mainPidfile());
                return m;
            });
        }
    }

    @Override
    public synchronized void node(NodeSpec node, NodeEvent event) {
        event.accept(changes).applyTo(nodes.get(node.nodename().full()));
    }

    /** What an event does to its node's object: sets fields, and drops those it leaves null. */
    @FunctionalInterface
    private interface Change {
        void applyTo(Map<String, Object> node);
    }

    /** Each variant's fields, under the names scripts read. */
    private final class Changes implements NodeEvent.Visitor<Change> {
        @Override
        public Change started(NodeEvent.Started s) {
            return m -> put(m, "state", "started", "pid", s.pid(), "replaced_stale_pidfile", s.replaced());
        }

        @Override
        public Change alreadyRunning(NodeEvent.AlreadyRunning r) {
            return m -> put(m, "state", "already_running", "pid", r.pid());
        }

        @Override
        public Change failed(NodeEvent.Failed f) {
            return m -> put(m, "state", "failed", "exit_code", f.exitCode(), "reason", f.reason(),
                    "trace", output.verbose ? f.trace() : null);
        }

        @Override
        public Change signalled(NodeEvent.Signalled s) {
            return m -> put(m, "state", "signalled", "signal", Signals.name(s.signal()), "pid", s.pid());
        }

        @Override
        public Change notRunning(NodeEvent.NotRunning n) {
            return m -> put(m, "state", "not_running");
        }

        @Override
        public Change staleIgnored(NodeEvent.StaleIgnored s) {
            return m -> put(m, "state", "stale_pidfile", "reason", s.reason());
        }

        @Override
        public Change warning(NodeEvent.Warning w) {
            return m -> put(m, "warning", w.message());
        }

        @Override
        public Change down(NodeEvent.Down d) {
            return m -> put(m, "state", "down", "pid", d.pid());
        }

        @Override
        public Change stillAlive(NodeEvent.StillAlive a) {
            return m -> put(m, "state", "still_running", "pid", a.pid());
        }

        @Override
        public Change status(NodeEvent.Status s) {
            return m -> {
                // every column of the status table, null where it has none, so a script finds each key
                m.put("state", s.state().label());
                m.put("pid", s.pid() > 0 ? s.pid() : null);
                m.put("uptime_seconds", s.uptime() == null ? null : s.uptime().toSeconds());
                m.put("rss_bytes", s.rssBytes());
                m.put("cpu_percent", s.cpuPercent() == null ? null : Math.round(s.cpuPercent() * 10) / 10.0);
                m.put("restarts", s.restarts());
                m.put("last_exit", s.lastExit());
                m.put("health", s.health());
                put(m, "reason", s.reason());
            };
        }

        @Override
        public Change dropped(NodeEvent.Dropped dropped) {
            return m -> m.put("dropped", dropped.options());
        }

        @Override
        public Change forgotten(NodeEvent.Forgotten f) {
            return m -> put(m, "state", f.existed() ? "forgotten" : "no_record");
        }
    }

    @Override
    public void waiting(List<NodeSpec> remaining) {
        // the final array tells who went down
    }

    private static void put(Map<String, Object> m, Object... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove((String) kv[i]);
            } else {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
    }

    /** Prints the array, once the operation is over. */
    @Override
    public synchronized void finish() {
        output.json(new ArrayList<>(nodes.values()));
    }
}
