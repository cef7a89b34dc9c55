package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What /proc says of another process, read as data with bounds. */
class ProcessTableTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void a_variable_of_a_processs_environment_is_read_from_proc() {
        assertEquals(Optional.ofNullable(System.getenv("PATH")), ProcessTable.environment(SELF, "PATH"));
        assertEquals(Optional.empty(), ProcessTable.environment(SELF, "DROVER_NO_SUCH_VARIABLE_" + SELF));
    }

    @Test
    void a_process_that_is_gone_has_no_environment_and_no_command_line() {
        assertEquals(Optional.empty(), ProcessTable.environment(Integer.MAX_VALUE, "PATH"));
        assertEquals(java.util.List.of(), ProcessTable.commandLine(Integer.MAX_VALUE));
    }

    @Test
    void this_jvms_command_line_is_read_within_its_bound() {
        assertTrue(ProcessTable.commandLine(SELF).size() > 1, () -> ProcessTable.commandLine(SELF).toString());
    }

    @Test
    void a_command_line_longer_than_its_bound_is_not_read() throws Exception {
        // the kernel takes 128 KiB per argument: four of 100 KB make a line longer than the bound
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("/usr/bin/python3", "-c",
                "import sys; print('up', flush=True); sys.stdin.read()", "io.drover.cli.Main", "worker"));
        for (int i = 0; i < 4; i++) {
            argv.add("x".repeat(100_000));
        }
        assertTrue(String.join(" ", argv).length() > ProcessTable.MAX_COMMAND_LINE);
        Process p = new ProcessBuilder(argv).start();
        try {
            assertEquals("up", new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine());
            assertEquals(java.util.List.of(), ProcessTable.commandLine(p.pid()));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
