package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcEntryTest {
    private static final long SELF = ProcessHandle.current().pid();

    /** ProcessTable.isAlive counts a gone thread out, but asks the JDK (which calls a zombie alive) on other errors. */
    @Test
    void a_process_that_is_gone_is_no_such_file_not_another_error() {
        assertThrows(NoSuchFileException.class, () -> ProcEntry.Stat.read(Path.of("/proc", Integer.toString(Integer.MAX_VALUE))));
        assertEquals(Optional.empty(), ProcEntry.Stat.of(Integer.MAX_VALUE));
        assertEquals(Optional.empty(), ProcEntry.Status.of(Integer.MAX_VALUE));
    }

    @Test
    void this_jvms_stat_and_status_are_read_field_by_field() {
        ProcEntry.Stat stat = ProcEntry.Stat.of(SELF).orElseThrow();
        assertFalse(stat.dead());
        assertTrue(stat.has(22) && stat.number(22) > 0, "starttime");
        ProcEntry.Status status = ProcEntry.Status.of(SELF).orElseThrow();
        assertEquals(Optional.of(Long.toString(SELF)), status.field("Pid"));
        assertTrue(status.bytes("VmRSS").orElse(0L) > 0);
        assertEquals(Optional.empty(), status.field("NoSuchField"));
    }

    @Test
    void a_stat_line_is_read_after_the_last_parenthesis_of_the_command_name() {
        ProcEntry.Stat stat = ProcEntry.Stat.parse("42 (a b) (c) Z 1 2 3 4 5 6 7 8 9 10 110 120 13 14\n");

        assertEquals('Z', stat.state());
        assertEquals(1, stat.number(4));
        assertEquals(110, stat.number(14));
        assertEquals(120, stat.number(15));
        assertEquals(14, stat.number(17));
        assertEquals(true, stat.has(17));
        assertEquals(false, stat.has(18));
        assertEquals('?', ProcEntry.Stat.parse("42 (no state)\n").state());
        assertEquals(false, ProcEntry.Stat.parse("garbage").has(3));
    }
}
