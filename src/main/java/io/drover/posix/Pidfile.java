package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.OsErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A node's pidfile: {@code PID\n}, mode 0644, locked for the node's whole life.
 *
 * <p>"Alive" means "the lock is held" (as in s6), not "the pid exists": a pid can be reused by
 * any process after a crash, a lock dies with its holder. The file is written and locked under a
 * temporary name and then hard-linked into place, so whoever sees the pidfile sees it complete
 * and locked, and {@code link(2)} failing on an existing name makes the creation exclusive.
 * Paths are never followed through a symlink.
 *
 * <p>A pidfile's content is not trusted: the node's user can write it (docs/security.md, S6).
 * It names a running node only when the kernel says that very pid holds the file's lock
 * ({@code /proc/locks}), the file is a regular file, and the process passes the caller's
 * {@link NodeCheck} (a drover node of the expected name, run by the expected user).
 */
public final class Pidfile implements AutoCloseable {
    /** What a pidfile holder must be; see {@link #inspect(Path, NodeCheck)}. */
    @FunctionalInterface
    public interface NodeCheck {
        /** Null if {@code pid} is the node the pidfile belongs to, else why not. */
        String mismatch(long pid);

        /** Trusts any holder of the lock (for callers that do not signal what they find). */
        NodeCheck ANY = pid -> null;
    }

    /**
     * The pidfiles this JVM holds, by file identity. Closing any descriptor of a file drops
     * every fcntl lock the process has on it, so this process must never open one of its own
     * pidfiles to look at it (issue: "no lock is ever released by looking").
     */
    private static final Set<Object> HELD = ConcurrentHashMap.newKeySet();

    private static final String MODE = "rw-r--r--";
    /** {@link #MODE} as bits, for open(2) and fchmod(2). */
    static final int MODE_BITS = 0644;
    /**
     * Rounds of create, link, and replace a stale pidfile another starter put back: a race
     * settles in one or two, so this many means something keeps recreating the file.
     */
    private static final int ACQUIRE_ATTEMPTS = 20;
    /** Digits a pid can have: more do not fit a long, and no kernel hands out such pids. */
    private static final int MAX_PID_DIGITS = 18;
    /** How much of a pidfile that holds no pid its message quotes. */
    private static final int QUOTED_CHARS = 20;

    private final Path path;
    private final Lock lock;
    private final Object fileKey;
    private final long pid;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pidfile(Path path, Lock lock, Object fileKey, long pid) {
        this.path = path;
        this.lock = lock;
        this.fileKey = fileKey;
        this.pid = pid;
    }

    public Path path() {
        return path;
    }

    public long pid() {
        return pid;
    }

    /** As {@link #inspect(Path, NodeCheck)} with no check of who the holder is. */
    public static PidfileState inspect(Path path) {
        return inspect(path, NodeCheck.ANY);
    }

    /**
     * Reads a pidfile and decides whether the pid in it is a live node. Changes nothing.
     *
     * @param check what the lock's holder must be for the pidfile to count as that node's
     */
    public static PidfileState inspect(Path path, NodeCheck check) {
        return inspect(path, check, null);
    }

    /**
     * The kernel's lock table, read once, when the first of many pidfiles looked at is held
     * ({@code status --all}), and asked for each: {@link #inspect(Path, NodeCheck, Locks)}. A
     * table read once names a pidfile's holder only as the pid its pidfile names; any other
     * answer is asked of the table again ({@code LockTable.Index#holderNow}). For one operation:
     * a later one makes its own.
     */
    public static final class Locks {
        private LockTable.Index index;
        private boolean available;
        private boolean read;

        /** As {@code LockTable.holder}, or {@code named} where the kernel publishes no table. */
        synchronized long holder(FileIdentity file, long named) {
            if (!read) {
                read = true;
                available = LockTable.available();
                index = available ? LockTable.Index.read() : null;
            }
            if (!available || index == null) {
                return uncached(file, named);
            }
            return index.holderNow(file, named).orElse(-1L);
        }

        /** The holder of {@code file}'s lock from the table read now; {@code named} where the kernel publishes none. */
        static long uncached(FileIdentity file, long named) {
            return LockTable.available() ? LockTable.holder(file).orElse(-1L) : named;
        }
    }

    /**
     * {@link #inspect(Path, NodeCheck)}, the holder of a held pidfile looked up in {@code locks}
     * (null: the table read for this pidfile alone).
     */
    public static PidfileState inspect(Path path, NodeCheck check, Locks locks) {
        try (OpenedDir dir = OpenedDir.parentOf(path)) {
            return inspect(dir, path, check, locks);
        } catch (NoSuchFileException e) {
            return new PidfileState.Absent(); // a directory on the way is missing
        } catch (IOException e) {
            throw cannotRead(path, e);
        }
    }

    /**
     * {@link #inspect(Path, NodeCheck)} in the pidfile's directory, reached by descriptor: the
     * node's user owns that directory and the ones above it may be its too, and must not send
     * root's reading through a symbolic link (docs/security.md, round three, class 5).
     */
    private static PidfileState inspect(OpenedDir dir, Path path, NodeCheck check, Locks locks) throws IOException {
        String name = path.getFileName().toString();
        FileIdentity before = FileIdentity.of(dir, name);
        if (before == null) {
            return new PidfileState.Absent();
        }
        if (before.symlink()) {
            return new PidfileState.Stale(-1, false, path + " is a symbolic link, not a pidfile drover wrote");
        }
        if (!before.regular()) {
            return new PidfileState.Stale(-1, false, path + " is not a regular file");
        }
        if (HELD.contains(before.key())) {
            return new PidfileState.Running(ProcessHandle.current().pid()); // this JVM holds it
        }
        FileChannel ch;
        try {
            ch = dir.openRegular(name, before.entry());
        } catch (NoSuchFileException e) {
            return new PidfileState.Absent();
        } catch (OpenedDir.NotRegularException e) {
            // a FIFO or a link swapped in after the look: bounded, named, never read
            return new PidfileState.Stale(-1, false, path + ": " + e.getMessage());
        }
        try (ch) {
            String content = read(ch);
            long pid = parse(content);
            FileLock probe;
            try {
                probe = ch.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                return new PidfileState.Running(ProcessHandle.current().pid()); // this JVM holds it
            }
            if (probe != null) {
                probe.release();
                if (pid <= 0) {
                    return new PidfileState.Stale(-1, false, describe(path, content));
                }
                boolean alive = ProcessTable.isAlive(pid);
                return new PidfileState.Stale(pid, alive, alive
                        ? "pid " + pid + " in " + path + " is another process (the node's lock is free)"
                        : "pid " + pid + " in " + path + " is gone");
            }
            // Held. Who holds it is the kernel's word, not the file's.
            if (pid <= 0) {
                return new PidfileState.Stale(-1, false, describe(path, content) + " but is locked by another process");
            }
            long holder = locks != null ? locks.holder(before, pid) : Locks.uncached(before, pid);
            if (holder != pid) {
                return new PidfileState.Stale(pid, ProcessTable.isAlive(pid), path + " names pid " + pid
                        + " but " + (holder > 0 ? "pid " + holder : "another process") + " holds its lock");
            }
            String mismatch = check.mismatch(pid);
            if (mismatch != null) {
                return new PidfileState.Stale(pid, true, "pid " + pid + " holds " + path + " but " + mismatch);
            }
            return new PidfileState.Running(pid);
        }
    }

    /**
     * Creates and locks the pidfile for the current process, replacing a stale one.
     *
     * @param check what a holder of an existing pidfile must be to count as this node running
     * @param onStale told the reason when a stale pidfile is replaced
     * @throws AlreadyRunningException if a live node holds it
     * @throws DroverException (exit 73) if it cannot be written
     */
    public static Pidfile acquire(Path path, NodeCheck check, Consumer<String> onStale) {
        long pid = ProcessHandle.current().pid();
        Path dir = path.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + path.getFileName() + "." + pid + ".tmp");
        for (int attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
            Lock lock = null;
            try {
                deleteOwnTemp(temp);
                lock = createLocked(temp, (pid + "\n").getBytes(StandardCharsets.US_ASCII));
                try {
                    Files.createLink(path, temp);
                } catch (FileAlreadyExistsException exists) {
                    lock.close();
                    lock = null;
                    Files.deleteIfExists(temp);
                    replaceIfStale(path, check, onStale);
                    continue;
                }
                Files.deleteIfExists(temp);
                // link(2) links whatever the temporary name was at that instant: whoever else
                // can write the directory may have swapped it. The kernel says whether the
                // file now at the pidfile's name is the one we locked.
                FileIdentity linked = FileIdentity.of(path);
                if (linked == null || !linked.regular()
                        || LockTable.available() && LockTable.holder(linked).orElse(-1L) != pid) {
                    lock.close();
                    lock = null;
                    if (linked != null && linked.symlink()) {
                        Files.deleteIfExists(path); // the link we made: never a pidfile
                    }
                    throw new DroverException(ExitCode.CANT_CREATE, "cannot create pidfile " + path
                            + ": it was replaced while it was being created (someone else can write "
                            + dir + ")");
                }
                HELD.add(linked.key());
                return new Pidfile(path, lock, linked.key(), pid);
            } catch (AlreadyRunningException e) {
                throw e;
            } catch (IOException e) {
                if (lock != null) {
                    lock.close();
                }
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the directory is what failed; nothing was created
                }
                throw new DroverException(ExitCode.CANT_CREATE, "cannot create pidfile " + path + ": "
                        + OsErrors.reason(e), e);
            }
        }
        throw new DroverException(ExitCode.CANT_CREATE, "cannot create pidfile " + path
                + ": it keeps reappearing while stale (another drover is racing for it)");
    }

    /** A temporary name left by an earlier process with our pid; never a link's target. */
    private static void deleteOwnTemp(Path temp) throws IOException {
        Files.deleteIfExists(temp); // unlink(2) removes a symbolic link itself, never its target
    }

    /**
     * Creates {@code temp} exclusively, never through a symbolic link, with mode 0644 from its
     * creation (it is never chmodded by name), writes {@code content}, syncs and locks it.
     */
    private static Lock createLocked(Path temp, byte[] content) throws IOException {
        if ((ProcessTable.umask() & MODE_BITS) != 0) {
            // The umask would narrow the mode: only a native open with fchmod on the new
            // descriptor gives 0644 without a second look-up of the name.
            return JnrPosix.native_().createLocked(temp, content);
        }
        FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(MODE)));
        try {
            FileLock lock = ch.lock();
            ch.write(ByteBuffer.wrap(content));
            ch.force(true);
            return new ChannelLock(ch, lock);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static void replaceIfStale(Path path, NodeCheck check, Consumer<String> onStale) throws IOException {
        PidfileState state = inspect(path, check);
        if (state instanceof PidfileState.Running running) {
            throw new AlreadyRunningException(path, running.pid());
        }
        if (state instanceof PidfileState.Stale stale && deleteIfStillStale(path, check)) {
            onStale.accept(stale.reason());
        }
    }

    /** Removes a stale pidfile after its node is known dead (killed nodes cannot clean up). */
    public static boolean removeIfStale(Path path, NodeCheck check) {
        try {
            return deleteIfStillStale(path, check);
        } catch (IOException | DroverException e) {
            return false; // left for the next start, which replaces it
        }
    }

    /**
     * Deletes the pidfile if it is stale and still the same file when deleted: between the
     * check and the unlink another starter may have replaced it with a live one. unlink(2)
     * removes a name, never what a link points at.
     */
    private static boolean deleteIfStillStale(Path path, NodeCheck check) throws IOException {
        try (OpenedDir dir = OpenedDir.parentOf(path)) {
            String name = path.getFileName().toString();
            FileIdentity before = FileIdentity.of(dir, name);
            if (before == null || !(inspect(dir, path, check, null) instanceof PidfileState.Stale)) {
                return false;
            }
            return dir.unlink(name, before.entry());
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Removes the pidfile, then drops the lock: in that order nobody can see the file unlocked.
     * Only removes it if it is still the file this node created.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try (OpenedDir dir = OpenedDir.parentOf(path)) {
            String name = path.getFileName().toString();
            FileIdentity now = FileIdentity.of(dir, name);
            if (now != null && Objects.equals(fileKey, now.key())) {
                dir.unlink(name, now.entry());
            }
        } catch (IOException e) {
            // the process is ending; the next start sees a pidfile whose lock is free
        }
        lock.close();
        HELD.remove(fileKey);
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // a pid is at most 20 bytes; 64 is plenty to tell garbage from a pid
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    /** The pid in {@code content}, or -1 unless it is exactly digits and an optional newline. */
    static long parse(String content) {
        String s = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        if (s.isEmpty() || s.length() > MAX_PID_DIGITS || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        long pid = Long.parseLong(s);
        return pid > 0 ? pid : -1;
    }

    private static String describe(Path path, String content) {
        if (content.isEmpty()) {
            return path + " is empty";
        }
        String shown = content.length() > QUOTED_CHARS ? content.substring(0, QUOTED_CHARS) + "..." : content;
        return path + " holds '" + shown.replace("\n", "\\n") + "', not a pid";
    }

    private static DroverException cannotRead(Path path, IOException e) {
        return new DroverException(ExitCode.CANT_CREATE, "cannot read pidfile " + path + ": " + OsErrors.reason(e), e);
    }

    /** The lock a pidfile holder keeps: a JDK channel, or a native descriptor. */
    interface Lock {
        /** Releases the lock and the descriptor. */
        void close();
    }

    private record ChannelLock(FileChannel channel, FileLock lock) implements Lock {
        @Override
        public void close() {
            try {
                lock.release();
            } catch (IOException e) {
                // released when the channel closes
            }
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }

    /** lstat(2) of a name: what it is, and which file. */
    record FileIdentity(Object key, long dev, long ino, boolean symlink, boolean regular) {
        /** By path: only for the pidfile this process has just linked, in a directory it checked. */
        static FileIdentity of(Path path) throws IOException {
            try {
                Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,mode", LinkOption.NOFOLLOW_LINKS);
                long dev = (Long) a.get("dev");
                long ino = (Long) a.get("ino");
                int type = (Integer) a.get("mode") & 0170000;
                return new FileIdentity(dev + ":" + ino, dev, ino, type == 0120000, type == 0100000);
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        /** {@code fstatat} of {@code name} in a directory reached by descriptor; null if absent. */
        static FileIdentity of(OpenedDir dir, String name) throws IOException {
            OpenedDir.Entry e = dir.look(name);
            return e == null ? null : new FileIdentity(e.key(), e.dev(), e.ino(),
                    e.kind() == OpenedDir.Entry.Kind.SYMLINK, e.kind() == OpenedDir.Entry.Kind.REGULAR);
        }

        OpenedDir.Entry entry() {
            return new OpenedDir.Entry(dev, ino, symlink ? OpenedDir.Entry.Kind.SYMLINK
                    : regular ? OpenedDir.Entry.Kind.REGULAR : OpenedDir.Entry.Kind.OTHER, -1);
        }
    }
}
