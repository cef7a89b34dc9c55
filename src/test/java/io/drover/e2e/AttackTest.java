package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test of root's drover against {@link Attacker}s: {@code D} reachable by nobody, {@code D/run}
 * and {@code D/log} owned by nobody, as drover makes them for {@code --uid nobody}; the
 * attackers a test started are closed before {@link DroverTest}'s cleanup kills what is left.
 */
abstract class AttackTest extends DroverTest {
    final List<Attacker> attackers = new ArrayList<>();
    Path run;
    Path log;

    @BeforeEach
    void nobodysDirectories() throws IOException {
        assertTrue(Drover.runningAsRoot(), "these tests attack root's drover as other users: run them as root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        run = AttackFiles.ownedByNobody(dir.resolve("run"));
        log = AttackFiles.ownedByNobody(dir.resolve("log"));
    }

    @AfterEach
    void killTheAttackers() {
        attackers.forEach(Attacker::close);
    }
}
