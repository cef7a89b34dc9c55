package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ExitCode;
import jnr.ffi.Platform;
import org.junit.jupiter.api.Test;

/** Issue 10 item 3: a detached start where drover's spawn flags are not known right says so. */
class PlatformCheckTest {
    @Test
    void a_detached_start_on_macos_is_refused_with_one_line_naming_the_foreground_worker() {
        SpawnException e = assertThrows(SpawnException.class, () -> JnrPosix.checkPlatform(Platform.OS.DARWIN));
        assertEquals(ExitCode.UNAVAILABLE, e.exitCode());
        assertTrue(e.getMessage().contains("only known to be right on Linux, not darwin"), e.getMessage());
        assertTrue(e.getMessage().contains("drover worker"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void linux_is_where_detached_starts_are_known_right() {
        assertDoesNotThrow(() -> JnrPosix.checkPlatform(Platform.OS.LINUX));
    }
}
