package io.drover.multi;

import io.drover.launch.HandshakeReader;
import java.time.Duration;
import java.util.List;

/**
 * What happened to one node during a cluster operation; the reporters render these. A renderer
 * takes an event through {@link #accept}, so a new variant is a compile error in every renderer
 * until it says how that variant shows.
 */
public sealed interface NodeEvent {

    /** Calls the visitor's method for this event's variant. */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per variant: what a renderer makes of each. Java 17 has no pattern-matching
     * switch over a sealed type, so this is how the compiler holds every renderer to every variant.
     */
    interface Visitor<R> {
        R started(Started event);

        R alreadyRunning(AlreadyRunning event);

        R failed(Failed event);

        R signalled(Signalled event);

        R notRunning(NotRunning event);

        R staleIgnored(StaleIgnored event);

        R warning(Warning event);

        R down(Down event);

        R stillAlive(StillAlive event);

        R status(Status event);

        R dropped(Dropped event);

        R envChanged(EnvChanged event);

        R forgotten(Forgotten event);

        R adopted(Adopted event);

        R restarting(Restarting event);

        R exitedUnasked(ExitedUnasked event);

        R gaveUp(GaveUp event);

        R restartAsked(RestartAsked event);

        R timedOut(TimedOut event);

        R killing(Killing event);

        R stopped(Stopped event);

        R rollStopped(RollStopped event);

        R hook(Hook event);
    }

    /**
     * The node reported ready. {@code replaced} names a stale pidfile it replaced, or is null;
     * {@code heartbeat} reads its heartbeat under supervise {@code --heartbeat}, else null.
     */
    record Started(long pid, String replaced, HandshakeReader heartbeat) implements NodeEvent {
        public Started(long pid, String replaced) {
            this(pid, replaced, null);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.started(this);
        }
    }

    /** A live node already holds the pidfile: nothing to do, and not a failure. */
    record AlreadyRunning(long pid) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.alreadyRunning(this);
        }
    }

    /**
     * The node could not start, or could not be signalled; {@code reason} is the node's own
     * words, one line. {@code trace} is the stack trace of what the application threw (frames
     * and {@code Caused by} chain), shown only with {@code --verbose}; null when there is none.
     */
    record Failed(int exitCode, String reason, String trace) implements NodeEvent {
        public Failed(int exitCode, String reason) {
            this(exitCode, reason, null);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.failed(this);
        }
    }

    /** A signal was sent to the node's process. */
    record Signalled(int signal, long pid) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.signalled(this);
        }
    }

    /** No pidfile: the node is not running. */
    record NotRunning() implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.notRunning(this);
        }
    }

    /** The pidfile is stale: its pid was not signalled. */
    record StaleIgnored(String reason) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.staleIgnored(this);
        }
    }

    /** Something the user should know that changes nothing (an untrusted node record). */
    record Warning(String message) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.warning(this);
        }
    }

    /** The node's process is gone. */
    record Down(long pid) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.down(this);
        }
    }

    /** The wait ran out while the node still ran. */
    record StillAlive(long pid) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.stillAlive(this);
        }
    }

    /** What {@code status} says of a node, printed as its {@link #label}. */
    enum State {
        /** Its pidfile's holder is the node, and it reported ready. */
        RUNNING,
        /** Its pidfile's holder is the node, not ready yet (or its starter died before it was). */
        STARTING,
        /** No pidfile. */
        STOPPED,
        /** A pidfile left by a process that is gone. */
        DEAD,
        /** A pidfile whose pid is another process. */
        STALE,
        /** Its pidfile or record cannot be trusted. */
        UNKNOWN;

        /** The word status prints. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * {@code status}: the node's {@link State}. The figures come from
     * {@code /proc} and the node registry; each is null when unknown.
     *
     * @param rssBytes resident memory of a live node
     * @param cpuPercent CPU time over the node's life, in percent of one CPU (as ps's %CPU)
     * @param restarts how many times drover started the node again (its record)
     * @param lastExit how the node last ended, when drover saw it ("signal 9", "status 0")
     * @param health what the node's {@code --health-port} says of a live node: "ready", "not
     *     ready", "stalled" (its heartbeat), "no answer"; null when it has no health port
     * @param leftover the live processes left of a dead node's process group (its pidfile's pid
     *     led it): what a kill of the node alone left behind; null when the node runs or no pid is known
     */
    record Status(State state, long pid, Duration uptime, String pidfile, String reason, Long rssBytes,
                  Double cpuPercent, Integer restarts, String lastExit, String health, List<Long> leftover,
                  Supervision supervisor)
            implements NodeEvent {
        public Status(State state, long pid, Duration uptime, String pidfile, String reason) {
            this(state, pid, uptime, pidfile, reason, null, null, null, null, null);
        }

        public Status(State state, long pid, Duration uptime, String pidfile, String reason, Long rssBytes,
                      Double cpuPercent, Integer restarts, String lastExit, String health) {
            this(state, pid, uptime, pidfile, reason, rssBytes, cpuPercent, restarts, lastExit, health, null);
        }

        public Status(State state, long pid, Duration uptime, String pidfile, String reason, Long rssBytes,
                      Double cpuPercent, Integer restarts, String lastExit, String health, List<Long> leftover) {
            this(state, pid, uptime, pidfile, reason, rssBytes, cpuPercent, restarts, lastExit, health, leftover, null);
        }

        public Status {
            leftover = leftover == null ? null : List.copyOf(leftover);
        }

        /** This line with what the node's health port said. */
        public Status withHealth(String answer) {
            return new Status(state, pid, uptime, pidfile, reason, rssBytes, cpuPercent, restarts, lastExit, answer,
                    leftover, supervisor);
        }

        /** This line with what the supervise that watches the node says of it. */
        public Status withSupervisor(Supervision view) {
            return new Status(state, pid, uptime, pidfile, reason, rssBytes, cpuPercent, restarts, lastExit, health,
                    leftover, view);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.status(this);
        }
    }

    /**
     * What the supervise {@code pid} that watches a node says of it: {@code state} in a word
     * ({@code supervised}, {@code starting}, {@code restarting}, {@code stopping}, {@code backoff},
     * {@code gave_up}, {@code stopped}; {@code no_answer} when it did not answer), its restarts within {@code --within}, the time to its next
     * try (null: none due), and whether the operator stopped it.
     */
    record Supervision(long pid, String state, int restarts, Duration nextTry, boolean byRequest) {
        /** {@code backoff, next try in 3 s}: the state as the status line says it. */
        public String words() {
            String next = nextTry == null ? "" : ", next try in " + (nextTry.toMillis() + 999) / 1000 + " s";
            return switch (state) {
                case "gave_up" -> "gave up after " + restarts + " restart" + (restarts == 1 ? "" : "s") + next;
                case "stopped" -> byRequest ? "stopped by request" : "stopped";
                case "no_answer" -> "no answer";
                default -> state + next;
            };
        }
    }

    /**
     * {@code start}/{@code restart}: the variables of the node's {@code --env-file} that changed
     * since its last start, by name only (never a value), each list sorted.
     */
    record EnvChanged(java.util.List<String> changed, java.util.List<String> added, java.util.List<String> removed)
            implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.envChanged(this);
        }

        /** {@code environment changed: A, B (added: X; removed: Y)}. */
        public String words() {
            StringBuilder s = new StringBuilder("environment changed");
            if (!changed.isEmpty()) {
                s.append(": ").append(String.join(", ", changed));
            }
            java.util.List<String> more = new java.util.ArrayList<>();
            if (!added.isEmpty()) {
                more.add("added: " + String.join(", ", added));
            }
            if (!removed.isEmpty()) {
                more.add("removed: " + String.join(", ", removed));
            }
            if (!more.isEmpty()) {
                s.append(changed.isEmpty() ? ": " : " ").append(changed.isEmpty() ? String.join("; ", more)
                        : "(" + String.join("; ", more) + ")");
            }
            return s.toString();
        }
    }

    /** {@code start}/{@code restart}: recorded options the new command line does not have ({@code -Q a,b}). */
    record Dropped(java.util.List<String> options) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.dropped(this);
        }
    }

    /** {@code forget}: the node's record is removed ({@code existed} false: there was none). */
    record Forgotten(boolean existed) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.forgotten(this);
        }
    }

    // supervise's events: its keepers say what they did with a node, as it happens

    /** supervise found the node running under its pidfile and watches it instead of starting another. */
    record Adopted(long pid, String pidfile) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.adopted(this);
        }
    }

    /**
     * The node ended as supervise asked ({@code reason}: its {@link RestartAsked#reason}) and is
     * started again at once; {@code how} it ended ("signal 15").
     */
    record Restarting(String how, String reason) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.restarting(this);
        }
    }

    /**
     * The node exited, or did not start ({@code how} then begins "did not start: "), unasked: it
     * is started again after {@code delay}, which will be its {@code restart}th restart within
     * {@code --within}.
     */
    record ExitedUnasked(String how, int restart, Duration delay) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.exitedUnasked(this);
        }
    }

    /**
     * The node ended unasked ({@code how}) after {@code restarts} restarts within {@code within},
     * which is {@code --max-restarts} spent: supervise starts it no more.
     */
    record GaveUp(String how, int restarts, int maxRestarts, Duration within) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.gaveUp(this);
        }
    }

    /** Why supervise restarts a node that runs. */
    enum Why { MEMORY, HUNG, ROLLING, OPERATOR }

    /**
     * supervise stops the node's process {@code pid} with {@code signal} to start it again at
     * once: {@code why}, in words in {@code reason} ("RSS 230.5 MiB over --max-memory 200.0 MiB").
     */
    record RestartAsked(Why why, String reason, long pid, int signal) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.restartAsked(this);
        }
    }

    /** A node asked to stop for a restart still ran after {@code --timeout}: {@code pid} is killed. */
    record TimedOut(long pid) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.timedOut(this);
        }
    }

    /**
     * The node's process {@code pid} is killed (SIGKILL, to its group) for {@code why} ("hung",
     * "still running after --timeout"), after its JVM was asked for a thread dump: {@code dump}
     * says where it is ("thread dump in LOG at OFFSET (TIME)") or why there is none.
     */
    record Killing(long pid, String why, String dump) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.killing(this);
        }
    }

    /** supervise stopped the node for good, as it was told to; {@code how} it ended. */
    record Stopped(String how) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.stopped(this);
        }
    }

    /**
     * The node did not come back from a rolling restart ({@code reason}): the roll stops there,
     * and the nodes it had not reached keep running.
     */
    record RollStopped(String reason) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.rollStopped(this);
        }
    }

    /**
     * supervise's hook {@code hook} ({@code on-failure}, {@code on-restart}, {@code on-give-up})
     * for this node: a line of its output, or what became of it (its end, its deadline, a skip);
     * {@code warning} when the operator must hear of it (it failed, was killed, was skipped).
     * {@code text} is the hook's own output as it wrote it: the renderers make it printable.
     */
    record Hook(String hook, String text, boolean warning) implements NodeEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.hook(this);
        }
    }
}
