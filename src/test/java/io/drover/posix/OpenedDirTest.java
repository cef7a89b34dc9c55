package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reaching, reading and unlinking files by descriptor, in pure Java ({@link OpenedDir}). */
class OpenedDirTest {
    @TempDir
    Path dir;

    @Test
    void a_file_key_is_the_device_and_inode_the_kernel_gives() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        Map<String, Object> unix = Files.readAttributes(f, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
        try (OpenedDir d = OpenedDir.parentOf(f)) {
            OpenedDir.Entry e = d.look("f");
            assertEquals(unix.get("dev"), e.dev());
            assertEquals(unix.get("ino"), e.ino());
            assertEquals(OpenedDir.Entry.Kind.REGULAR, e.kind());
        }
    }

    @Test
    void a_regular_file_is_read_through_the_walk() throws IOException {
        Path f = Files.writeString(Files.createDirectories(dir.resolve("a/b")).resolve("f.log"), "hello\n");
        try (OpenedDir d = OpenedDir.parentOf(f); FileChannel ch = d.openRegular("f.log", d.look("f.log"))) {
            ByteBuffer buf = ByteBuffer.allocate(16);
            ch.read(buf);
            assertEquals("hello\n", new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
        }
    }

    /** The temporary directory is under /tmp, which every user can write: no link there is followed. */
    @Test
    void a_directory_on_the_way_that_is_a_symlink_in_a_directory_others_can_write_is_not_followed() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Files.writeString(real.resolve("f.log"), "secret\n");
        Files.createSymbolicLink(dir.resolve("link"), real);

        IOException e = assertThrows(IOException.class, () -> OpenedDir.walk(dir.resolve("link")));
        assertTrue(e.getMessage().contains(OpenedDir.LINK_ON_THE_WAY), e::getMessage);
    }

    @Test
    void a_missing_directory_on_the_way_is_no_such_file() {
        assertThrows(NoSuchFileException.class, () -> OpenedDir.walk(dir.resolve("none/deeper")));
    }

    @Test
    void a_fifo_is_never_opened() throws Exception {
        Path fifo = mkfifo(dir.resolve("p"));
        try (OpenedDir d = OpenedDir.parentOf(fifo)) {
            OpenedDir.Entry e = d.look("p");
            assertEquals(OpenedDir.Entry.Kind.OTHER, e.kind());
            assertThrows(OpenedDir.NotRegularException.class, () -> d.openRegular("p", e));
        }
    }

    /**
     * A regular file looked at, then swapped for a FIFO no one writes before the open, in a
     * directory others can write: the open is given up after its bound, not waited for.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void a_fifo_swapped_in_after_the_look_is_given_up_after_the_bound() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path f = Files.writeString(shared.resolve("f.log"), "x\n");
        try (OpenedDir d = OpenedDir.parentOf(f)) {
            OpenedDir.Entry looked = d.look("f.log");
            Files.delete(f);
            mkfifo(f);

            OpenedDir.NotRegularException e = assertThrows(OpenedDir.NotRegularException.class,
                    () -> d.openRegular("f.log", looked));
            assertEquals(OpenedDir.STUCK, e.getMessage());
            // the directory is still usable, and the blocked open is let go by a writer
            assertEquals(OpenedDir.Entry.Kind.OTHER, d.look("f.log").kind());
        }
        try (FileChannel writer = FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            assertTrue(writer.isOpen());
        }
    }

    @Test
    void unlink_removes_only_the_file_looked_at() throws IOException {
        Path f = Files.writeString(dir.resolve("f.pid"), "1\n");
        try (OpenedDir d = OpenedDir.parentOf(f)) {
            OpenedDir.Entry looked = d.look("f.pid");
            // made while the first exists, so it cannot reuse its inode
            Path other = Files.writeString(dir.resolve("other"), "2\n");
            Files.move(other, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertFalse(d.unlink("f.pid", looked), "another file by that name now");
            assertTrue(Files.exists(f));
            assertTrue(d.unlink("f.pid", d.look("f.pid")));
            assertNull(d.look("f.pid"));
        }
    }

    private static Path mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        return p;
    }
}
