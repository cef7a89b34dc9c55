package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.e2e.Drover.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 7: beat creates its schedule file's directory as it creates its pidfile's and
 * logfile's; one it cannot create is exit 73 with the operating system's reason.
 */
class BeatScheduleDirectoryIT extends DroverTest {

    private Result beat(String schedule) {
        return drover.run(java.util.Map.of(), List.of("beat", "--detach", "--schedule=" + schedule,
                "--pidfile=" + dir.resolve("run/beat.pid"), "--logfile=" + dir.resolve("log/beat.log")));
    }

    @Test
    void beat_creates_the_missing_directories_of_its_schedule_file() throws Exception {
        Path schedule = dir.resolve("lib/drover/beat.schedule");

        Result r = beat(schedule.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(Files.isDirectory(schedule.getParent()), "the schedule directory was not created");
        Procs.waitUntil("the schedule file to be written", Procs.PATIENCE, () -> Files.exists(schedule),
                () -> drover.files().toString());
        long pid = Long.parseLong(Files.readString(dir.resolve("run/beat.pid")).trim());
        Procs.signal(pid, "TERM");
        Procs.waitUntilGone(pid);
    }

    @Test
    void a_schedule_directory_that_cannot_be_created_is_exit_73_with_the_os_reason() throws Exception {
        Files.writeString(dir.resolve("plain-file"), "not a directory\n");
        String schedule = dir + "/plain-file/beat/beat.schedule";

        Result r = beat(schedule);

        assertEquals(73, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains(dir + "/plain-file/beat"), r::toString);
        assertTrue(r.stderr().contains("Not a directory"), "the OS's reason:\n" + r);
        assertFalse(r.stderr().contains("application start failed"), r::toString);
        assertFalse(Files.exists(dir.resolve("run/beat.pid")), "a failed beat left its pidfile");
        Procs.waitUntil("no process of this test to be left", Procs.PATIENCE, () -> drover.processes().isEmpty(),
                () -> drover.processes().toString());
        assertEquals(Set.of(), drover.processes());
    }
}
