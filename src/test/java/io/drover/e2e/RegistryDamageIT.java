package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * Issue 27, item 7: a damaged entry of the node registry is reported once, skipped, and
 * removable with forget; it never fails a whole {@code --all} (on 250a267 a stray
 * {@code @HOST.node} made status, stop and forget --all exit 64, and a damaged record named
 * explicitly showed "stopped").
 */
class RegistryDamageIT extends DroverTest {
    private static final String HOST = Drover.hostname();

    private Path registry() throws IOException {
        Path state = dir.resolve(".state");
        Files.createDirectories(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        return state;
    }

    private static void file(Path p, String text) throws IOException {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void a_stray_file_and_a_damaged_record_are_named_skipped_and_forgotten_by_all() throws IOException {
        Path registry = registry();
        file(registry.resolve("@" + HOST + ".node"), "x");
        file(registry.resolve("rd1@" + HOST + ".node"), "format=2\nnodename=rd1@" + HOST + "\n");

        Drover.Result status = drover.run("multi", "status", "--all");
        assertEquals(1, status.exitCode(), status::toString);
        assertTrue(status.stdout().contains("_@" + HOST + ": unknown: node record "), status::toString);
        assertTrue(status.stdout().contains("rd1@" + HOST + ": unknown: node record "), status::toString);

        Drover.Result stop = drover.run("multi", "stop", "--all");
        assertEquals(0, stop.exitCode(), stop::toString);
        assertEquals(2, stop.stdout().split("; skipped", -1).length - 1, stop::toString);

        Drover.Result forget = drover.run("multi", "forget", "--all");
        assertEquals(0, forget.exitCode(), forget::toString);
        assertFalse(Files.exists(registry.resolve("@" + HOST + ".node")), forget::toString);
        assertFalse(Files.exists(registry.resolve("rd1@" + HOST + ".node")), forget::toString);
    }

    @Test
    void a_damaged_record_named_explicitly_is_unknown_not_stopped() throws IOException {
        file(registry().resolve("rd2@" + HOST + ".node"), "format=2\nnodename=rd2@" + HOST + "\n");

        Drover.Result status = drover.multi("status", "rd2");

        assertEquals(1, status.exitCode(), status::toString);
        assertTrue(status.stdout().contains("rd2@" + HOST + ": unknown: node record "), status::toString);
    }
}
