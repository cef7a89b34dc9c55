package io.drover.node;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.posix.Posix;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * The node's logfile rotated by the node ({@code --log-max-size}, {@code --log-rotate=daily}):
 * when the file reached the size, or the day changed, {@code LOG} is renamed {@code LOG.1}, a
 * new {@code LOG} is opened, {@code LOG.1} is gzip'ed into {@code LOG.1.gz} on a thread of its
 * own, and the older ones move up to {@code LOG.KEEP.gz}, the last one dropped.
 *
 * <p>logback's own {@code RollingFileAppender} opens its files by name, and its compressor
 * writes the {@code .gz} through whatever symbolic link is at that name; here nothing is
 * followed: renames and unlinks act on the names themselves, the rotated file is read
 * {@code NOFOLLOW}, the {@code .gz} is created {@code O_EXCL} under a temporary name and renamed
 * into place, and the new logfile is opened {@code O_NOFOLLOW} (docs/security.md, class 8).
 *
 * <p>A spawned node's stdout and stderr are its logfile: after a rotation they are pointed at the
 * new file ({@code dup2}, through {@link Posix}, loaded at the first rotation only), so what the
 * JVM writes there itself, such as a thread dump on SIGQUIT, lands in the active file.
 */
final class RollingLog extends OutputStreamAppender<ILoggingEvent> {
    private final Path file;
    private final LogOptions options;
    /** Opens the new file after a rotation; the node's stdout and stderr point at it then. */
    private final Supplier<LogSetup.Sized> reopen;
    /** Read before the lock is taken, written under it. */
    private volatile long size;
    /** When the day of the file being written ends, for {@code daily}. */
    private volatile long dayEnds;
    /**
     * When the file's own size is read next ({@link System#nanoTime}): what the JVM writes to
     * descriptors 1 and 2 itself (a thread dump, {@code -Xlog}, a native library) passes no
     * appender, so {@link #size} alone would let it grow the file past {@code --log-max-size}
     * without end. Read at most once a {@link #RESYNC_NANOS}, the first event included.
     */
    private volatile long nextSizeRead = System.nanoTime();
    private static final long RESYNC_NANOS = 1_000_000_000L;
    /** The gzip of the last rotated file, still running; null when none. */
    private Thread compressing;

    RollingLog(Path file, LogOptions options, LogSetup.Sized first, Supplier<LogSetup.Sized> reopen) {
        this.file = file;
        this.options = options;
        this.reopen = reopen;
        this.size = first.size();
        this.dayEnds = dayEnd();
        setOutputStream(first.stream());
    }

    /** A rolling appender on {@code first}, which is {@code file} opened. */
    static OutputStreamAppender<ILoggingEvent> of(Path file, LogOptions options, LogSetup.Sized first,
                                                  Supplier<LogSetup.Sized> reopen) {
        return new RollingLog(file, options, first, reopen);
    }

    @Override
    protected void subAppend(ILoggingEvent event) {
        if (options.maxSize() > 0 && size < options.maxSize() && System.nanoTime() - nextSizeRead >= 0) {
            nextSizeRead = System.nanoTime() + RESYNC_NANOS;
            size = Math.max(size, sizeOf(file));
        }
        if ((options.maxSize() > 0 && size >= options.maxSize()) || (options.daily() && event.getTimeStamp() >= dayEnds)) {
            streamWriteLock.lock();
            try {
                // checked again: another thread may have rotated while this one waited
                if ((options.maxSize() > 0 && size >= options.maxSize())
                        || (options.daily() && event.getTimeStamp() >= dayEnds)) {
                    rotate();
                }
            } finally {
                streamWriteLock.unlock();
            }
        }
        super.subAppend(event);
    }

    @Override
    protected void updateByteCount(byte[] written) {
        size += written.length;
    }

    /** Under the write lock: no line is written while the file changes. */
    private void rotate() {
        try {
            awaitCompression();
            Path first = numbered(1, "");
            if (Files.exists(first, LinkOption.NOFOLLOW_LINKS)) {
                // a gzip the last JVM did not finish: it is the newest of the old files
                if (Files.exists(numbered(1, ".gz"), LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(first);
                } else {
                    gzip(first);
                }
            }
            Files.deleteIfExists(numbered(options.keep(), ".gz"));
            for (int i = options.keep() - 1; i >= 1; i--) {
                Path from = numbered(i, ".gz");
                if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                    // rename(2): replaces the name there, never follows it
                    Files.move(from, numbered(i + 1, ".gz"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                // never rename a device (/dev/null) or what else came to be at the name
                throw new IOException(file + " is not a regular file");
            }
            Files.move(file, first, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // not rotated: the node goes on writing the file it has, and says why once a size
            addError("cannot rotate " + file + ": " + e, e);
            size = 0;
            dayEnds = dayEnd();
            return;
        }
        LogSetup.Sized next;
        try {
            next = reopen.get();
        } catch (RuntimeException e) {
            // the old file, renamed, is written on: no line is lost
            addError("cannot open " + file + " after a rotation: " + e.getMessage(), e);
            size = 0;
            dayEnds = dayEnd();
            return;
        }
        setOutputStream(next.stream());
        size = next.size();
        dayEnds = dayEnd();
        Path rotated = numbered(1, "");
        compressing = new Thread(() -> {
            try {
                gzip(rotated);
            } catch (IOException e) {
                addError("cannot gzip " + rotated + ": " + e, e);
            }
        }, "drover-log-gzip");
        compressing.setDaemon(true);
        compressing.start();
    }

    private void awaitCompression() {
        Thread last = compressing;
        if (last != null) {
            try {
                last.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            compressing = null;
        }
    }

    /**
     * {@code LOG.1} into {@code LOG.1.gz}: written to a new temporary file ({@code O_EXCL}, which
     * never follows a link), renamed into place, and only then {@code LOG.1} removed.
     */
    private void gzip(Path rotated) throws IOException {
        Path gz = numbered(1, ".gz");
        Path temp = file.resolveSibling(gz.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try (InputStream in = Files.newInputStream(rotated, LinkOption.NOFOLLOW_LINKS);
             OutputStream out = new GZIPOutputStream(Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), 64 * 1024)) {
            in.transferTo(out);
        }
        Files.move(temp, gz, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(rotated);
    }

    private Path numbered(int i, String suffix) {
        return file.resolveSibling(file.getFileName() + "." + i + suffix);
    }

    private static long dayEnd() {
        ZoneId zone = ZoneId.systemDefault();
        return LocalDate.now(zone).plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }

    @Override
    public void stop() {
        awaitCompression();
        super.stop();
    }

    /**
     * Why root may not rotate in the logfile's directory, or null: rotation renames and creates
     * files there by name, which is safe only where nobody but root can put a name (docs/security.md,
     * class 8). A {@code --uid} node rotates as its user, in its user's directory.
     */
    static String rootRefusal(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Map<String, Object> a = Files.readAttributes(dir, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            int uid = (Integer) a.get("uid");
            int mode = (Integer) a.get("mode");
            if ((mode & 0170000) != 0040000) {
                return dir + " is not a directory";
            }
            if (uid != 0) {
                return dir + " belongs to uid " + uid;
            }
            if ((mode & 0022) != 0) {
                return dir + " is writable by " + ((mode & 0002) != 0 ? "every user" : "its group");
            }
            return null;
        } catch (NoSuchFileException e) {
            return dir + " does not exist";
        } catch (IOException e) {
            return dir + ": " + e.getMessage();
        }
    }

    /**
     * Why the logfile cannot be rotated whoever runs the node, or null: only a regular file is
     * renamed, never a device such as {@code /dev/null} (root would move it out of {@code /dev}).
     */
    static String notRotatable(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? null
                : "--log-max-size and --log-rotate rotate a regular file; " + file + " is not one";
    }

    /** The exception for {@link #rootRefusal}'s answer. */
    static DroverException refused(Path file, String why) {
        return new DroverException(ExitCode.NO_PERMISSION, "cannot rotate " + file + " as root (--log-max-size,"
                + " --log-rotate): " + why + ", who could put a link where the rotated files go;"
                + " give the node a log directory only root can write (chmod go-w), or --uid");
    }

    /** The size of a file just opened, looked up without following a link. */
    static long sizeOf(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The spawned node's rotation: its stdout and stderr moved to the new file. */
    static void pointOutputAt(Path file) {
        Posix.get().redirectOutput(file.toString());
    }
}
