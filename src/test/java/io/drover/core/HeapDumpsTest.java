package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 30, item 4: the one rule for where a node's heap dumps go. */
class HeapDumpsTest {
    private static final NodeName W1 = NodeName.of("w1", "host.example.com");

    @Test
    void by_default_a_node_dumps_into_heapdump_and_its_name_beside_its_logfile() {
        assertEquals("/var/log/drover/heapdump/w1", HeapDumps.dir(null, "/var/log/drover/%n%I.log", W1));
    }

    @Test
    void a_directory_given_is_expanded_for_the_node() {
        assertEquals("/dumps/w1", HeapDumps.dir("/dumps/%n", "/var/log/drover/%n%I.log", W1));
    }

    @Test
    void an_empty_directory_or_none_turns_the_dumps_off_and_so_does_no_logfile() {
        assertNull(HeapDumps.dir("", "/var/log/drover/%n.log", W1));
        assertNull(HeapDumps.dir("none", "/var/log/drover/%n.log", W1));
        assertNull(HeapDumps.dir(null, null, W1));
        assertEquals(List.of(), HeapDumps.jvmOptions(null));
    }

    @Test
    void the_jvm_is_told_to_dump_its_heap_into_the_directory() {
        assertEquals(List.of("-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=/d/w1"), HeapDumps.jvmOptions("/d/w1"));
        assertEquals("java_pid812.hprof", HeapDumps.fileName(812));
    }

    @Test
    void heap_dump_keep_is_a_count_of_one_or_more() {
        assertEquals(3, HeapDumps.keep("3"));
        assertThrows(UsageException.class, () -> HeapDumps.keep("0"));
        assertThrows(UsageException.class, () -> HeapDumps.keep("two"));
    }

    @Test
    void the_directory_is_read_back_from_the_jvm_options_the_last_one_winning_and_never_from_the_nodes_arguments() {
        assertEquals("/b", HeapDumps.dirIn(List.of("java", "-XX:HeapDumpPath=/a", "-XX:HeapDumpPath=/b", "-cp", "x",
                Install.MAIN_CLASS, "worker", "-XX:HeapDumpPath=/c")));
        assertNull(HeapDumps.dirIn(List.of("java", "-cp", "x", Install.MAIN_CLASS, "worker", "-XX:HeapDumpPath=/c")));
    }
}
