package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.node.NodeState.Event;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeStateTest {

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
        "STARTING, STARTED, RUNNING",
        "STARTING, FAILED, FAILED",
        "STARTING, TERM, STOPPING_WARM",
        "STARTING, INT, STOPPING_COLD",
        "RUNNING, HUP, RESTARTING",
        "RUNNING, TERM, STOPPING_WARM",
        "RUNNING, INT, STOPPING_COLD",
        "RUNNING, FAILED, FAILED",
        "RESTARTING, STARTED, RUNNING",
        "RESTARTING, TERM, STOPPING_WARM",
        "STOPPING_WARM, TERM, STOPPING_COLD",
        "STOPPING_WARM, INT, STOPPING_COLD",
        "STOPPING_WARM, STOPPED, STOPPED",
        "STOPPING_COLD, STOPPED, STOPPED",
    })
    void the_table_moves_a_node_as_written(NodeState from, Event event, NodeState to) {
        assertFalse(from.ignores(event));
        assertEquals(to, from.on(event, "w1@host"));
    }

    @ParameterizedTest(name = "{0} ignores {1}")
    @CsvSource({
        "STARTING, HUP",
        "RESTARTING, HUP",
        "STOPPING_WARM, HUP",
        "STOPPING_WARM, STARTED",
        "STOPPING_COLD, TERM",
        "STOPPING_COLD, INT",
        "STOPPED, TERM",
    })
    void signals_that_arrive_while_the_node_is_busy_are_ignored(NodeState state, Event event) {
        assertTrue(state.ignores(event));
    }

    @ParameterizedTest(name = "{0} + {1} is illegal")
    @CsvSource({"RUNNING, STARTED", "RUNNING, STOPPED", "STOPPED, STARTED", "STARTING, STOPPED"})
    void an_illegal_move_fails_loudly_naming_node_state_and_event(NodeState state, Event event) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state.on(event, "w1@host"));
        assertTrue(e.getMessage().contains("w1@host") && e.getMessage().contains(state.name())
                && e.getMessage().contains(event.name()), e.getMessage());
    }
}
