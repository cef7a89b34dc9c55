package io.drover.node;

import io.drover.core.TransitionTable;

/**
 * A node's lifecycle, written down as a table. An event a state has no row for is ignored
 * where the table says so ({@link #ignores}) and is a bug anywhere else.
 *
 * <pre>
 * state        | started | failed | hup        | term          | int           | stopped
 * STARTING     | RUNNING | FAILED | (ignored)  | STOPPING_WARM | STOPPING_COLD | -
 * RUNNING      | -       | FAILED | RESTARTING | STOPPING_WARM | STOPPING_COLD | -
 * RESTARTING   | RUNNING | FAILED | (ignored)  | STOPPING_WARM | STOPPING_COLD | -
 * STOPPING_WARM| (ign.)  | (ign.) | (ignored)  | STOPPING_COLD | STOPPING_COLD | STOPPED
 * STOPPING_COLD| (ign.)  | (ign.) | (ignored)  | (ignored)     | (ignored)     | STOPPED
 * </pre>
 */
enum NodeState {
    STARTING, RUNNING, RESTARTING, STOPPING_WARM, STOPPING_COLD, STOPPED, FAILED;

    enum Event { STARTED, FAILED, HUP, TERM, INT, STOPPED }

    private static final TransitionTable<NodeState, Event> TABLE = new TransitionTable<>(NodeState.class, Event.class)
            .row(STARTING, Event.STARTED, RUNNING, Event.FAILED, FAILED, Event.TERM, STOPPING_WARM, Event.INT, STOPPING_COLD)
            .row(RUNNING, Event.FAILED, FAILED, Event.HUP, RESTARTING, Event.TERM, STOPPING_WARM, Event.INT, STOPPING_COLD)
            .row(RESTARTING, Event.STARTED, RUNNING, Event.FAILED, FAILED, Event.TERM, STOPPING_WARM, Event.INT,
                    STOPPING_COLD)
            .row(STOPPING_WARM, Event.TERM, STOPPING_COLD, Event.INT, STOPPING_COLD, Event.STOPPED, STOPPED)
            .row(STOPPING_COLD, Event.STOPPED, STOPPED)
            .row(STOPPED)
            .row(FAILED);

    /** Signals that arrive while the node is already busy with one are dropped, not errors. */
    boolean ignores(Event event) {
        return switch (this) {
            // a restart asked for while the application is (re)starting has nothing to restart yet
            case STARTING, RESTARTING -> event == Event.HUP;
            // a start still under way when the stop came may finish or fail afterwards
            case STOPPING_WARM -> event == Event.HUP || event == Event.STARTED || event == Event.FAILED;
            case STOPPING_COLD -> event != Event.STOPPED;
            case STOPPED, FAILED -> event == Event.HUP || event == Event.TERM || event == Event.INT;
            default -> false;
        };
    }

    /**
     * The state after {@code event}.
     *
     * @throws IllegalStateException naming node, state and event for a move the table forbids
     */
    NodeState on(Event event, String nodename) {
        return TABLE.next(this, event, "node " + nodename);
    }
}
