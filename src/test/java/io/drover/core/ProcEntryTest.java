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
}
