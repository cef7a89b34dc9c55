package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * extra/soak/soak.sh, three cycles on every build (a clean round, a kill -9, a SIGSTOP), so the
 * soak cannot drift from what drover prints: its checks read {@code multi status}'s lines, and
 * once already read a changed line as a disagreement with /proc in every cycle. The long runs
 * (docs/reliability.md) are by hand.
 */
@Isolated // the soak: many nodes and faults at once
class SoakIT {
    @TempDir
    Path tmp;

    @Test
    void three_soak_cycles_with_faults_end_with_every_check_held_and_nothing_left() throws IOException, InterruptedException {
        Path dist = Sandbox.dist();
        Path out = tmp.resolve("soak.out");
        ProcessBuilder pb = new ProcessBuilder("bash", dist.resolve("extra/soak/soak.sh").toString(),
                "--cycles", "3", "--seed", "1")
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("DROVER_HOME", dist.toString());
        pb.environment().put("TMPDIR", tmp.toString());
        pb.environment().put("DROVER_STATE_DIR", tmp.resolve("state").toString());
        Process soak = pb.start();
        try {
            // the soak bounds its own waits; this is only against a hung script
            assertTrue(soak.waitFor(10, TimeUnit.MINUTES), () -> "soak.sh hung:\n" + read(out));
        } finally {
            soak.destroy(); // its trap stops every process it started
            soak.waitFor(60, TimeUnit.SECONDS);
        }
        String text = read(out);
        assertEquals(0, soak.exitValue(), text);
        assertTrue(text.contains("3 cycles of 3 nodes"), text);
        assertTrue(!text.contains("FAILED"), text);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
