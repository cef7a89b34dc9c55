package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 28, item 6: the drover-cds line of a build read through a pipe (a CI log) carried raw
 * {@code ESC[0m}. Not drover-cds's: Maven 3.8's console library writes a colour reset when it
 * starts and ends, even with {@code -B}, right before the first line a quiet build prints.
 * {@code .mvn/jvm.config} turns that off ({@code -Djansi.noreset=true}; later Mavens ignore it).
 */
class BuildOutputIT {
    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    private static String mvn(String... goals) throws Exception {
        boolean onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "mvn")));
        assumeTrue(onPath, "mvn is not on the PATH");
        List<String> command = new java.util.ArrayList<>(List.of("mvn", "-B", "-q", "-o"));
        command.addAll(List.of(goals));
        Process p = new ProcessBuilder(command).directory(BASEDIR.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), output);
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    @Test
    void the_drover_cds_line_of_a_quiet_build_through_a_pipe_has_no_escape_codes() throws Exception {
        String output = mvn("exec:exec@cds-archives");

        assertTrue(output.startsWith("drover-cds: built "), output);
        assertFalse(output.contains("\u001b"), () -> "escape codes in: " + output.replace("\u001b", "ESC"));
    }

    @Test
    void a_quiet_build_that_has_nothing_to_say_prints_nothing() throws Exception {
        String output = mvn("validate");

        assertEquals("", output, () -> output.replace("\u001b", "ESC"));
    }
}
