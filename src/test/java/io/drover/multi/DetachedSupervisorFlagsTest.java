package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A detached supervisor runs on the JVM options a foreground one gets from the launcher. */
class DetachedSupervisorFlagsTest {
    @Test
    void a_detached_supervisor_gets_the_launchers_flags_for_multi_supervise() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/main/dist/bin/drover"));
        int daemon = lines.indexOf("    daemon)");
        String flags = lines.get(daemon + 2).trim();
        assertEquals("flags=\"" + String.join(" ", DetachedSupervisor.JVM_OPTIONS) + "\"", flags);
    }
}
