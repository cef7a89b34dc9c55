package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The handshake's lines, as the node writes them and its spawner reads them back. */
class NodeProtocolTest {
    @Test
    void a_failure_with_a_trace_is_one_line_that_gives_back_message_and_trace() {
        String trace = "java.lang.IllegalStateException: no\n\tat a.B.c(B.java:1)\nCaused by: x\\y\ttab\n";

        String line = NodeProtocol.failed(78, "cannot start", trace);

        assertFalse(line.contains("\n"), line);
        assertTrue(line.startsWith("FAILED 78 cannot start\t"), line);
        assertArrayEquals(new String[] {"cannot start", trace}, NodeProtocol.failure(line.substring("FAILED 78 ".length())));
    }

    @Test
    void a_message_keeps_to_its_line_and_a_failure_without_trace_has_none() {
        String line = NodeProtocol.failed(1, "two\nlines\tand a tab", null);

        assertEquals("FAILED 1 two lines and a tab", line);
        assertArrayEquals(new String[] {"two lines and a tab", null}, NodeProtocol.failure("two lines and a tab"));
    }

    @Test
    void a_deep_trace_is_cut_and_says_where_the_rest_is() {
        String trace = "x".repeat(100_000);

        String[] back = NodeProtocol.failure(NodeProtocol.failed(1, "m", trace).substring("FAILED 1 ".length()));

        assertTrue(back[1].length() < 40_000, () -> "length " + back[1].length());
        assertTrue(back[1].endsWith("(cut: the node's log has the whole trace)\n"), back[1]);
    }

    @Test
    void a_line_carries_the_key_and_only_a_line_with_the_key_is_the_nodes() {
        String key = "0123456789abcdef0123456789abcdef";
        assertEquals(key + " READY", NodeProtocol.line(key, NodeProtocol.READY));
        assertEquals("READY", NodeProtocol.message(key, NodeProtocol.line(key, "READY")));
        assertEquals(null, NodeProtocol.message(key, "READY 1"));
        assertEquals(null, NodeProtocol.message(key, "fedcba9876543210fedcba9876543210 READY"));
        // bytes the application wrote without a newline stay in front of the node's line
        assertEquals("FAILED 1 no", NodeProtocol.message(key, "junk" + NodeProtocol.line(key, "FAILED 1 no")));
    }
}
