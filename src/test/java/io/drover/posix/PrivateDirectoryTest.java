package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export's --out in this JVM, as its caller: what is made, what is refused and in which words. */
class PrivateDirectoryTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void openToLookInto() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void missing_directories_are_made_0755_down_to_the_files_directory() throws IOException {
        Path out = tmp.resolve("a/units");
        PrivateDirectory.prepare(out.resolve("x.service.d/50.conf"), out);
        for (Path dir : new Path[] {tmp.resolve("a"), out, out.resolve("x.service.d")}) {
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), dir::toString);
        }
    }

    @Test
    void a_group_writable_out_directory_is_refused_naming_it_and_nothing_is_made_in_it() throws IOException {
        Path out = Files.createDirectory(tmp.resolve("units"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxr-x"));
        DroverException e = assertThrows(DroverException.class,
                () -> PrivateDirectory.prepare(out.resolve("x.service.d/50.conf"), out));
        assertEquals(ExitCode.NO_PERMISSION, e.exitCode());
        assertTrue(e.getMessage().contains(out + " is writable by group "), e.getMessage());
        assertFalse(Files.exists(out.resolve("x.service.d")));
    }

    @Test
    void a_symbolic_link_below_out_is_never_followed_and_the_directories_made_for_it_go() throws IOException {
        Path out = tmp.resolve("units");
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.createDirectories(out.resolve("a"));
        Files.createSymbolicLink(out.resolve("a/x.service.d"), elsewhere);
        DroverException e = assertThrows(DroverException.class,
                () -> PrivateDirectory.prepare(out.resolve("a/x.service.d/b/50.conf"), out));
        assertEquals(ExitCode.NO_PERMISSION, e.exitCode());
        assertTrue(e.getMessage().contains(out.resolve("a/x.service.d") + " is a symbolic link"), e.getMessage());
        assertFalse(Files.exists(elsewhere.resolve("b"), LinkOption.NOFOLLOW_LINKS), "nothing made through the link");
    }

    @Test
    void a_link_in_a_directory_only_the_caller_can_write_is_followed_on_the_way_to_out() throws IOException {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Files.createSymbolicLink(tmp.resolve("link"), real);
        PrivateDirectory.prepare(tmp.resolve("link/units/x.service"), tmp.resolve("link/units"));
        assertTrue(Files.isDirectory(real.resolve("units"), LinkOption.NOFOLLOW_LINKS));
    }
}
