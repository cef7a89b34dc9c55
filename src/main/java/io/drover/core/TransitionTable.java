package io.drover.core;

import java.util.EnumMap;
import java.util.Map;

/**
 * A state machine written down: for each state, the state each event it takes leads to. The
 * node's lifecycle ({@code node.NodeState}) and supervise's keeper ({@code multi.KeeperState})
 * are each an enum with one of these; an event a row does not name has no move.
 */
public final class TransitionTable<S extends Enum<S>, E extends Enum<E>> {
    private final Class<E> events;
    private final Map<S, Map<E, S>> rows;

    public TransitionTable(Class<S> states, Class<E> events) {
        this.events = events;
        this.rows = new EnumMap<>(states);
    }

    /** {@code from}'s row: pairs of an event and the state it leads to. */
    public TransitionTable<S, E> row(S from, Object... pairs) {
        Map<E, S> row = new EnumMap<>(events);
        for (int i = 0; i < pairs.length; i += 2) {
            row.put(events.cast(pairs[i]), from.getDeclaringClass().cast(pairs[i + 1]));
        }
        rows.put(from, row);
        return this;
    }

    /**
     * The state after {@code event} in {@code from}.
     *
     * @throws IllegalStateException naming {@code who}, the state and the event, for a move the
     *     table does not have
     */
    public S next(S from, E event, String who) {
        Map<E, S> row = rows.get(from);
        S next = row == null ? null : row.get(event);
        if (next == null) {
            throw new IllegalStateException(who + ": event " + event + " is illegal in state " + from);
        }
        return next;
    }
}
