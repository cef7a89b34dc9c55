package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The % keys of docs/design.md, "The multi grammar": multi's per-node pass and the worker's per-process pass. */
class TemplatesTest {

    private static final NodeName W1 = NodeName.parse("w1@box.example.com");

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "%h | w1@box.example.com",
        "%p | w1@box.example.com",
        "%n | w1",
        "%N | w1",
        "%d | box.example.com",
        "%i | %i",
        "%I | %I",
        "%% | %%",
        "%%n | %%n",
        "%%%n | %%w1",
        "/var/run/drover/%n.pid | /var/run/drover/w1.pid",
        "/var/log/drover/%n%I.log | /var/log/drover/w1%I.log",
        "%n-%i@%d | w1-%i@box.example.com",
        "plain | plain",
        "\"\" | \"\"",
    })
    void for_node_expands_node_keys_and_keeps_process_keys(String value, String expected) {
        assertEquals(expected, Templates.expandForNode(value, W1, "test"));
    }

    @Test
    void for_node_returns_a_value_without_percent_unchanged() {
        String value = "no keys here";
        assertSame(value, Templates.expandForNode(value, W1, "test"));
    }

    @ParameterizedTest(name = "''{0}'' in process {1} -> ''{2}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "%i | 0 | 0",
        "%I | 0 | \"\"",
        "%i | 3 | 3",
        "%I | 3 | -3",
        "%% | 0 | %",
        "%%n | 0 | %n",
        "%n%I.log | 0 | w1.log",
        "%n%I.log | 2 | w1-2.log",
        "%h;%n;%d | 0 | w1@box.example.com;w1;box.example.com",
        "100%% | 1 | 100%",
    })
    void for_process_expands_every_key(String value, int index, String expected) {
        assertEquals(expected, Templates.expandForProcess(value, W1, index, "test"));
    }

    @Test
    void node_pass_then_process_pass_gives_what_one_process_pass_gives() {
        String value = "%h %n %N %d %p %i %I %% %%n";
        String twoPasses = Templates.expandForProcess(Templates.expandForNode(value, W1, "a"), W1, 2, "b");
        assertEquals("w1@box.example.com w1 w1 box.example.com w1@box.example.com 2 -2 % %n", twoPasses);
        assertEquals(Templates.expandForProcess(value, W1, 2, "c"), twoPasses);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"%x", "a%yb", "/run/%H.pid", "%n%z", "%-"})
    void unknown_key_is_a_usage_error_naming_the_key_and_where(String value) {
        char key = value.charAt(value.lastIndexOf('%') + 1);
        UsageException e = assertThrows(UsageException.class, () -> Templates.expandForNode(value, W1, "option -c"));
        assertTrue(e.getMessage().contains("%" + key), e.getMessage());
        assertTrue(e.getMessage().contains("option -c"), e.getMessage());
        assertEquals(ExitCode.USAGE, e.exitCode());
    }

    @Test
    void unknown_key_is_a_usage_error_for_a_process_too() {
        UsageException e = assertThrows(UsageException.class, () -> Templates.expandForProcess("%x", W1, 0, "TEMPLATE"));
        assertTrue(e.getMessage().contains("%x"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"%", "50%", "%n%"})
    void lone_percent_at_the_end_is_a_usage_error(String value) {
        UsageException e = assertThrows(UsageException.class, () -> Templates.expandForNode(value, W1, "option -x"));
        assertTrue(e.getMessage().contains("option -x"), e.getMessage());
    }

    @Test
    void node_without_host_part_expands_d_to_empty() {
        NodeName bare = NodeName.parse("solo");
        assertEquals("solo||solo", Templates.expandForNode("%n|%d|%h", bare, "test"));
    }

    @Test
    void node_with_empty_suffix_expands_h_with_the_trailing_at() {
        NodeName empty = NodeName.of("drover1", "");
        assertEquals("drover1@", Templates.expandForNode("%h", empty, "test"));
        assertEquals("", Templates.expandForNode("%d", empty, "test"));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource({"foo@%h, HOST, foo@HOST", "%h, HOST, HOST", "foo@%h.lan, h1, foo@h1.lan", "plain, HOST, plain"})
    void host_in_a_nodename_is_this_host(String name, String host, String expected) {
        assertEquals(expected, Templates.expandHostInName(name, host));
    }

    @Test
    void nodename_parse_splits_at_the_first_at() {
        assertEquals(new NodeName("a@b@c", "a", "b@c"), NodeName.parse("a@b@c"));
        assertEquals("a@b", NodeName.of("a", "b").toString());
    }
}
