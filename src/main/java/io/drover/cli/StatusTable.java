package io.drover.cli;

import io.drover.core.Printable;
import io.drover.multi.ClusterListener;
import io.drover.multi.NodeEvent;
import io.drover.multi.NodeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code multi status} on a terminal: one aligned row per node (supervisorctl's and pm2's
 * table), the state coloured; reasons (why a node is dead or stale) follow the table. Every
 * cell and note is made {@link Printable} before it is measured and printed: a reason quotes a
 * pidfile's content or a process's command line, which the node's user writes.
 */
final class StatusTable implements ClusterListener {
    static final List<String> HEADER = List.of("NODENAME", "STATE", "PID", "UPTIME", "RSS", "CPU", "RESTARTS",
            "LAST EXIT", "PIDFILE");

    private final Output output;
    private final Map<String, NodeEvent.Status> rows = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Entries entries = new Entries();

    StatusTable(Output output) {
        this.output = output;
    }

    @Override
    public synchronized void phase(String title, List<NodeSpec> nodes) {
        nodes.forEach(n -> rows.put(n.nodename().full(), null));
    }

    @Override
    public synchronized void node(NodeSpec node, NodeEvent event) {
        event.accept(entries).accept(node.nodename().full());
    }

    /**
     * What each variant adds to the table for the node it names: a row (a status), a note (a
     * warning, a status's reason), or nothing. {@code status} sends statuses and warnings only;
     * each other variant is ignored here by name, so a new one is a decision, not an oversight.
     */
    private final class Entries implements NodeEvent.Visitor<Consumer<String>> {
        private final Consumer<String> nothing = name -> { };

        @Override
        public Consumer<String> status(NodeEvent.Status s) {
            return name -> {
                rows.put(name, s);
                if (s.reason() != null) {
                    notes.add(name + ": " + s.state().label() + ": " + s.reason());
                }
                if (s.leftover() != null && !s.leftover().isEmpty()) {
                    notes.add(name + ": " + s.state().label() + ": " + TerminalReporter.leftoverWords(s.leftover()));
                }
            };
        }

        @Override
        public Consumer<String> warning(NodeEvent.Warning w) {
            return name -> notes.add(name + ": warning: " + w.message());
        }

        @Override
        public Consumer<String> started(NodeEvent.Started s) {
            return nothing;
        }

        @Override
        public Consumer<String> alreadyRunning(NodeEvent.AlreadyRunning r) {
            return nothing;
        }

        @Override
        public Consumer<String> failed(NodeEvent.Failed f) {
            return nothing;
        }

        @Override
        public Consumer<String> signalled(NodeEvent.Signalled s) {
            return nothing;
        }

        @Override
        public Consumer<String> notRunning(NodeEvent.NotRunning n) {
            return nothing;
        }

        @Override
        public Consumer<String> staleIgnored(NodeEvent.StaleIgnored s) {
            return nothing;
        }

        @Override
        public Consumer<String> down(NodeEvent.Down d) {
            return nothing;
        }

        @Override
        public Consumer<String> stillAlive(NodeEvent.StillAlive a) {
            return nothing;
        }

        @Override
        public Consumer<String> envChanged(NodeEvent.EnvChanged e) {
            return nothing;
        }

        @Override
        public Consumer<String> dropped(NodeEvent.Dropped d) {
            return nothing;
        }

        @Override
        public Consumer<String> forgotten(NodeEvent.Forgotten f) {
            return nothing;
        }

        @Override
        public Consumer<String> adopted(NodeEvent.Adopted e) {
            return nothing; // supervise's: status never hears of it
        }

        @Override
        public Consumer<String> restarting(NodeEvent.Restarting e) {
            return nothing; // supervise's: status never hears of it
        }

        @Override
        public Consumer<String> exitedUnasked(NodeEvent.ExitedUnasked e) {
            return nothing; // supervise's: status never hears of it
        }

        @Override
        public Consumer<String> gaveUp(NodeEvent.GaveUp e) {
            return nothing; // supervise's: status never hears of it
        }

        @Override
        public Consumer<String> restartAsked(NodeEvent.RestartAsked e) {
            return nothing; // supervise's: status never hears of it
        }

        @Override
        public Consumer<String> timedOut(NodeEvent.TimedOut e) {
            return nothing; // supervise's: status never hears of it
        }

        @Override
        public Consumer<String> killing(NodeEvent.Killing e) {
            return nothing; // supervise's and stopwait's: status never hears of it
        }

        @Override
        public Consumer<String> stopped(NodeEvent.Stopped e) {
            return nothing; // supervise's: status never hears of it
        }

        @Override
        public Consumer<String> rollStopped(NodeEvent.RollStopped e) {
            return nothing; // supervise's: status never hears of it
        }

        @Override
        public Consumer<String> hook(NodeEvent.Hook e) {
            return nothing; // supervise's: status never hears of it
        }
    }

    @Override
    public void waiting(List<NodeSpec> remaining) {
        // status does not wait
    }

    /** Prints the table, then the notes, once every node's status is in. */
    @Override
    public synchronized void finish() {
        // the HEALTH column only when a node serves --health-port: the table stays as narrow as it was
        boolean health = rows.values().stream().anyMatch(s -> s != null && s.health() != null);
        List<List<String>> table = new ArrayList<>();
        // SUPERVISOR too, only when a supervise watches a node
        boolean supervised = rows.values().stream().anyMatch(s -> s != null && s.supervisor() != null);
        List<String> header = health ? withHealth(HEADER, "HEALTH") : HEADER;
        table.add(supervised ? withHealth(header, "SUPERVISOR") : header);
        List<NodeEvent.State> states = new ArrayList<>();
        rows.forEach((name, s) -> {
            if (s != null) {
                states.add(s.state());
                List<String> row = List.of(name, s.state().label(), s.pid() > 0 ? Long.toString(s.pid()) : "-",
                        s.uptime() == null ? "-" : TerminalReporter.human(s.uptime()),
                        s.rssBytes() == null ? "-" : TerminalReporter.bytes(s.rssBytes()),
                        s.cpuPercent() == null ? "-" : TerminalReporter.percent(s.cpuPercent()),
                        TerminalReporter.dash(s.restarts()), TerminalReporter.dash(s.lastExit()),
                        s.pidfile() == null ? "-" : s.pidfile());
                List<String> cells = health ? withHealth(row, TerminalReporter.dash(s.health())) : row;
                cells = supervised ? withHealth(cells, s.supervisor() == null ? "-"
                        : s.supervisor().pid() + ": " + s.supervisor().words()) : cells;
                table.add(cells.stream()
                        .map(Printable::of).toList());
            }
        });
        int[] width = new int[table.get(0).size()];
        for (List<String> row : table) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (int r = 0; r < table.size(); r++) {
            List<String> row = table.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                String pad = " ".repeat(width[i] - cell.length());
                boolean numeric = i == 2 || i == 4 || i == 5 || i == 6;
                String shown = r > 0 && i == 1 ? paintState(states.get(r - 1), cell) : cell;
                if (i == row.size() - 1) {
                    line.append(shown); // no blanks at the end of a line
                } else {
                    line.append(numeric ? pad + shown : shown + pad).append("  ");
                }
            }
            output.out.println(line);
        }
        notes.forEach(note -> output.out.println(Printable.of(note)));
        output.out.flush();
    }

    /** The row with a cell (HEALTH's, SUPERVISOR's) before PIDFILE, which stays last (a path may hold blanks). */
    private static List<String> withHealth(List<String> row, String cell) {
        List<String> with = new ArrayList<>(row);
        with.add(with.size() - 1, cell);
        return with;
    }

    private String paintState(NodeEvent.State state, String cell) {
        return switch (state) {
            case RUNNING -> output.paint(Output.GREEN, cell);
            case STARTING, STOPPED -> cell;
            case DEAD, STALE, UNKNOWN -> output.paint(Output.RED, cell);
        };
    }
}
