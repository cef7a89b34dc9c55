package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A namespace is one registry directory, however it is spelled, before and after it exists. */
class NamespaceTest {
    @TempDir
    Path dir;

    @Test
    void a_registry_reached_through_a_symlink_is_the_same_namespace_before_and_after_it_exists() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        Namespace before = Namespace.of(link.resolve("state/./drover").toString());

        Files.createDirectories(real.resolve("state/drover"));

        assertEquals(before, Namespace.of(real.resolve("state/drover").toString()));
        assertEquals(before, Namespace.of(link.resolve("state/drover").toString()));
        assertEquals(real.toRealPath().resolve("state/drover").toString(), before.dir());
    }

    @Test
    void a_relative_registry_is_made_absolute() throws IOException {
        assertEquals(Path.of("").toRealPath().resolve("no/such/dir").toString(), Namespace.of("no/such/./dir/").dir());
    }
}
