package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void the_content_is_whole_after_a_longer_and_then_a_shorter_one() throws IOException {
        Path file = dir.resolve("f");
        byte[] longer = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        AtomicFile.write(file, longer, PosixFilePermissions.fromString("rw-------"));
        assertArrayEquals(longer, Files.readAllBytes(file));
        AtomicFile.write(file, "short\n".getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-------"));
        assertEquals("short\n", Files.readString(file));
        assertEquals(List.of("f"), names());
    }

    @Test
    void the_file_gets_the_mode_given() throws IOException {
        Path file = dir.resolve("f");
        AtomicFile.write(file, new byte[] {1}, PosixFilePermissions.fromString("rw-------"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
        AtomicFile.write(file, new byte[] {2}, PosixFilePermissions.fromString("r--------"));
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)),
                "a replaced file takes the new mode, not the old file's");
    }

    @Test
    void a_failed_write_leaves_no_temporary_file_and_the_target_as_it_was() throws IOException {
        // a rename onto a directory that is not empty fails after the temporary file was written
        Path target = dir.resolve("f");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "kept");
        assertThrows(IOException.class, () -> AtomicFile.write(target, "new".getBytes(StandardCharsets.US_ASCII),
                PosixFilePermissions.fromString("rw-------")));
        assertEquals(List.of("f"), names());
        assertEquals("kept", Files.readString(target.resolve("inside")));
    }

    @Test
    void a_symbolic_link_at_the_temporary_name_is_neither_followed_nor_removed() throws IOException {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "victim's");
        Path planted = dir.resolve(".f.planted.tmp");
        Files.createSymbolicLink(planted, victim);
        Iterator<String> names = List.of(".f.planted.tmp", ".f.free.tmp").iterator();
        AtomicFile.write(dir.resolve("f"), "ours".getBytes(StandardCharsets.US_ASCII),
                PosixFilePermissions.fromString("rw-------"), names::next);
        assertEquals("victim's", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(planted), "someone else's link is not ours to remove");
        assertEquals("ours", Files.readString(dir.resolve("f")));
        assertEquals(List.of(".f.planted.tmp", "f", "victim"), names());
    }

    @Test
    void a_write_whose_every_temporary_name_is_taken_fails_and_writes_nothing() throws IOException {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "victim's");
        Files.createSymbolicLink(dir.resolve(".f.planted.tmp"), victim);
        assertThrows(FileAlreadyExistsException.class, () -> AtomicFile.write(dir.resolve("f"),
                "ours".getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-------"),
                () -> ".f.planted.tmp"));
        assertEquals("victim's", Files.readString(victim));
        assertEquals(List.of(".f.planted.tmp", "victim"), names());
    }

    @Test
    void leftovers_of_a_killed_writer_of_that_file_are_removed_and_nothing_else() throws IOException {
        for (String name : List.of(".f.0123abcd.tmp", ".f.tmp", ".g.0123abcd.tmp", "f", ".f.keep")) {
            Files.writeString(dir.resolve(name), "x");
        }
        AtomicFile.removeLeftovers(dir.resolve("f"));
        assertEquals(List.of(".f.keep", ".g.0123abcd.tmp", "f"), names());
    }

    /**
     * Every whole file drover writes (node records, beat's schedule, exported units) takes this
     * one path, so each is fsynced, file and directory: a rename into place anywhere else is a
     * writer of its own, with its own durability (export's had none).
     */
    @Test
    void no_other_code_renames_a_file_into_place() throws IOException {
        Path main = Path.of("src/main/java/io/drover");
        List<String> found;
        try (Stream<Path> files = Files.walk(main)) {
            found = files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("core/AtomicFile.java"))
                    .filter(f -> LayersTest.withoutCommentsAndStrings(read(f)).contains("ATOMIC_MOVE"))
                    .map(f -> main.relativize(f).toString()).sorted().toList();
        }
        assertEquals(List.of(), found, "write whole files with AtomicFile.write");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
