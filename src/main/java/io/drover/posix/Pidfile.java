package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A node's pidfile: {@code PID\n}, mode 0644, locked for the node's whole life.
 *
 * <p>"Alive" means "the lock is held" (as in s6), not "the pid exists": a pid can be reused by
 * any process after a crash, a lock dies with its holder. The file is written and locked under a
 * temporary name and then hard-linked into place, so whoever sees the pidfile sees it complete
 * and locked, and {@code link(2)} failing on an existing name makes the creation exclusive.
 * Paths are never followed through a symlink.
 */
public final class Pidfile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final Object fileKey;
    private final long pid;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Pidfile(Path path, FileChannel channel, FileLock lock, Object fileKey, long pid) {
        this.path = path;
        this.channel = channel;
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

    /** Reads a pidfile and decides whether the pid in it is a live node. Changes nothing. */
    public static PidfileState inspect(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new PidfileState.Absent();
        } catch (IOException e) {
            // O_NOFOLLOW on a link fails with ELOOP, which the JDK reports as a bare IOException
            if (Files.isSymbolicLink(path)) {
                return new PidfileState.Stale(-1, false, path + " is a symbolic link, not a pidfile drover wrote");
            }
            throw cannotRead(path, e);
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
            if (probe == null) {
                // Held: the node that wrote it is alive. Its content was complete before the
                // link made it visible, so an unreadable pid here means someone else wrote it.
                return pid > 0 ? new PidfileState.Running(pid)
                        : new PidfileState.Stale(-1, false, describe(path, content) + " but is locked by another process");
            }
            probe.release();
            if (pid <= 0) {
                return new PidfileState.Stale(-1, false, describe(path, content));
            }
            boolean alive = ProcessTable.isAlive(pid);
            return new PidfileState.Stale(pid, alive, alive
                    ? "pid " + pid + " in " + path + " is another process (the node's lock is free)"
                    : "pid " + pid + " in " + path + " is gone");
        } catch (IOException e) {
            throw cannotRead(path, e);
        }
    }

    /**
     * Creates and locks the pidfile for the current process, replacing a stale one.
     *
     * @param onStale told the reason when a stale pidfile is replaced
     * @throws AlreadyRunningException if a live node holds it
     * @throws DroverException (exit 73) if it cannot be written
     */
    public static Pidfile acquire(Path path, Consumer<String> onStale) {
        long pid = ProcessHandle.current().pid();
        Path dir = path.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + path.getFileName() + "." + pid + ".tmp");
        for (int attempt = 0; attempt < 20; attempt++) {
            FileChannel ch = null;
            try {
                Files.deleteIfExists(temp);
                ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
                FileLock lock = ch.lock();
                ch.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
                // The umask may have narrowed the mode: state it so other users can read the pid.
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
                Object key = Files.readAttributes(temp, BasicFileAttributes.class).fileKey();
                try {
                    Files.createLink(path, temp);
                } catch (FileAlreadyExistsException exists) {
                    lock.release();
                    ch.close();
                    ch = null;
                    Files.deleteIfExists(temp);
                    replaceIfStale(path, onStale);
                    continue;
                }
                Files.deleteIfExists(temp);
                return new Pidfile(path, ch, lock, key, pid);
            } catch (AlreadyRunningException e) {
                throw e;
            } catch (IOException e) {
                closeQuietly(ch);
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the directory is what failed; nothing was created
                }
                throw new DroverException(ExitCode.CANT_CREATE, "cannot create pidfile " + path + ": " + reason(e), e);
            }
        }
        throw new DroverException(ExitCode.CANT_CREATE, "cannot create pidfile " + path
                + ": it keeps reappearing while stale (another drover is racing for it)");
    }

    private static void replaceIfStale(Path path, Consumer<String> onStale) throws IOException {
        PidfileState state = inspect(path);
        if (state instanceof PidfileState.Running running) {
            throw new AlreadyRunningException(path, running.pid());
        }
        if (state instanceof PidfileState.Stale stale && deleteIfStillStale(path)) {
            onStale.accept(stale.reason());
        }
    }

    /** Removes a stale pidfile after its node is known dead (killed nodes cannot clean up). */
    public static boolean removeIfStale(Path path) {
        try {
            return deleteIfStillStale(path);
        } catch (IOException | DroverException e) {
            return false; // left for the next start, which replaces it
        }
    }

    /**
     * Deletes the pidfile if it is stale and still the same file when deleted: between the
     * check and the unlink another starter may have replaced it with a live one.
     */
    private static boolean deleteIfStillStale(Path path) throws IOException {
        Object before = fileKey(path);
        return before != null && inspect(path) instanceof PidfileState.Stale
                && Objects.equals(before, fileKey(path)) && Files.deleteIfExists(path);
    }

    private static Object fileKey(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
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
        try {
            if (Objects.equals(fileKey, fileKey(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // the process is ending; the next start sees a pidfile whose lock is free
        }
        try {
            lock.release();
        } catch (IOException e) {
            // released when the channel closes
        }
        closeQuietly(channel);
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
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        long pid = Long.parseLong(s);
        return pid > 0 ? pid : -1;
    }

    private static String describe(Path path, String content) {
        if (content.isEmpty()) {
            return path + " is empty";
        }
        String shown = content.length() > 20 ? content.substring(0, 20) + "..." : content;
        return path + " holds '" + shown.replace("\n", "\\n") + "', not a pid";
    }

    private static DroverException cannotRead(Path path, IOException e) {
        return new DroverException(ExitCode.CANT_CREATE, "cannot read pidfile " + path + ": " + reason(e), e);
    }

    /** The OS's words for an I/O failure, without Java's exception class names. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
