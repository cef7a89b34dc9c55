package io.drover.extra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * A temporary directory for tests that run the shipped or exported units under a real systemd,
 * made in target/ rather than /tmp: the units say PrivateTmp=yes, so a node would see an empty
 * /tmp of its own instead of the test's directory there (and systemd could not make a
 * ReadWritePaths= inside it); outside the checkout when that is hidden from the units too
 * ({@link Sandbox#unitsBase}). {@code @TempDir(factory = UnitsTempDir.class)}; JUnit removes it.
 */
final class UnitsTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        return Files.createTempDirectory(Sandbox.unitsBase(), "u");
    }
}
