package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pidfiles in this JVM, with the kernel's lock table as the judge. */
class PidfileTest {
    @TempDir
    Path dir;

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void the_lock_table_names_this_process_as_the_holder_of_a_lock_it_took() throws Exception {
        Path file = dir.resolve("x.lock");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            assertTrue(lock.isValid());
            assertEquals(SELF, LockTable.holder(Pidfile.FileIdentity.of(file)).orElse(-1));
        }
        assertTrue(LockTable.holder(Pidfile.FileIdentity.of(file)).isEmpty(), "a released lock is still listed");
    }

    @Test
    void looking_at_a_pidfile_this_jvm_holds_never_releases_its_lock() throws Exception {
        Path path = dir.resolve("self.pid");
        try (Pidfile held = Pidfile.acquire(path, Pidfile.NodeCheck.ANY, reason -> { })) {
            // (reading the file here would itself drop the lock: closing any descriptor of a
            // file releases the process's fcntl locks on it, which is what inspect must avoid)
            assertEquals(SELF, held.pid());
            for (int i = 0; i < 3; i++) {
                PidfileState state = Pidfile.inspect(path);
                assertEquals(SELF, assertInstanceOf(PidfileState.Running.class, state).pid());
            }
            assertEquals(SELF, LockTable.holder(Pidfile.FileIdentity.of(path)).orElse(-1),
                    "inspecting our own pidfile released its lock");
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        }
        assertTrue(Files.notExists(path));
    }

    /** Another process, holding an fcntl lock on {@code path} until it is destroyed. */
    static Process lockHolder(Path path) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import fcntl,os,sys\n"
                + "fd=os.open(sys.argv[1],os.O_RDWR)\nfcntl.lockf(fd,fcntl.LOCK_EX)\nprint('locked',flush=True)\n"
                + "sys.stdin.read()", path.toString()).redirectErrorStream(true).start();
        assertEquals("locked", new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine());
        return p;
    }

    @Test
    void a_pidfile_whose_pid_is_not_the_lock_holder_is_stale_and_never_running() throws Exception {
        Path path = dir.resolve("lie.pid");
        Files.writeString(path, "1\n"); // init's pid, written by whoever owns the directory
        Process holder = lockHolder(path);
        try {
            PidfileState state = Pidfile.inspect(path);
            PidfileState.Stale stale = assertInstanceOf(PidfileState.Stale.class, state, state::toString);
            assertTrue(stale.reason().contains("pid " + holder.pid() + " holds its lock"), stale.reason());
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void a_lock_holder_that_fails_the_node_check_is_stale_and_one_that_passes_is_running() throws Exception {
        Path path = dir.resolve("other.pid");
        Files.writeString(path, "0\n");
        Process holder = lockHolder(path);
        try {
            Files.writeString(path, holder.pid() + "\n");
            PidfileState state = Pidfile.inspect(path, pid -> "it is not a drover node");
            PidfileState.Stale stale = assertInstanceOf(PidfileState.Stale.class, state);
            assertTrue(stale.reason().contains("not a drover node"), stale.reason());
            assertEquals(holder.pid(), assertInstanceOf(PidfileState.Running.class,
                    Pidfile.inspect(path, pid -> null)).pid());
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }
}
