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
    @ValueSource(strings = {"%x", "a%yb", "/run/%H.pid", "%n%z", "50%z"})
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

    /** celery's templates are %-and-a-word-character; a % before anything else is just a %. */
    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "% | %",
        "50% | 50%",
        "%n% | w1%",
        "a%-b | a%-b",
        "%-%n | %-w1",
        "100% of %n | 100% of w1",
        "%.pid | %.pid",
        "%5 | %5",
        "%%% | %%%",
    })
    void percent_not_followed_by_a_letter_stays_literal_for_the_node(String value, String expected) {
        assertEquals(expected, Templates.expandForNode(value, W1, "option -x"));
    }

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "% | %",
        "50% | 50%",
        "a%-b | a%-b",
        "%%% | %%",
        "%n%I% | w1-2%",
    })
    void percent_not_followed_by_a_letter_stays_literal_for_the_process(String value, String expected) {
        assertEquals(expected, Templates.expandForProcess(value, W1, 2, "option -x"));
        assertEquals(expected, Templates.expandForProcess(Templates.expandForNode(value, W1, "a"), W1, 2, "b"));
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

    /** celery's host_format: %h the hostname, %n its part before the first dot, %d the rest. */
    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "%n | box.example.com | box",
        "%d | box.example.com | example.com",
        "dd@x%d | box.example.com | dd@xexample.com",
        "drover1@%n.x | box.example.com | drover1@box.x",
        "%n@%d | box.example.com | box@example.com",
        "%n | vm | vm",
        "a@x%d | vm | a@x",
        "%d | a.b.c | b.c",
    })
    void host_templates_in_a_nodename_are_celerys(String name, String host, String expected) {
        assertEquals(expected, Templates.expandHostInName(name, host));
    }

    /** A guard: names were never parsed for keys before, so a % that is no key must stay as it is. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"50%@h", "a%-b", "a%", "a%%n"})
    void a_percent_that_is_no_key_stays_in_a_nodename(String name) {
        assertEquals(name, Templates.expandHostInName(name, "box.example.com"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a%z", "a@%i", "%I@h", "%N", "a@%p", "w%H"})
    void a_node_key_in_a_nodename_is_a_usage_error_naming_it_and_the_name(String name) {
        String key = name.substring(name.indexOf('%'), name.indexOf('%') + 2);
        UsageException e = assertThrows(UsageException.class, () -> Templates.expandHostInName(name, "box.example.com"));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains("%h %n %d"), e.getMessage());
    }

    /** Issue 16 item 6: a nodename is a name, never a path: %n and %d become parts of pidfile paths. */
    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"../../x", "../../x@h", "a/b@h", "a@b/c", "/@h", "..@h", ".@h", "a@..", "a@.", "..",
        "a\nb@h", "a@h\n", "a\tb@h", "a\u0000b", "a\u001bb", "a\u007fb", "a\u0085b", "@h", ""})
    void a_nodename_that_is_not_a_name_is_a_usage_error(String full) {
        UsageException e = assertThrows(UsageException.class, () -> NodeName.parse(full));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
    }

    @ParameterizedTest(name = "{0}@{1}")
    @CsvSource(delimiter = '|', value = {"../x | h", "a | b/c", ".. | h", "a | ..", "a\tb | h", "a b | h"})
    void a_nodename_built_from_parts_that_are_not_names_is_a_usage_error(String shortName, String host) {
        assertThrows(UsageException.class, () -> NodeName.of(shortName.replace("\\t", "\t"), host));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"w1@h", "a.b@h", "a..b@h", "...@h", ".w@h", "w1@", "solo", "ünï@cødé", "50%@h"})
    void a_nodename_that_is_a_name_is_accepted(String full) {
        assertEquals(full, NodeName.parse(full).full());
    }

    @Test
    void nodename_parse_splits_at_the_first_at() {
        assertEquals(new NodeName("a@b@c", "a", "b@c"), NodeName.parse("a@b@c"));
        assertEquals("a@b", NodeName.of("a", "b").toString());
    }
}
