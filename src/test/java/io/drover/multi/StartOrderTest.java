package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drover.core.UsageException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StartOrderTest {
    /** Each node by name, with the names it is after. */
    private static final Map<String, List<String>> AFTER = Map.of(
            "web1", List.of("db", "cache"), "web2", List.of("db"), "db", List.of(), "cache", List.of("db"),
            "lone", List.of("elsewhere"));
    private static final Function<String, List<String>> DEPS = AFTER::get;

    @Test
    void dependencies_come_first_and_the_rest_keeps_the_order_given() {
        assertEquals(List.of("db", "cache", "web1", "web2", "lone"),
                StartOrder.ordered(List.of("web1", "web2", "db", "cache", "lone"), n -> n, DEPS));
    }

    @Test
    void a_dependency_outside_the_nodes_acted_on_orders_nothing() {
        assertEquals(List.of(List.of("lone", "db"), List.of("web2")),
                StartOrder.levels(List.of("lone", "web2", "db"), n -> n, DEPS));
    }

    @Test
    void levels_put_a_node_one_past_its_deepest_dependency() {
        assertEquals(List.of(List.of("db"), List.of("cache", "web2"), List.of("web1")),
                StartOrder.levels(List.of("web1", "web2", "cache", "db"), n -> n, DEPS));
    }

    @Test
    void a_cycle_is_a_usage_error_naming_it_in_start_order() {
        Map<String, List<String>> cyclic = Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("a"));
        UsageException e = assertThrows(UsageException.class,
                () -> StartOrder.ordered(List.of("a", "b", "c"), n -> n, cyclic::get));
        assertEquals("--after makes a cycle, so none of them could start: a -> c -> b -> a", e.getMessage());
    }

    @Test
    void a_node_after_itself_is_a_cycle() {
        UsageException e = assertThrows(UsageException.class,
                () -> StartOrder.ordered(List.of("a"), n -> n, n -> List.of("a")));
        assertEquals("--after makes a cycle, so none of them could start: a -> a", e.getMessage());
    }
}
