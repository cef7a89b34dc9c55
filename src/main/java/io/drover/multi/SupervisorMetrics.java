package io.drover.multi;

import io.drover.core.Install;
import io.drover.core.MetricsText;
import io.drover.core.MetricsText.Type;
import io.drover.posix.ProcessStats;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * {@code GET /metrics} on {@code multi supervise --metrics-port}: what supervise knows of each of
 * its nodes, a series per node labelled {@code node="NODENAME"}, for nodes that serve no
 * {@code --health-port} of their own (and for what only supervise knows: its restarts, a node
 * given up). Read at each scrape from the keepers and {@code /proc/PID/stat} and
 * {@code /status}: no native call, no class of jnr beyond what supervise loaded.
 */
final class SupervisorMetrics {
    private SupervisorMetrics() {}

    /** One node's figures of a scrape: the keeper's, then its process's. */
    private record Row(String node, Keeper.Figures keeper, OptionalLong rss, OptionalDouble cpu) {}

    static String page(List<Keeper> keepers) {
        List<Row> rows = new ArrayList<>();
        for (Keeper k : keepers) {
            Keeper.Figures f = k.figures();
            boolean up = f.pid() > 0;
            rows.add(new Row(k.spec().nodename().full(), f, up ? ProcessStats.rssBytes(f.pid()) : OptionalLong.empty(),
                    up ? ProcessStats.cpuSeconds(f.pid()) : OptionalDouble.empty()));
        }
        MetricsText m = new MetricsText();
        each(m, rows, "drover_node_up", Type.GAUGE, "1 while the node's process runs (or is starting), else 0",
                r -> r.keeper().pid() > 0 ? 1.0 : 0.0);
        each(m, rows, "drover_node_ready", Type.GAUGE, "1 while the node runs and reported ready, else 0",
                r -> r.keeper().state() == KeeperState.RUNNING ? 1.0 : 0.0);
        each(m, rows, "drover_node_gave_up", Type.GAUGE, "1 while supervise has given up on the node (--max-restarts), else 0",
                r -> r.keeper().state() == KeeperState.GAVE_UP ? 1.0 : 0.0);
        each(m, rows, "drover_node_restarts_total", Type.COUNTER, "Starts of the node by this supervise after its first",
                r -> (double) r.keeper().restarts());
        each(m, rows, "drover_node_last_exit_code", Type.GAUGE,
                "How the node's process last ended: its exit status, or 128+N after signal N",
                r -> exitCode(r.keeper().lastExit()));
        each(m, rows, "drover_node_resident_memory_bytes", Type.GAUGE, "The node's resident memory (VmRSS) in bytes",
                r -> r.rss().isPresent() ? (double) r.rss().getAsLong() : null);
        each(m, rows, "drover_node_cpu_seconds_total", Type.COUNTER, "User and system CPU time of the node's process in seconds",
                r -> r.cpu().isPresent() ? r.cpu().getAsDouble() : null);
        each(m, rows, "drover_heartbeat_age_seconds", Type.GAUGE,
                "Seconds since the node's last heartbeat reached supervise (--heartbeat)",
                r -> r.keeper().heartbeatAgeNanos() >= 0 ? r.keeper().heartbeatAgeNanos() / 1e9 : null);
        m.family("drover_node_state", Type.GAUGE, "The state supervise's keeper of the node is in");
        for (Row r : rows) {
            m.sample("drover_node_state", 1, "node", r.node(), "state", r.keeper().state().name());
        }
        m.family("drover_supervise_info", Type.GAUGE, "drover's version, as a label")
                .sample("drover_supervise_info", 1, "version", Install.version());
        return m.text();
    }

    /** A family with a sample per node that has a figure ({@code figure} gives null where it has none). */
    private static void each(MetricsText m, List<Row> rows, String name, Type type, String help, Function<Row, Double> figure) {
        m.family(name, type, help);
        for (Row r : rows) {
            Double value = figure.apply(r);
            if (value != null) {
                m.sample(name, value, "node", r.node());
            }
        }
    }

    /**
     * The number in a last exit as drover words it ({@code status 3}, {@code signal 9}: 128+9, as
     * a shell says it); null for none yet and for words without one ("did not start: ...").
     */
    static Double exitCode(String lastExit) {
        if (lastExit == null) {
            return null;
        }
        try {
            if (lastExit.startsWith("status ")) {
                return (double) Integer.parseInt(lastExit.substring(7));
            }
            if (lastExit.startsWith("signal ")) {
                return 128.0 + Integer.parseInt(lastExit.substring(7));
            }
        } catch (NumberFormatException e) {
            // words of another form: no number to give
        }
        return null;
    }
}
