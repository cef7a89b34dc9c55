package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock table read once for many pidfiles ({@code status --all}): it answers as the table
 * read for each file would, and asks the kernel again whenever its answer is not the pid the
 * pidfile names.
 */
class LockTableTest {
    @TempDir
    Path dir;

    private static Pidfile.FileIdentity file(long major, long minor, long ino) {
        long dev = (major << 8) | minor;
        return new Pidfile.FileIdentity(dev + ":" + ino, dev, ino, false, true);
    }

    @Test
    void the_table_by_inode_names_the_posix_holder_of_that_device_and_inode_only() {
        LockTable.Index table = new LockTable.Index("""
                1: POSIX  ADVISORY  WRITE 4242 fd:01:1311 0 EOF
                1: -> POSIX  ADVISORY  WRITE 4343 fd:01:1311 0 EOF
                2: OFDLCK ADVISORY  WRITE -1 fd:01:1312 0 EOF
                3: POSIX  ADVISORY  READ 77 08:02:1311 0 EOF
                4: FLOCK  ADVISORY  WRITE 88 fd:01:1313 0 EOF
                5: POSIX  ADVISORY  WRITE 99 fd:01:13110 0 EOF
                """);
        assertEquals(OptionalLong.of(4242), table.holder(file(0xfd, 1, 1311)), "the holder, not the waiter");
        assertEquals(OptionalLong.of(77), table.holder(file(8, 2, 1311)), "the same inode on another device");
        assertEquals(OptionalLong.empty(), table.holder(file(0xfd, 1, 1312)), "an open-file-description lock (pid -1)");
        assertEquals(OptionalLong.empty(), table.holder(file(0xfd, 1, 1313)), "a flock is no pidfile's lock");
        assertEquals(OptionalLong.empty(), table.holder(file(0xfd, 1, 131)), "an inode that is a prefix of another's");
        assertEquals(OptionalLong.empty(), table.holder(file(0xfd, 2, 1311)), "another device");
    }

    @Test
    void a_table_read_before_a_lock_changed_hands_asks_the_kernel_again() throws Exception {
        Path path = dir.resolve("n.pid");
        Files.writeString(path, "1\n");
        Pidfile.FileIdentity id = Pidfile.FileIdentity.of(path);
        LockTable.Index before = LockTable.Index.read();
        assertNotNull(before);
        Process first = PidfileTest.lockHolder(path);
        try {
            // read before the lock was taken, the table names no holder; asked for that pid, the kernel's word now
            assertTrue(before.holder(id).isEmpty());
            assertEquals(OptionalLong.of(first.pid()), before.holderNow(id, first.pid()));
            LockTable.Index held = LockTable.Index.read();
            assertEquals(OptionalLong.of(first.pid()), held.holderNow(id, first.pid()));
            first.destroy();
            first.waitFor();
            Process second = PidfileTest.lockHolder(path);
            try {
                // the table still names the first holder: asked for the second, it reads the kernel's table again
                assertEquals(OptionalLong.of(first.pid()), held.holder(id));
                assertEquals(OptionalLong.of(second.pid()), held.holderNow(id, second.pid()));
            } finally {
                second.destroy();
                second.waitFor();
            }
            assertEquals(OptionalLong.empty(), held.holderNow(id, second.pid()), "a lock its holder's end released");
        } finally {
            first.destroy();
        }
    }
}
