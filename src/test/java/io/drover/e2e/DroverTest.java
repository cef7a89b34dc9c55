package io.drover.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An end-to-end test: a fresh directory for pidfiles and logs, and a {@link Drover} that kills
 * whatever the test left running there, even when the test failed.
 */
abstract class DroverTest {
    @TempDir
    Path dir;
    Drover drover;

    @BeforeEach
    void newDrover() {
        drover = new Drover(dir);
    }

    @AfterEach
    void killWhatIsLeft() {
        drover.cleanup();
    }
}
