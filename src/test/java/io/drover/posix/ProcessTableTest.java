package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What /proc says of another process, read as data with bounds. */
class ProcessTableTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void this_jvm_is_alive_and_its_figures_are_read() {
        assertTrue(ProcessTable.isAlive(SELF));
        assertTrue(ProcessTable.rss(SELF).orElse(0L) > 0);
        assertEquals(ProcessTable.rss(SELF).isPresent(), ProcessStats.figures(SELF).rssBytes().isPresent());
        assertTrue(ProcessStats.figures(SELF).uptime().isPresent());
        assertEquals(Optional.empty(), ProcessStats.zombieExit(SELF), "a live process has no exit");
        assertEquals(ProcessHandle.current().parent().map(ProcessHandle::pid), ProcessTable.parent(SELF));
    }

    /**
     * /proc/PID/stat and status are parsed in one place ({@code core.ProcEntry}): two parsers of one
     * file drift apart (they had: one read the state through a slow channel, one took VmRSS).
     */
    @Test
    void only_proc_entry_names_the_stat_and_status_files() throws java.io.IOException {
        java.nio.file.Path main = java.nio.file.Path.of("src/main/java/io/drover");
        java.util.regex.Pattern names = java.util.regex.Pattern.compile(
                "\"(/proc[^\"]*)?/(stat|status)\"|resolve\\(\"(stat|status)\"\\)|Path\\.of\\(\"/proc\"[^;]*\"(stat|status)\"");
        java.util.List<String> found;
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(main)) {
            found = files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("core/ProcEntry.java"))
                    .filter(f -> names.matcher(read(f)).find())
                    .map(f -> main.relativize(f).toString()).sorted().toList();
        }
        assertEquals(java.util.List.of(), found, "read /proc/PID/stat and status through ProcEntry");
    }

    private static String read(java.nio.file.Path f) {
        try {
            return java.nio.file.Files.readString(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

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

    /**
     * Issue 29, item 6: a group is signalled only while its verified leader leads its own session,
     * and what is left of a gone leader's group is its session's processes of the node's user.
     */
    @Test
    void a_setsid_child_leads_its_session_and_its_group_holds_its_sleep_of_our_user_only()
            throws Exception {
        Process plain = new ProcessBuilder("sleep", "30").start();
        // setsid execs in place (a child of ours leads no group), then the shell starts a sleep and waits
        Process leader = new ProcessBuilder("setsid", "sh", "-c", "sleep 30 & echo $!; wait").start();
        long sleep = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(leader.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII)).readLine().trim());
        try {
            assertTrue(ProcessTable.leadsSession(leader.pid()), "setsid's process leads its session");
            assertTrue(!ProcessTable.leadsSession(plain.pid()), "a plain child is in our group");
            assertTrue(!ProcessTable.leadsSession(sleep), "the sleep is in its leader's group, leading nothing");
            int uid = ProcessTable.uid(SELF).orElseThrow();
            var groups = ProcessTable.sessionGroups();
            // the leader still runs: it is in its group, and is never named as its own leftover
            assertEquals(java.util.List.of(sleep), ProcessTable.groupLeft(groups, leader.pid(), uid));
            assertEquals(java.util.List.of(), ProcessTable.groupLeft(groups, leader.pid(), uid + 1), "another user's");
            assertEquals(java.util.List.of(), ProcessTable.groupLeft(groups, plain.pid(), uid), "no group of its own");
        } finally {
            plain.destroyForcibly();
            leader.destroyForcibly();
            ProcessHandle.of(sleep).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
