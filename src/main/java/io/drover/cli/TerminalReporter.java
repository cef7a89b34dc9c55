package io.drover.cli;

import io.drover.core.Install;
import io.drover.core.Printable;
import io.drover.core.Signals;
import io.drover.multi.ClusterEvent;
import io.drover.multi.ClusterListener;
import io.drover.multi.NodeEvent;
import io.drover.multi.NodeSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;

/**
 * Renders a cluster operation as celery multi does: a phase line, then one line per node. What
 * an event says comes from outside (a pidfile's content, a process's command line, the
 * application's exception message), so every line is made {@link Printable} as it is printed,
 * and colour is put on after, around drover's own words only.
 *
 * <p>{@code multi supervise} runs for days and its lines go to a journal or a container log:
 * {@link #log} renders each event as one line with the time and the node, {@code
 * 2026-05-01T10:00:00.123Z > drover1@HOST: started (pid 4242)}, without colour, a warning also
 * on stderr, {@code drover: drover1@HOST: ...}.
 */
final class TerminalReporter implements ClusterListener {
    private final Output output;
    /** The time of a {@link #log} line; null when the lines are a one-shot command's. */
    private final Supplier<Instant> clock;
    private final Lines lines;
    private final Whole whole = new Whole();
    private boolean splashed;
    private long waitingSince;
    private int lastWaitingCount = -1;

    TerminalReporter(Output output) {
        this(output, null);
    }

    private TerminalReporter(Output output, Supplier<Instant> clock) {
        this.output = output;
        this.clock = clock;
        this.lines = new Lines(clock != null);
    }

    /** supervise's reporter: a line per event, as it comes, with the time {@code clock} tells. */
    static TerminalReporter log(Output output, Supplier<Instant> clock) {
        return new TerminalReporter(output, clock);
    }

    @Override
    public synchronized void phase(String title, List<NodeSpec> nodes) {
        if (output.splash && !splashed) {
            output.out.println("drover multi v" + Install.version());
            splashed = true;
        }
        if (!output.quiet) {
            output.out.println("> " + title + "...");
        }
    }

    @Override
    public synchronized void node(NodeSpec node, NodeEvent event) {
        Line line = event.accept(lines);
        if (clock != null) {
            logLine(node.nodename().full(), line);
            return;
        }
        boolean failure = line.failure() != null;
        if (failure && output.failuresOnStderr) {
            // A script that keeps stderr (2>errors, or captures it) must see why, not only the
            // exit code: each failure is also one line there, in plain text, flushed first so
            // it is never behind the progress on a terminal that shows both.
            output.err.println("drover: " + Printable.of(node.nodename().full() + ": " + line.failure()));
            output.err.flush();
        }
        if (output.quiet && !failure) {
            return;
        }
        output.out.println("\t> " + Printable.of(node.nodename().full()) + ": " + line.shown(output));
        if (output.verbose && line.trace() != null) {
            // a trace's lines keep their tabs ("\tat ..."); anything else a terminal acts on is escaped
            line.trace().lines().forEach(l -> output.out.println("\t  " + Printable.text(l)));
        }
        output.out.flush();
    }

    @Override
    public synchronized void cluster(ClusterEvent event) {
        logLine(null, event.accept(whole));
    }

    /**
     * One line with the time and who it is about ({@code nodename}, null: supervise itself); a
     * warning on stdout, even with {@code --quiet}, and then on stderr (unless that is the same terminal).
     */
    private void logLine(String nodename, Line line) {
        boolean warning = line.failure() != null;
        if (output.quiet && !warning) {
            return;
        }
        Instant now = clock == null ? Instant.now() : clock.get();
        output.out.println(now.truncatedTo(ChronoUnit.MILLIS) + " > "
                + Printable.of((nodename == null ? "supervise" : nodename) + ": " + line.word() + line.rest()));
        output.out.flush();
        if (warning && output.failuresOnStderr) {
            output.err.println("drover: " + Printable.of((nodename == null ? "" : nodename + ": ") + line.failure()));
            output.err.flush();
        }
    }

    @Override
    public synchronized void waiting(List<NodeSpec> remaining) {
        if (output.quiet) {
            return;
        }
        long now = System.nanoTime();
        if (lastWaitingCount < 0) {
            waitingSince = now;
            output.out.println("> Waiting for " + remaining.size() + (remaining.size() == 1 ? " node" : " nodes") + "...");
        } else if (remaining.size() != lastWaitingCount || (now - waitingSince) / 1_000_000_000L % 5 == 0) {
            output.out.println(stillWaiting(remaining, (now - waitingSince) / 1_000_000_000L));
        }
        lastWaitingCount = remaining.size();
        output.out.flush();
    }

    @Override
    public synchronized void stillStarting(List<NodeSpec> remaining, long seconds) {
        if (output.quiet) {
            return;
        }
        output.out.println(stillWaiting(remaining, seconds));
        output.out.flush();
    }

    /** The line naming the nodes a command still waits for: to exit (stopwait) or to start. */
    private static String stillWaiting(List<NodeSpec> remaining, long seconds) {
        return "> Still waiting after " + seconds + " s for " + remaining.size() + ": "
                + Printable.of(String.join(", ", remaining.stream().map(n -> n.nodename().full()).toList()));
    }

    /**
     * What one event shows: its line on stdout, a word of drover's own ({@code OK},
     * {@code FAILED}) in {@code colour} (null: none) and the rest; for a failure also its line
     * for stderr (as on stdout, without colour: stderr may be another file) and the
     * application's stack trace, shown with {@code --verbose}. Plain text: {@link #shown} makes
     * it printable.
     */
    private record Line(String colour, String word, String rest, String failure, String trace) {
        static Line of(String text) {
            return new Line(null, "", text, null, null);
        }

        static Line painted(String colour, String word, String rest) {
            return new Line(colour, word, rest, null, null);
        }

        /** A line an operator must hear of: on stderr too. */
        static Line warning(String text) {
            return new Line(null, "", text, text, null);
        }

        /** The line for stdout: escaped first, so the only escape sequences in it are the colour's. */
        String shown(Output output) {
            String w = Printable.of(word);
            return (colour == null ? w : output.paint(colour, w)) + Printable.of(rest);
        }
    }

    /**
     * Each variant's line, in celery multi's words where it has them; in supervise's
     * ({@code log}) a start and a warning say what supervise's log always said.
     */
    private final class Lines implements NodeEvent.Visitor<Line> {
        private final boolean log;

        Lines(boolean log) {
            this.log = log;
        }

        @Override
        public Line started(NodeEvent.Started s) {
            if (log) {
                return Line.of("started (pid " + s.pid() + ")");
            }
            return Line.painted(Output.GREEN, "OK", " (pid " + s.pid() + ")"
                    + (s.replaced() == null ? "" : "; replaced a stale pidfile: " + s.replaced()));
        }

        @Override
        public Line alreadyRunning(NodeEvent.AlreadyRunning r) {
            return Line.of("already running (pid " + r.pid() + ")");
        }

        @Override
        public Line failed(NodeEvent.Failed f) {
            return new Line(Output.RED, "FAILED", ": " + f.reason(), "FAILED: " + f.reason(), f.trace());
        }

        @Override
        public Line signalled(NodeEvent.Signalled s) {
            return Line.of(Signals.name(s.signal()) + " -> " + s.pid());
        }

        @Override
        public Line notRunning(NodeEvent.NotRunning n) {
            return Line.of("not running");
        }

        @Override
        public Line staleIgnored(NodeEvent.StaleIgnored s) {
            return Line.of("not running: stale pidfile, not signalled (" + s.reason() + ")");
        }

        @Override
        public Line warning(NodeEvent.Warning w) {
            return log ? Line.warning(w.message()) : Line.painted(Output.RED, "warning", ": " + w.message());
        }

        @Override
        public Line down(NodeEvent.Down d) {
            return Line.of(d.pid() > 0 ? "down (pid " + d.pid() + ")" : "exited");
        }

        @Override
        public Line stillAlive(NodeEvent.StillAlive a) {
            String rest = " (pid " + a.pid() + ") when the timeout ran out";
            return new Line(Output.RED, "still running", rest, "still running" + rest, null);
        }

        @Override
        public Line status(NodeEvent.Status s) {
            Line state = switch (s.state()) {
                case RUNNING -> Line.painted(Output.GREEN, s.state().label(), " (pid " + s.pid()
                        + (s.uptime() == null ? "" : ", up " + human(s.uptime())) + ")"
                        + (s.reason() == null ? "" : ": " + s.reason()));
                case STARTING -> Line.of(s.state().label() + " (pid " + s.pid() + ", not yet ready)");
                case STOPPED -> Line.of(s.state().label());
                case DEAD, STALE, UNKNOWN -> Line.painted(Output.RED, s.state().label(), ": " + s.reason());
            };
            if (s.state() == NodeEvent.State.UNKNOWN) {
                return state;
            }
            // the fields of the status table, after what the line always said (scripts read its start)
            return Line.painted(state.colour(), state.word(), state.rest() + leftover(s.leftover())
                    + "; rss " + dash(s.rssBytes() == null ? null : bytes(s.rssBytes()))
                    + ", cpu " + dash(s.cpuPercent() == null ? null : percent(s.cpuPercent()))
                    + ", restarts " + dash(s.restarts()) + ", last exit " + dash(s.lastExit())
                    + (s.health() == null ? "" : ", health " + s.health())
                    + (s.supervisor() == null ? "" : ", supervisor pid " + s.supervisor().pid() + " ("
                            + s.supervisor().words() + ")")
                    + ", pidfile " + s.pidfile());
        }

        @Override
        public Line envChanged(NodeEvent.EnvChanged e) {
            return Line.of(e.words());
        }

        @Override
        public Line dropped(NodeEvent.Dropped dropped) {
            return Line.of(String.join(" ", dropped.options()) + " dropped");
        }

        @Override
        public Line forgotten(NodeEvent.Forgotten f) {
            return Line.of(f.existed() ? "forgotten" : "no record");
        }

        @Override
        public Line adopted(NodeEvent.Adopted a) {
            return Line.of("adopted (pid " + a.pid() + ", already running under " + a.pidfile() + ")");
        }

        @Override
        public Line restarting(NodeEvent.Restarting r) {
            return Line.of("exited (" + r.how() + ") after " + r.reason() + "; starting it again");
        }

        @Override
        public Line exitedUnasked(NodeEvent.ExitedUnasked e) {
            return Line.warning("exited unasked (" + e.how() + "); restart " + e.restart() + " in "
                    + e.delay().toMillis() / 1000.0 + " s");
        }

        @Override
        public Line gaveUp(NodeEvent.GaveUp g) {
            long within = g.within().toSeconds();
            return Line.warning("exited (" + g.how() + "); GAVE UP: " + g.restarts() + " restarts within " + within
                    + " s (--max-restarts " + g.maxRestarts() + " --within " + within + "); the other nodes go on");
        }

        @Override
        public Line restartAsked(NodeEvent.RestartAsked r) {
            return Line.warning(r.reason() + ": restarting pid " + r.pid() + " (SIG" + Signals.name(r.signal()) + ")");
        }

        @Override
        public Line timedOut(NodeEvent.TimedOut t) {
            return Line.warning("still running after --timeout: killing pid " + t.pid());
        }

        @Override
        public Line killing(NodeEvent.Killing k) {
            return Line.warning("killing pid " + k.pid() + " (SIGKILL): " + k.why() + "; " + k.dump());
        }

        @Override
        public Line stopped(NodeEvent.Stopped s) {
            return Line.of("stopped (" + s.how() + ")");
        }

        @Override
        public Line rollStopped(NodeEvent.RollStopped r) {
            return Line.warning("did not come back from the rolling restart: " + r.reason()
                    + "; the rolling restart stopped, the nodes not yet restarted keep running");
        }

        @Override
        public Line hook(NodeEvent.Hook h) {
            String text = "hook " + h.hook() + ": " + h.text();
            return h.warning() ? Line.warning(text) : Line.of(text);
        }
    }

    /** supervise's own lines, about the nodes as a whole. */
    private static final class Whole implements ClusterEvent.Visitor<Line> {
        @Override
        public Line supervising(ClusterEvent.Supervising s) {
            return Line.of("supervising " + s.nodes() + " node" + (s.nodes() == 1 ? "" : "s") + " (pid " + s.pid()
                    + (s.subreaper() ? ", child subreaper" : "") + ")");
        }

        @Override
        public Line allReady(ClusterEvent.AllReady r) {
            return Line.of("all nodes ready: " + r.tally().text());
        }

        @Override
        public Line allGaveUp(ClusterEvent.AllGaveUp g) {
            return Line.warning("every node was given up: exiting");
        }

        @Override
        public Line stoppingAll(ClusterEvent.StoppingAll s) {
            return Line.of((s.signal() == Signals.INT ? "cold stop (SIGINT)" : "warm stop (SIGTERM)") + " of every node");
        }

        @Override
        public Line killed(ClusterEvent.Killed k) {
            return Line.warning("killed (SIGKILL) after --timeout " + k.timeout().toMillis() / 1000.0 + " s: "
                    + String.join(", ", k.nodenames()));
        }

        @Override
        public Line allStopped(ClusterEvent.AllStopped s) {
            return Line.of("every node stopped");
        }

        @Override
        public Line rolling(ClusterEvent.Rolling r) {
            return Line.of("rolling restart (SIGHUP), " + r.batch() + " at a time");
        }

        @Override
        public Line rollIgnored(ClusterEvent.RollIgnored r) {
            return Line.of("SIGHUP ignored: a rolling restart is under way");
        }

        @Override
        public Line rollDone(ClusterEvent.RollDone d) {
            return Line.of("rolling restart done: " + d.tally().text());
        }

        @Override
        public Line controlRefused(ClusterEvent.ControlRefused r) {
            return Line.warning("control socket: refused " + r.who());
        }
    }

    /**
     * "; 2 processes of its group left (pids 123, 124)" after a dead node's state, what a kill of
     * the node alone left running; nothing when none is left, so such a line is as it always was.
     */
    static String leftover(List<Long> pids) {
        if (pids == null || pids.isEmpty()) {
            return "";
        }
        return "; " + leftoverWords(pids);
    }

    /** "2 processes of its group left (pids 123, 124)". */
    static String leftoverWords(List<Long> pids) {
        boolean one = pids.size() == 1;
        return pids.size() + (one ? " process" : " processes") + " of its group left (pid" + (one ? " " : "s ")
                + String.join(", ", pids.stream().map(String::valueOf).toList()) + ")";
    }

    static String dash(Object value) {
        return value == null ? "-" : value.toString();
    }

    /** Memory as ps and top print it: 812K, 51.2M, 1.3G. */
    static String bytes(long bytes) {
        double kib = bytes / 1024.0;
        if (kib < 1024) {
            return Math.round(kib) + "K";
        }
        double mib = kib / 1024;
        return mib < 1024 ? oneDecimal(mib) + "M" : oneDecimal(mib / 1024) + "G";
    }

    static String percent(double cpu) {
        return oneDecimal(cpu) + "%";
    }

    /**
     * {@code %.1f} in the root locale, without a Formatter: status prints two per node, and the
     * Formatter's locale look-up stood out in {@code status --all}'s profile among 50 nodes.
     */
    static String oneDecimal(double value) {
        return java.math.BigDecimal.valueOf(value).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h" + (s % 3600) / 60 + "m";
        }
        return s / 86400 + "d" + (s % 86400) / 3600 + "h";
    }
}
