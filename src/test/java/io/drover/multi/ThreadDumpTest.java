package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 30, item 3: how the end of HotSpot's thread dump is found in a logfile, and when no QUIT is sent. */
class ThreadDumpTest {
    @TempDir
    Path dir;

    private static final String BEFORE = "[2026-12-07 06:00:00,000: INFO/main] drover: w1@host ready\n";
    private static final String DUMP = """
            2026-12-07 06:00:01
            Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode, sharing):

            "main" #1 prio=5 os_prio=0 cpu=1.00ms elapsed=1.00s tid=0x1 nid=0x2 waiting on condition
               java.lang.Thread.State: WAITING (parking)

            JNI global refs: 15, weak refs: 0

            Heap
             def new generation   total 4928K, used 2398K
             Metaspace       used 1116K, committed 1280K, reserved 1114112K
              class space    used 95K, committed 192K, reserved 1048576K
            """;

    @Test
    void the_dump_is_found_at_the_line_that_begins_it_after_the_offset_noted_before_the_quit() throws IOException {
        Path log = Files.writeString(dir.resolve("w1.log"), BEFORE + DUMP);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            long at = ThreadDump.watch(ch, BEFORE.length(), ThreadDump.WAIT);
            assertEquals(BEFORE.length() + DUMP.indexOf("Full thread dump"), at);
        }
    }

    @Test
    void a_dump_split_across_reads_is_found_whole() throws IOException {
        StringBuilder padding = new StringBuilder();
        while (padding.length() < 64 * 1024 - 10) {
            padding.append("x".repeat(99)).append('\n');
        }
        String text = padding.substring(0, 64 * 1024 - 10) + "\n" + DUMP;
        Path log = Files.write(dir.resolve("w1.log"), text.getBytes(StandardCharsets.ISO_8859_1));
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            assertEquals(text.indexOf("Full thread dump"), ThreadDump.watch(ch, 0, ThreadDump.WAIT));
        }
    }

    @Test
    void lines_before_the_offset_are_not_taken_for_this_dump() throws IOException {
        Path log = Files.writeString(dir.resolve("w1.log"), DUMP + BEFORE);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            assertEquals(-1, ThreadDump.watch(ch, DUMP.length(), java.time.Duration.ofMillis(100)), "an older dump is not this one: none came by the deadline");
        }
    }

    @Test
    void a_node_run_with_xrs_is_not_sent_a_quit() {
        assertTrue(ThreadDump.reducedSignals(node("-Xmx64m -Xrs")));
        assertFalse(ThreadDump.reducedSignals(node("-Xmx64m -Xrsx")));
        assertFalse(ThreadDump.reducedSignals(node(null)));
    }

    private static NodeSpec node(String jvmOpts) {
        Map<String, String> options = jvmOpts == null ? Map.of() : Map.of("--jvm-opts", jvmOpts);
        return new NodeSpec(1, "w1", io.drover.core.NodeName.of("w1", "host"), "/tmp/w1.pid", "/tmp/w1.log", options,
                List.of());
    }
}
