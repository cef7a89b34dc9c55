package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drover.core.Host;
import io.drover.core.Install;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reading another process's command line (issue 25, class 2): it is that process's data, so a
 * line that does not parse is no node, never an error of the command that looked.
 */
class NodeProcessesTest {
    private static final String HOST = Host.currentHostname();

    private static List<String> line(String... after) {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/java", "-cp", "/opt/drover/lib/*", Install.MAIN_CLASS));
        argv.addAll(List.of(after));
        return argv;
    }

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', value = {
        "worker -n w1@box | w1@box",
        "worker -n w1 | w1@HOST",
        "worker -nw1@box | w1@box",
        "worker --hostname=w1@%h | w1@HOST",
        "worker | drover@HOST",
        "beat --detach | beat@HOST",
        "worker -- -n w2@box | drover@HOST",
    })
    void a_drover_line_names_its_node(String args, String expected) {
        assertEquals(expected.replace("HOST", HOST), NodeProcesses.nodename(line(args.split(" "))));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {
        "worker -n %z",
        "worker -n w1@%q.example",
        "worker --hostname=%Z",
        "worker -n%z",
        "multi start 3",
    })
    void a_line_that_does_not_parse_or_is_no_node_names_none(String args) {
        assertNull(NodeProcesses.nodename(line(args.split(" "))));
    }

    @Test
    void a_line_without_drovers_main_class_names_none() {
        assertNull(NodeProcesses.nodename(List.of("/usr/bin/python3", "-c", "pass", "worker", "-n", "w1@box")));
        assertNull(NodeProcesses.nodename(List.of()));
    }

    @Test
    void only_the_users_that_count_are_parsed_and_a_bad_line_of_one_that_counts_is_skipped() {
        long self = ProcessHandle.current().pid();
        List<NodeProcesses.Candidate> candidates = List.of(
                new NodeProcesses.Candidate(self, 4242, line("worker", "-n", "w1@box")),
                new NodeProcesses.Candidate(self, 0, line("worker", "-n", "%z")),
                new NodeProcesses.Candidate(self, 0, line("worker", "-n", "w1@box", "--pidfile=/run/w1.pid")));

        List<NodeProcesses.Running> found = NodeProcesses.named(candidates, "w1@box", uid -> uid == 0);

        assertEquals(1, found.size(), found::toString);
        assertEquals("/run/w1.pid", found.get(0).pidfile());
        assertEquals(List.of(), NodeProcesses.named(candidates, "w1@box", uid -> false));
    }
}
