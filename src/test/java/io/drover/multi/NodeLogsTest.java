package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code multi logs}' tail: the last lines of a file, read backwards. */
class NodeLogsTest {
    @TempDir
    Path dir;

    private List<String> last(String content, int n) throws IOException {
        Path f = dir.resolve("f.log");
        Files.writeString(f, content);
        try (SeekableByteChannel ch = LogLines.open(f)) {
            return LogLines.lastLines(ch, ch.size(), n);
        }
    }

    @ParameterizedTest(name = "{0} last {1}")
    @CsvSource(delimiter = '|', value = {
        "a\\nb\\nc\\n | 2 | b,c",
        "a\\nb\\nc | 1 | c",
        "a\\nb\\nc\\n | 10 | a,b,c",
        "a\\nb\\nc\\n | 0 | ''",
        "'' | 3 | ''",
        "a\\n\\nb\\n | 2 | ,b",
    })
    void the_last_lines_of_a_file_are_its_last_lines(String content, int n, String expected) throws IOException {
        List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(",", -1));
        assertEquals(want, last(content.replace("\\n", "\n"), n));
    }

    @Test
    void lines_longer_than_a_block_and_many_blocks_are_read_whole() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            lines.add(i + "-" + "x".repeat(i % 7 == 0 ? 9000 : 10));
        }
        String content = String.join("\n", lines) + "\n";

        assertEquals(lines.subList(1990, 2000), last(content, 10));
        assertEquals(lines, last(content, 5000));
    }

    @Test
    void a_symbolic_link_is_not_opened() throws IOException {
        Path target = Files.writeString(dir.resolve("secret"), "s\n");
        Path link = Files.createSymbolicLink(dir.resolve("l.log"), target);

        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> LogLines.open(link));
        assertEquals("a symbolic link, not followed", e.getMessage());
    }

    @Test
    void a_line_longer_than_the_limit_is_shown_as_its_end_cut_and_marked_and_no_line_before_it() throws IOException {
        String longLine = "y".repeat(NodeLogs.MAX_LINE_BYTES + 1000);

        List<String> lines = last("a\n" + longLine + "\nb\n", 3);

        assertEquals(2, lines.size());
        // backwards, the tail looks no further than a line's length for its start
        assertEquals(NodeLogs.LINE_CUT + " " + "y".repeat(NodeLogs.MAX_LINE_BYTES), lines.get(0), "the cut line");
        assertEquals("b", lines.get(1));
    }

    @Test
    void a_big_file_without_a_newline_is_one_cut_line() throws IOException {
        Path f = dir.resolve("big.log");
        try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(64L << 20);
        }
        try (SeekableByteChannel ch = LogLines.open(f)) {
            List<String> lines = LogLines.lastLines(ch, ch.size(), 10);
            assertEquals(1, lines.size());
            assertEquals(NodeLogs.LINE_CUT + " " + "\0".repeat(NodeLogs.MAX_LINE_BYTES), lines.get(0));
        }
    }
}
