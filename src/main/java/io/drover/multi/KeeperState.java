package io.drover.multi;

import io.drover.core.TransitionTable;

/**
 * What supervise's {@link Keeper} is doing with its node, written down as a table. An event a
 * state has no row for is ignored where the table says so ({@link #ignores}) and is a bug
 * anywhere else.
 *
 * <pre>
 * state              | started  | adopted  | start failed | exited   | recycled | give up | restart asked       | stop asked       | kill asked | backoff over
 * STARTING           | RUNNING  | RUNNING  | BACKOFF      | -        | -        | GAVE_UP | (ignored)           | STARTING_TO_STOP | -          | -
 * STARTING_TO_STOP   | STOPPING | STOPPING | STOPPED      | -        | -        | -       | (ignored)           | (ignored)        | (same)     | -
 * RUNNING            | -        | -        | -            | BACKOFF  | -        | GAVE_UP | STOPPING_TO_RESTART | STOPPING         | -          | -
 * STOPPING_TO_RESTART| -        | -        | -            | STARTING | BACKOFF  | GAVE_UP | (ignored)           | STOPPING         | (same)     | -
 * BACKOFF            | -        | -        | -            | -        | -        | -       | (ignored)           | STOPPED          | -          | STARTING
 * STOPPING           | -        | -        | -            | STOPPED  | -        | -       | (ignored)           | (ignored)        | (same)     | -
 * STOPPED, GAVE_UP   | -        | -        | -            | -        | -        | -       | (ignored)           | (ignored)        | (ignored)  | (ignored)
 * </pre>
 *
 * "give up" is an end that counts (an unasked exit, a failed start, a recycle) once
 * {@code --max-restarts} were spent within {@code --within}; "recycled" is the end of a restart
 * asked because the node was over {@code --max-memory} or its heartbeat went silent
 * ({@code --heartbeat}): it counts as a restart and waits its backoff as a crash does, so a node
 * always over the limit, or hanging again each time, is not restarted every few seconds for ever. "kill asked" is a stop that outlived {@code --timeout}. A stop asked
 * during a start cannot be sent (the start has no pid until it ends): STARTING_TO_STOP remembers
 * it, and the start's end carries it out.
 */
enum KeeperState {
    STARTING, STARTING_TO_STOP, RUNNING, STOPPING_TO_RESTART, BACKOFF, STOPPING, STOPPED, GAVE_UP;

    enum Event { STARTED, ADOPTED, START_FAILED, EXITED, RECYCLED, GIVE_UP, RESTART_ASKED, STOP_ASKED, KILL_ASKED, BACKOFF_OVER }

    private static final TransitionTable<KeeperState, Event> TABLE = new TransitionTable<>(KeeperState.class, Event.class)
            .row(STARTING, Event.STARTED, RUNNING, Event.ADOPTED, RUNNING, Event.START_FAILED, BACKOFF,
                    Event.GIVE_UP, GAVE_UP, Event.STOP_ASKED, STARTING_TO_STOP)
            .row(STARTING_TO_STOP, Event.STARTED, STOPPING, Event.ADOPTED, STOPPING, Event.START_FAILED, STOPPED,
                    Event.KILL_ASKED, STARTING_TO_STOP)
            .row(RUNNING, Event.EXITED, BACKOFF, Event.GIVE_UP, GAVE_UP, Event.RESTART_ASKED, STOPPING_TO_RESTART,
                    Event.STOP_ASKED, STOPPING)
            .row(STOPPING_TO_RESTART, Event.EXITED, STARTING, Event.RECYCLED, BACKOFF, Event.GIVE_UP, GAVE_UP,
                    Event.STOP_ASKED, STOPPING, Event.KILL_ASKED, STOPPING_TO_RESTART)
            .row(BACKOFF, Event.BACKOFF_OVER, STARTING, Event.STOP_ASKED, STOPPED)
            .row(STOPPING, Event.EXITED, STOPPED, Event.KILL_ASKED, STOPPING)
            .row(STOPPED)
            .row(GAVE_UP);

    /**
     * Requests that find the keeper busy with another, or done, are dropped, not errors: they
     * come from other threads (the memory sampler, the heartbeat check, a rolling restart, the
     * stop) that cannot know the state they will find.
     */
    boolean ignores(Event event) {
        return switch (this) {
            // only a running node has something to restart; a stop already under way wins
            case STARTING, BACKOFF -> event == Event.RESTART_ASKED;
            case STARTING_TO_STOP, STOPPING -> event == Event.RESTART_ASKED || event == Event.STOP_ASKED;
            case STOPPING_TO_RESTART -> event == Event.RESTART_ASKED;
            // a backoff's timer may fire after the stop that ended it
            case STOPPED, GAVE_UP -> event == Event.RESTART_ASKED || event == Event.STOP_ASKED
                    || event == Event.KILL_ASKED || event == Event.BACKOFF_OVER;
            default -> false;
        };
    }

    /** The keeper's work is over: nothing runs, nothing will be started again. */
    boolean ended() {
        return this == STOPPED || this == GAVE_UP;
    }

    /**
     * The state after {@code event}.
     *
     * @throws IllegalStateException naming node, state and event for a move the table forbids
     */
    KeeperState on(Event event, String nodename) {
        return TABLE.next(this, event, "keeper of " + nodename);
    }
}
