package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 27, item 2: a node that never says UP does not hold its slot of the start window for ever. */
class StartWindowTest {
    private static final Duration NO_LIMIT = Duration.ofDays(36500);

    /** The next node's entry, on a thread of its own: it blocks while the window is full. */
    private static CompletableFuture<Runnable> nextNode(StartWindow window) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return window.enter(NO_LIMIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void a_slot_held_longer_than_the_longest_hold_lets_the_next_node_in() throws Exception {
        StartWindow window = new StartWindow(1, Duration.ofMillis(200));
        window.enter(NO_LIMIT); // a node that never says UP, with no start timeout
        CompletableFuture<Runnable> next = nextNode(window);
        assertDoesNotThrow(() -> next.get(30, TimeUnit.SECONDS), "the next node never got the hung one's slot");
    }

    @Test
    void a_slot_is_given_back_at_the_start_timeout_when_that_comes_first() throws Exception {
        StartWindow window = new StartWindow(1, Duration.ofDays(1));
        window.enter(Duration.ofMillis(200));
        CompletableFuture<Runnable> next = nextNode(window);
        assertDoesNotThrow(() -> next.get(30, TimeUnit.SECONDS), "the slot outlived the node's start timeout");
    }
}
