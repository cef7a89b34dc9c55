package io.drover.multi;

import io.drover.core.TransitionTable;

/**
 * What supervise's {@link Keeper} is doing with its node, written down as a table. An event a
 * state has no row for is ignored where the table says so ({@link #ignores}) and is a bug
 * anywhere else.
 *
 * <pre>
 * state              | started  | adopted  | start failed | exited   | recycled | give up | restart asked       | stop asked       | kill asked | backoff over | start asked         | cool-down over
 * STARTING           | RUNNING  | RUNNING  | BACKOFF      | -        | -        | GAVE_UP | (ignored)           | STARTING_TO_STOP | -          | (ignored)    | (ignored)           | (ignored)
 * STARTING_TO_STOP   | STOPPING | STOPPING | STOPPED      | -        | -        | -       | (ignored)           | (ignored)        | (same)     | (ignored)    | (ignored)           | (ignored)
 * RUNNING            | -        | -        | -            | BACKOFF  | -        | GAVE_UP | STOPPING_TO_RESTART | STOPPING         | -          | (ignored)    | (ignored)           | (ignored)
 * STOPPING_TO_RESTART| -        | -        | -            | STARTING | BACKOFF  | GAVE_UP | (ignored)           | STOPPING         | (same)     | (ignored)    | (ignored)           | (ignored)
 * BACKOFF            | -        | -        | -            | -        | -        | -       | (ignored)           | STOPPED          | -          | STARTING     | STARTING            | (ignored)
 * STOPPING           | -        | -        | -            | STOPPED  | -        | -       | (ignored)           | (ignored)        | (same)     | (ignored)    | STOPPING_TO_RESTART | (ignored)
 * STOPPED            | -        | -        | -            | -        | -        | -       | (ignored)           | (ignored)        | (ignored)  | (ignored)    | STARTING            | (ignored)
 * GAVE_UP            | -        | -        | -            | -        | -        | -       | (ignored)           | STOPPED          | (ignored)  | (ignored)    | STARTING            | STARTING
 * </pre>
 *
 * "give up" is an end that counts (an unasked exit, a failed start, a recycle) once
 * {@code --max-restarts} were spent within {@code --within}; "recycled" is the end of a restart
 * asked because the node was over {@code --max-memory} or its heartbeat went silent
 * ({@code --heartbeat}): it counts as a restart and waits its backoff as a crash does, so a node
 * always over the limit, or hanging again each time, is not restarted every few seconds for ever.
 * "kill asked" is a stop that outlived {@code --timeout}. A stop asked
 * during a start cannot be sent (the start has no pid until it ends): STARTING_TO_STOP remembers
 * it, and the start's end carries it out. A stop that finds STARTING with no start begun (the
 * node waits for {@code --after}, or a backoff's timer just ran and supervise is ending, so no
 * start will begin) has no start's end to wait for: the keeper moves "start failed" itself at
 * once, and the node is STOPPED.
 *
 * <p>The operator's requests come over supervise's control socket: a stop (or kill) is "stop
 * asked", and the node stays STOPPED, not restarted, until "start asked" (the operator's start or
 * restart; a start asked while the node stops is a restart once it has stopped). A node given up
 * is started again when its cool-down ({@code --give-up-for}) is over, unless the operator
 * stopped it meanwhile. The two timers' events ("backoff over", "cool-down over") are ignored
 * wherever else they arrive: the keeper counts its timers, and a late one finds another count.
 */
enum KeeperState {
    STARTING, STARTING_TO_STOP, RUNNING, STOPPING_TO_RESTART, BACKOFF, STOPPING, STOPPED, GAVE_UP;

    enum Event {
        STARTED, ADOPTED, START_FAILED, EXITED, RECYCLED, GIVE_UP, RESTART_ASKED, STOP_ASKED, KILL_ASKED, BACKOFF_OVER,
        START_ASKED, COOLDOWN_OVER
    }

    private static final TransitionTable<KeeperState, Event> TABLE = new TransitionTable<>(KeeperState.class, Event.class)
            .row(STARTING, Event.STARTED, RUNNING, Event.ADOPTED, RUNNING, Event.START_FAILED, BACKOFF,
                    Event.GIVE_UP, GAVE_UP, Event.STOP_ASKED, STARTING_TO_STOP)
            .row(STARTING_TO_STOP, Event.STARTED, STOPPING, Event.ADOPTED, STOPPING, Event.START_FAILED, STOPPED,
                    Event.KILL_ASKED, STARTING_TO_STOP)
            .row(RUNNING, Event.EXITED, BACKOFF, Event.GIVE_UP, GAVE_UP, Event.RESTART_ASKED, STOPPING_TO_RESTART,
                    Event.STOP_ASKED, STOPPING)
            .row(STOPPING_TO_RESTART, Event.EXITED, STARTING, Event.RECYCLED, BACKOFF, Event.GIVE_UP, GAVE_UP,
                    Event.STOP_ASKED, STOPPING, Event.KILL_ASKED, STOPPING_TO_RESTART)
            .row(BACKOFF, Event.BACKOFF_OVER, STARTING, Event.STOP_ASKED, STOPPED, Event.START_ASKED, STARTING)
            .row(STOPPING, Event.EXITED, STOPPED, Event.KILL_ASKED, STOPPING, Event.START_ASKED, STOPPING_TO_RESTART)
            .row(STOPPED, Event.START_ASKED, STARTING)
            .row(GAVE_UP, Event.STOP_ASKED, STOPPED, Event.START_ASKED, STARTING, Event.COOLDOWN_OVER, STARTING);

    /**
     * Requests that find the keeper busy with another, or done, are dropped, not errors: they
     * come from other threads (the memory sampler, the heartbeat check, a rolling restart, the
     * stop) that cannot know the state they will find.
     */
    boolean ignores(Event event) {
        if (event == Event.BACKOFF_OVER) {
            return this != BACKOFF; // a timer of a backoff that was cut short
        }
        if (event == Event.COOLDOWN_OVER) {
            return this != GAVE_UP;
        }
        return switch (this) {
            // only a running node has something to restart; a stop already under way wins; a
            // node on its way up needs no start
            case STARTING -> event == Event.RESTART_ASKED || event == Event.START_ASKED;
            case BACKOFF -> event == Event.RESTART_ASKED;
            case STARTING_TO_STOP -> event == Event.RESTART_ASKED || event == Event.STOP_ASKED || event == Event.START_ASKED;
            case STOPPING -> event == Event.RESTART_ASKED || event == Event.STOP_ASKED;
            case RUNNING -> event == Event.START_ASKED;
            case STOPPING_TO_RESTART -> event == Event.RESTART_ASKED || event == Event.START_ASKED;
            case STOPPED -> event == Event.RESTART_ASKED || event == Event.STOP_ASKED || event == Event.KILL_ASKED;
            case GAVE_UP -> event == Event.RESTART_ASKED || event == Event.KILL_ASKED;
        };
    }

    /**
     * Nothing runs and nothing is under way: what a stop waits for. A node given up may still be
     * started again by its cool-down or the operator, a stopped one by the operator.
     */
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
