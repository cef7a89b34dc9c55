package io.drover.cli;

import io.drover.core.Signals;
import io.drover.multi.ClusterEvent;
import io.drover.multi.ClusterListener;
import io.drover.multi.NodeEvent;
import io.drover.multi.NodeSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Collects a cluster operation per node and prints one JSON array at the end, in node order:
 * {@code [{"nodename": ..., "state": ..., "pid": ..., ...}]}. Later events of a node overwrite
 * earlier fields, so a stopwait ends with {@code "state": "down"}.
 *
 * <p>{@code multi supervise} does not end on its own: {@link #lines} prints one object a line
 * as each event comes, {@code {"time": ..., "nodename": ..., "state": ...}} for a node's and
 * {@code {"time": ..., "event": ...}} for supervise's own, with the fields of each variant.
 */
final class JsonReporter implements ClusterListener {
    private final Output output;
    /** The time of a {@link #lines} object; null when the whole is one array at the end. */
    private final Supplier<Instant> clock;
    private final Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();
    private final Changes changes = new Changes();
    private final Wholes wholes = new Wholes();

    JsonReporter(Output output) {
        this(output, null);
    }

    private JsonReporter(Output output, Supplier<Instant> clock) {
        this.output = output;
        this.clock = clock;
    }

    /** supervise's reporter: one object a line, as each event comes, with the time {@code clock} tells. */
    static JsonReporter lines(Output output, Supplier<Instant> clock) {
        return new JsonReporter(output, clock);
    }

    @Override
    public synchronized void phase(String title, List<NodeSpec> specs) {
        if (clock != null) {
            return; // no array to fill
        }
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
        if (clock == null) {
            event.accept(changes).applyTo(nodes.get(node.nodename().full()));
            return;
        }
        Map<String, Object> line = timed();
        line.put("nodename", node.nodename().full());
        event.accept(changes).applyTo(line);
        print(line);
    }

    @Override
    public synchronized void cluster(ClusterEvent event) {
        Map<String, Object> line = timed();
        event.accept(wholes).applyTo(line);
        print(line);
    }

    private Map<String, Object> timed() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", (clock == null ? Instant.now() : clock.get()).truncatedTo(ChronoUnit.MILLIS).toString());
        return line;
    }

    private void print(Map<String, Object> line) {
        output.json(line);
        output.out.flush(); // a reader of the stream sees each event as it comes
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
                m.put("leftover", s.leftover());
                put(m, "reason", s.reason());
                if (s.supervisor() != null) {
                    // only for a node a supervise watches: every other status line is as it was
                    NodeEvent.Supervision v = s.supervisor();
                    Map<String, Object> sup = new java.util.LinkedHashMap<>();
                    sup.put("pid", v.pid());
                    sup.put("state", v.state());
                    sup.put("restarts", v.restarts());
                    sup.put("next_try_seconds", v.nextTry() == null ? null : (v.nextTry().toMillis() + 999) / 1000);
                    sup.put("stopped_by_request", v.byRequest());
                    m.put("supervisor", sup);
                }
            };
        }

        @Override
        public Change envChanged(NodeEvent.EnvChanged e) {
            // names only, as the terminal line: never a value
            return m -> {
                m.put("environment_changed", e.changed());
                m.put("environment_added", e.added());
                m.put("environment_removed", e.removed());
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

        @Override
        public Change adopted(NodeEvent.Adopted a) {
            return m -> put(m, "state", "adopted", "pid", a.pid(), "pidfile", a.pidfile());
        }

        @Override
        public Change restarting(NodeEvent.Restarting r) {
            return m -> put(m, "state", "restarting", "last_exit", r.how(), "reason", r.reason());
        }

        @Override
        public Change exitedUnasked(NodeEvent.ExitedUnasked e) {
            return m -> put(m, "state", "exited_unasked", "last_exit", e.how(), "restart", e.restart(),
                    "backoff_seconds", e.delay().toMillis() / 1000.0);
        }

        @Override
        public Change gaveUp(NodeEvent.GaveUp g) {
            return m -> put(m, "state", "gave_up", "last_exit", g.how(), "restarts", g.restarts(),
                    "max_restarts", g.maxRestarts(), "within_seconds", g.within().toSeconds());
        }

        @Override
        public Change restartAsked(NodeEvent.RestartAsked r) {
            return m -> put(m, "state", "restart_asked", "why", r.why().name().toLowerCase(Locale.ROOT),
                    "reason", r.reason(), "pid", r.pid(), "signal", Signals.name(r.signal()));
        }

        @Override
        public Change timedOut(NodeEvent.TimedOut t) {
            return m -> put(m, "state", "timed_out", "pid", t.pid(), "signal", Signals.name(Signals.KILL));
        }

        @Override
        public Change killing(NodeEvent.Killing k) {
            return m -> put(m, "state", "killing", "pid", k.pid(), "signal", Signals.name(Signals.KILL), "reason", k.why(),
                    "thread_dump", k.dump());
        }

        @Override
        public Change stopped(NodeEvent.Stopped s) {
            return m -> put(m, "state", "stopped", "last_exit", s.how());
        }

        @Override
        public Change rollStopped(NodeEvent.RollStopped r) {
            return m -> put(m, "state", "roll_stopped", "reason", r.reason());
        }

        @Override
        public Change hook(NodeEvent.Hook h) {
            return m -> put(m, "state", "hook", "hook", h.hook(), "text", h.text(), "warning", h.warning());
        }
    }

    /** supervise's own events, under {@code "event"}. */
    private static final class Wholes implements ClusterEvent.Visitor<Change> {
        @Override
        public Change supervising(ClusterEvent.Supervising s) {
            return m -> put(m, "event", "supervising", "nodes", s.nodes(), "pid", s.pid(), "child_subreaper", s.subreaper());
        }

        @Override
        public Change allReady(ClusterEvent.AllReady r) {
            return m -> tally(put(m, "event", "all_ready"), r.tally());
        }

        @Override
        public Change allGaveUp(ClusterEvent.AllGaveUp g) {
            return m -> put(m, "event", "all_gave_up");
        }

        @Override
        public Change stoppingAll(ClusterEvent.StoppingAll s) {
            return m -> put(m, "event", "stopping", "signal", Signals.name(s.signal()));
        }

        @Override
        public Change killed(ClusterEvent.Killed k) {
            return m -> put(m, "event", "killed", "timeout_seconds", k.timeout().toMillis() / 1000.0,
                    "nodenames", k.nodenames());
        }

        @Override
        public Change allStopped(ClusterEvent.AllStopped s) {
            return m -> put(m, "event", "all_stopped");
        }

        @Override
        public Change rolling(ClusterEvent.Rolling r) {
            return m -> put(m, "event", "rolling_restart", "batch", r.batch());
        }

        @Override
        public Change rollIgnored(ClusterEvent.RollIgnored r) {
            return m -> put(m, "event", "rolling_restart_ignored");
        }

        @Override
        public Change rollDone(ClusterEvent.RollDone d) {
            return m -> tally(put(m, "event", "rolling_restart_done"), d.tally());
        }

        @Override
        public Change controlRefused(ClusterEvent.ControlRefused r) {
            return m -> put(m, "event", "control_refused", "who", r.who());
        }

        private static void tally(Map<String, Object> m, ClusterEvent.Tally t) {
            put(m, "running", t.running(), "nodes", t.nodes(), "given_up", t.givenUp());
        }
    }

    @Override
    public void waiting(List<NodeSpec> remaining) {
        // the final array tells who went down
    }

    private static Map<String, Object> put(Map<String, Object> m, Object... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove((String) kv[i]);
            } else {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    /** Prints the array, once the operation is over. */
    @Override
    public synchronized void finish() {
        if (clock != null) {
            return; // each line was printed as it came
        }
        output.json(new ArrayList<>(nodes.values()));
    }
}
