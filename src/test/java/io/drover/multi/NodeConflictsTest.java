package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.Host;
import io.drover.core.UsageException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Node lists that name one node twice or put two nodes on one pidfile (issue 10, item 1). */
class NodeConflictsTest {
    private static final Host HOST = new Host("HOST", true, Map.of());

    private static List<NodeSpec> nodes(String line) {
        ParsedArgs parsed = ArgParser.parse(List.of(line.split(" ")), false, Set.of()::contains);
        return NodeExpander.expand(parsed.positionals(), parsed, HOST, warning -> { });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "3 --pidfile=/run/x/drover.pid | nodes drover1@HOST, drover2@HOST and drover3@HOST would share the pidfile /run/x/drover.pid",
        "a b --pidfile=/run/%d.pid | nodes a@HOST and b@HOST would share the pidfile /run/HOST.pid",
        "a b --pidfile=/run/p%i.pid | /run/p0.pid",
        "a b --pidfile=/run/p%I.pid | /run/p.pid",
        "a b --pidfile:a=/run/p.pid --pidfile:b=/run/q/../p.pid | /run/p.pid",
        "a b --pidfile:a=/run/p.pid --pidfile:b=/run/./p.pid | /run/p.pid",
        "a b --pidfile=/run/%n.pid --pidfile:b=/run/a.pid | nodes a@HOST and b@HOST",
        "3 --pidfile=/run/x/drover.pid | e.g. --pidfile=/run/x/%n.pid",
        "w1 w1 | node w1@HOST is given twice (as node 1 'w1', node 2 'w1')",
        "w1 w2 w1@HOST w1 | node w1@HOST is given 3 times",
        "w1 w1@other | nodes w1@HOST and w1@other would share the pidfile /run/drover/w1.pid"})
    void is_a_usage_error_naming_what_is_shared(String line, String message) {
        UsageException e = assertThrows(UsageException.class, () -> NodeConflicts.check(nodes(line)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"3", "a b c", "3 --pidfile=/run/%n.pid", "a b --pidfile=/run/%h.pid", "w1 w1@other --pidfile=/run/%h.pid",
        "a b --pidfile=/run/%n%I.pid --logfile=/log/one.log"})
    void distinct_nodes_on_distinct_pidfiles_pass(String line) {
        assertDoesNotThrow(() -> NodeConflicts.check(nodes(line)));
    }

    @Test
    void a_shared_logfile_is_one_warning_naming_the_nodes_and_the_file() {
        assertEquals(List.of("nodes drover1@HOST, drover2@HOST and drover3@HOST share the logfile /log/all.log:"
                + " their lines will be interleaved in it"), NodeConflicts.sharedLogfiles(nodes("3 --logfile=/log/all%I.log")));
    }

    @Test
    void logfiles_of_their_own_give_no_warning() {
        assertEquals(List.of(), NodeConflicts.sharedLogfiles(nodes("3 --logfile=/log/%n%I.log")));
    }
}
