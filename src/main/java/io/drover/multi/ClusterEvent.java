package io.drover.multi;

import java.time.Duration;
import java.util.List;

/**
 * What happened to the nodes as a whole, not to one of them: {@code multi supervise}'s own
 * lines (its start, readiness, stop, rolling restarts). The reporters render these beside the
 * {@link NodeEvent}s, through {@link ClusterListener#cluster}; a renderer takes one through
 * {@link #accept}, so a new variant is a compile error in every renderer.
 */
public sealed interface ClusterEvent {

    <R> R accept(Visitor<R> visitor);

    interface Visitor<R> {
        R supervising(Supervising event);

        R allReady(AllReady event);

        R allGaveUp(AllGaveUp event);

        R stoppingAll(StoppingAll event);

        R killed(Killed event);

        R allStopped(AllStopped event);

        R rolling(Rolling event);

        R rollIgnored(RollIgnored event);

        R rollDone(RollDone event);

        R controlRefused(ControlRefused event);
    }

    /** How many nodes run: what {@code STATUS=} and the log say ("3 of 3 nodes running"). */
    record Tally(int running, int nodes, int givenUp) {
        /** "3 of 3 nodes running", ", 1 given up" after it when any was. */
        public String text() {
            return running + " of " + nodes + " nodes running" + (givenUp > 0 ? ", " + givenUp + " given up" : "");
        }
    }

    /** supervise, {@code pid}, keeps {@code nodes} nodes; {@code subreaper}: orphans are re-parented to it. */
    record Supervising(int nodes, long pid, boolean subreaper) implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.supervising(this);
        }
    }

    /** Every node reported ready (or was given up) once. */
    record AllReady(Tally tally) implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.allReady(this);
        }
    }

    /** Every node was given up: supervise stops and exits 1. */
    record AllGaveUp() implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.allGaveUp(this);
        }
    }

    /** supervise got TERM or INT ({@code signal}) and passes it to every node. */
    record StoppingAll(int signal) implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.stoppingAll(this);
        }
    }

    /** These nodes outlived {@code --timeout} ({@code timeout}) and were killed: supervise exits 1. */
    record Killed(Duration timeout, List<String> nodenames) implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.killed(this);
        }
    }

    /** Every node stopped: supervise exits 0. */
    record AllStopped() implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.allStopped(this);
        }
    }

    /** HUP: a rolling restart, {@code batch} nodes at a time. */
    record Rolling(int batch) implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.rolling(this);
        }
    }

    /** HUP while a rolling restart is under way: ignored. */
    record RollIgnored() implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.rollIgnored(this);
        }
    }

    /** The rolling restart is over. */
    record RollDone(Tally tally) implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.rollDone(this);
        }
    }

    /** A connection to the control socket was refused: {@code who} it came from, and why. */
    record ControlRefused(String who) implements ClusterEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.controlRefused(this);
        }
    }
}
