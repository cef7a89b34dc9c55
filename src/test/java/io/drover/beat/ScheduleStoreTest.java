package io.drover.beat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.DroverException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleStoreTest {
    @TempDir
    Path dir;

    @Test
    void recorded_due_times_survive_a_reopen() {
        Path file = dir.resolve("s");
        Instant due = Instant.parse("2026-11-27T10:00:00.123Z");
        try (ScheduleStore store = ScheduleStore.open(file, m -> { })) {
            store.record("a.job", due);
        }
        try (ScheduleStore store = ScheduleStore.open(file, m -> { })) {
            assertEquals(due, store.lastDue("a.job"));
            assertNull(store.lastDue("other"));
        }
    }

    @Test
    void a_write_leaves_no_temporary_file_behind() throws Exception {
        Path file = dir.resolve("s");
        try (ScheduleStore store = ScheduleStore.open(file, m -> { })) {
            store.record("a", Instant.EPOCH);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("s", "s.lock"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void a_corrupt_file_is_moved_aside_with_a_message_naming_it_and_a_fresh_schedule_starts() throws Exception {
        Path file = dir.resolve("s");
        Files.writeString(file, "garbage\u0000\n");
        List<String> messages = new ArrayList<>();
        try (ScheduleStore store = ScheduleStore.open(file, messages::add)) {
            assertNull(store.lastDue("garbage"));
        }
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).contains(file.toString()), messages.get(0));
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("s.corrupt-")));
        }
    }

    @Test
    void a_line_that_is_not_a_job_and_a_time_makes_the_file_corrupt() throws Exception {
        Path file = dir.resolve("s");
        Files.writeString(file, ScheduleStore.HEADER + "\njob\tnot-a-number\n");
        List<String> messages = new ArrayList<>();
        ScheduleStore.open(file, messages::add).close();
        assertTrue(messages.get(0).contains("line 2"), messages.get(0));
    }

    @Test
    void a_second_store_on_the_same_schedule_is_refused_while_the_first_holds_it() throws Exception {
        Path file = dir.resolve("s");
        // The lock is per process: a second process is needed to see it held.
        try (ScheduleStore store = ScheduleStore.open(file, m -> { })) {
            store.record("held", Instant.EPOCH);
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(other.getInputStream().readAllBytes());
            assertTrue(other.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(3, other.exitValue(), out);
            assertTrue(out.contains("in use by another beat"), out);
        }
    }

    /** Opens the store in another JVM: exit 3 with the message when refused. */
    public static final class LockProbe {
        public static void main(String[] args) {
            try {
                ScheduleStore.open(Path.of(args[0]), m -> { }).close();
                System.exit(0);
            } catch (DroverException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void opening_in_a_directory_that_cannot_exist_fails_with_exit_73() {
        DroverException e = assertThrows(DroverException.class,
                () -> ScheduleStore.open(Path.of("/proc/nope/s"), m -> { }));
        assertEquals(73, e.exitCode());
    }

    @Test
    void an_out_of_range_due_time_is_a_corrupt_entry_moved_aside_with_a_message_and_the_other_entries_are_kept()
            throws Exception {
        Path file = dir.resolve("s");
        String original = ScheduleStore.HEADER + "\nbroken.job\t-9223372036854775808\ngood.job\t1795000000000\n";
        Files.writeString(file, original);
        List<String> messages = new ArrayList<>();
        try (ScheduleStore store = ScheduleStore.open(file, messages::add)) {
            assertNull(store.lastDue("broken.job"), "an out-of-range entry must be dropped, so its job is rescheduled");
            assertEquals(Instant.ofEpochMilli(1795000000000L), store.lastDue("good.job"));
        }
        assertEquals(1, messages.size(), messages::toString);
        String m = messages.get(0);
        assertTrue(m.contains(file.toString()) && m.contains("line 2") && m.contains("broken.job")
                && m.contains("-9223372036854775808") && m.contains("rescheduled"), m);
        Path aside;
        try (var files = Files.list(dir)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("s.corrupt-")).findFirst().orElseThrow();
        }
        assertTrue(m.contains(aside.toString()), m);
        assertEquals(original, Files.readString(aside), "the file moved aside is the file as it was");
        assertEquals(ScheduleStore.HEADER + "\ngood.job\t1795000000000\n", Files.readString(file),
                "the schedule is rewritten at once with the entries that were good");
    }

    @Test
    void due_times_before_1970_or_after_year_9999_are_out_of_range_and_the_bounds_themselves_are_not() throws Exception {
        for (long bad : new long[] {Long.MIN_VALUE, -1, ScheduleStore.LATEST.toEpochMilli() + 1, Long.MAX_VALUE}) {
            Path file = dir.resolve("bad" + bad);
            Files.writeString(file, ScheduleStore.HEADER + "\njob\t" + bad + "\n");
            List<String> messages = new ArrayList<>();
            try (ScheduleStore store = ScheduleStore.open(file, messages::add)) {
                assertNull(store.lastDue("job"), "accepted " + bad);
            }
            assertEquals(1, messages.size(), bad + ": " + messages);
        }
        for (long good : new long[] {0, ScheduleStore.LATEST.toEpochMilli()}) {
            Path file = dir.resolve("good" + good);
            Files.writeString(file, ScheduleStore.HEADER + "\njob\t" + good + "\n");
            List<String> messages = new ArrayList<>();
            try (ScheduleStore store = ScheduleStore.open(file, messages::add)) {
                assertEquals(Instant.ofEpochMilli(good), store.lastDue("job"));
            }
            assertEquals(List.of(), messages);
        }
    }

    // issue 25, class 8: beat's names in a directory others may write are never followed

    @Test
    void a_symlink_at_the_old_temporary_name_is_never_written_through() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched\n");
        Files.createSymbolicLink(dir.resolve(".s.tmp"), victim);
        try (ScheduleStore store = ScheduleStore.open(dir.resolve("s"), m -> { })) {
            store.record("a", Instant.EPOCH);
            store.record("b", Instant.EPOCH);
        }
        assertEquals("untouched\n", Files.readString(victim));
        assertTrue(Files.isRegularFile(dir.resolve("s"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void a_symlink_as_the_lock_is_refused_with_exit_73_and_its_target_is_never_created() throws Exception {
        Path target = dir.resolve("created");
        Files.createSymbolicLink(dir.resolve("s.lock"), target);
        DroverException e = assertThrows(DroverException.class, () -> ScheduleStore.open(dir.resolve("s"), m -> { }));
        assertEquals(73, e.exitCode());
        assertTrue(e.getMessage().contains("s.lock is a symbolic link"), e.getMessage());
        assertTrue(Files.notExists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void a_schedule_that_is_a_symlink_is_moved_aside_unread_and_its_target_left_alone() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), ScheduleStore.HEADER + "\njob\t1795000000000\n");
        Files.createSymbolicLink(dir.resolve("s"), victim);
        List<String> messages = new ArrayList<>();
        try (ScheduleStore store = ScheduleStore.open(dir.resolve("s"), messages::add)) {
            assertNull(store.lastDue("job"), "read through the symlink");
            store.record("a", Instant.EPOCH);
        }
        assertTrue(messages.get(0).contains("is a symbolic link"), messages::toString);
        assertEquals(ScheduleStore.HEADER + "\njob\t1795000000000\n", Files.readString(victim));
        assertTrue(Files.isRegularFile(dir.resolve("s"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
}
