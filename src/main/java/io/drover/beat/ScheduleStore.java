package io.drover.beat;

import io.drover.core.AtomicFile;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.OsErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The schedule file: each job's last due time, one {@code NAME<TAB>EPOCH-MILLIS} line per job
 * under a header line. Writes are atomic ({@link AtomicFile}: temporary file, fsync, rename, fsync
 * of the directory), so a crash leaves the old file or the new one, never half of one. A file that
 * cannot be read is moved aside and beat starts afresh: a corrupt schedule must not become a
 * crash loop. A lock on {@code FILE.lock}, held for beat's life, keeps a second beat off it.
 */
final class ScheduleStore implements AutoCloseable {
    static final String HEADER = "# drover beat schedule v1: job<TAB>last due (epoch ms)";
    /** The earliest due time a schedule can hold: beat records wall-clock times, never before 1970. */
    static final Instant EARLIEST = Instant.EPOCH;
    /** The latest: the end of year 9999, the last that calendars, cron and ISO-8601 all take. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<String, Instant> lastDue = new LinkedHashMap<>();

    private ScheduleStore(Path file, FileChannel lockChannel, FileLock lock) {
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Locks and loads the schedule.
     *
     * @param onCorrupt told, in one sentence, which file was moved aside and why
     * @throws DroverException if another beat holds it, or it cannot be created
     */
    static ScheduleStore open(Path file, Consumer<String> onCorrupt) {
        Path lockPath = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel ch;
        FileLock lock;
        try {
            String wrong = notAFile(lockPath);
            if (wrong != null) {
                throw new DroverException(ExitCode.CANT_CREATE, "cannot lock schedule " + file + ": " + lockPath + " " + wrong);
            }
            ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            lock = ch.tryLock();
        } catch (IOException e) {
            String wrong = notAFile(lockPath);
            throw new DroverException(ExitCode.CANT_CREATE, "cannot lock schedule " + file + ": "
                    + (wrong != null ? lockPath + " " + wrong : OsErrors.reason(e)));
        }
        if (lock == null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing held
            }
            throw new DroverException(ExitCode.NODE_FAILED, "schedule " + file
                    + " is in use by another beat (" + lockPath + " is locked); only one beat may run a schedule");
        }
        ScheduleStore store = new ScheduleStore(file, ch, lock);
        store.load(onCorrupt);
        return store;
    }

    private void load(Consumer<String> onCorrupt) {
        String text;
        String wrong = notAFile(file);
        if (wrong == null && Host.isEffectiveRoot()) {
            wrong = notRoots(file);
        }
        if (wrong != null) {
            moveAside(wrong, onCorrupt);
            return;
        }
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            String now = notAFile(file);
            moveAside(now != null ? now : "cannot be read: " + OsErrors.reason(e), onCorrupt);
            return;
        }
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].equals(HEADER)) {
            moveAside("does not start with the schedule header", onCorrupt);
            return;
        }
        Map<String, Instant> loaded = new LinkedHashMap<>();
        List<String> outOfRange = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.lastIndexOf('\t');
            Instant due;
            try {
                due = Instant.ofEpochMilli(Long.parseLong(line.substring(tab + 1)));
                loaded.put(line.substring(0, tab), due);
            } catch (RuntimeException e) {
                moveAside("line " + (i + 1) + " is not 'job<TAB>epoch-ms': '" + abbreviate(line) + "'", onCorrupt);
                return;
            }
            if (due.isBefore(EARLIEST) || due.isAfter(LATEST)) {
                // No beat wrote it, and times that far out overflow the arithmetic of every
                // start: a corrupt entry, dropped, so its job is scheduled as if it never ran.
                loaded.remove(line.substring(0, tab));
                outOfRange.add("line " + (i + 1) + " (" + abbreviate(line.substring(0, tab)) + ") has due time "
                        + line.substring(tab + 1) + " ms, outside " + EARLIEST + ".." + LATEST);
            }
        }
        lastDue.putAll(loaded);
        if (!outOfRange.isEmpty()) {
            String why = String.join("; ", outOfRange);
            String kept = loaded.isEmpty() ? "" : ", kept the other entries";
            String rescheduled = "; those jobs are rescheduled as if they never ran";
            Path aside = aside();
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                onCorrupt.accept("schedule file " + file + ": " + why + "; could not move it aside (" + OsErrors.reason(e)
                        + "), dropped those entries" + rescheduled);
                return;
            }
            try {
                write();
                onCorrupt.accept("schedule file " + file + ": " + why + "; moved it to " + aside + kept + rescheduled);
            } catch (DroverException e) {
                onCorrupt.accept("schedule file " + file + ": " + why + "; moved it to " + aside + rescheduled
                        + " (" + e.getMessage() + ")");
            }
        }
    }

    /**
     * Why the entry at {@code path} is not a file beat may use, or null (a regular file, or
     * none yet). Beat's files are opened by name in a directory others may write, such as a
     * sticky {@code /tmp}, where a name may be another user's symbolic link to a file of root's
     * (docs/security.md, class 8): they are never followed, whatever {@code fs.protected_symlinks}
     * says, and a FIFO would block the open.
     */
    private static String notAFile(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isSymbolicLink() ? "is a symbolic link" : a.isRegularFile() ? null : "is not a regular file";
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * For a beat run as root: why the schedule at {@code path} is not root's to trust, or null.
     * Another user's file there would choose when root's jobs run.
     */
    private static String notRoots(Path path) {
        try {
            Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return Integer.valueOf(0).equals(uid) ? null : "belongs to uid " + uid + ", not to root who runs beat";
        } catch (IOException e) {
            return null;
        }
    }

    private Path aside() {
        return file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
    }

    private void moveAside(String why, Consumer<String> onCorrupt) {
        Path aside = aside();
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            onCorrupt.accept("schedule file " + file + " " + why + "; moved it to " + aside + " and started a fresh schedule");
        } catch (IOException e) {
            onCorrupt.accept("schedule file " + file + " " + why + "; could not move it aside (" + OsErrors.reason(e)
                    + "), starting a fresh schedule that will replace it");
        }
    }

    Instant lastDue(String job) {
        return lastDue.get(job);
    }

    /** Records a due time and writes the whole schedule atomically before the job runs. */
    synchronized void record(String job, Instant due) {
        lastDue.put(job, due);
        write();
    }

    private void write() {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        lastDue.forEach((name, at) -> out.append(name).append('\t').append(at.toEpochMilli()).append('\n'));
        try {
            // the directory may be one others can write (a sticky /tmp): AtomicFile never
            // writes through a name planted there, and the rename replaces whatever has the
            // schedule's name without following it
            AtomicFile.write(file, out.toString().getBytes(StandardCharsets.UTF_8), MODE);
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot write schedule " + file + ": " + OsErrors.reason(e));
        }
    }

    /** What open(2) gives a file by default: the umask decides, as it did before the writes were atomic. */
    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-rw-rw-");

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // released with the process
        }
    }
}
