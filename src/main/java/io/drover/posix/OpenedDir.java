package io.drover.posix;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory reached from {@code /} by descriptor, to read, look at and unlink a node's files
 * where the node's user can write (docs/security.md, round three, classes 4 and 5). Every step
 * is an {@code openat(dirfd, name, O_NOFOLLOW)} relative to the step before, so a directory on
 * the way that its owner replaced with a symbolic link is refused, never followed into a root
 * directory; looks are {@code fstatat(AT_SYMLINK_NOFOLLOW)}, unlinks {@code unlinkat}, both
 * relative to the descriptor. A symbolic link on the way is followed only when every directory
 * walked so far can be written by root and the caller alone ({@code /var/run -> /run}).
 *
 * <p>Pure Java, no jnr: on Linux {@link Files#newDirectoryStream} is a
 * {@link SecureDirectoryStream}, which opens, looks and unlinks relative to its descriptor. What
 * Java cannot pass to {@code open(2)} is {@code O_NONBLOCK}: opening a FIFO for reading blocks
 * until a writer comes. So in a directory someone else can write (where a regular file can be
 * swapped for a FIFO between the look and the open), the open runs on a daemon thread and is
 * given {@link #OPEN_BOUND_SECONDS} seconds: if it has not returned by then, the file is
 * reported as no regular file and left to that thread, which closes whatever it opens late;
 * the command goes on and can exit. At most {@link #MAX_STUCK} opens may be left so in one
 * process. A file opened is then checked by its descriptor as far as Java can: it must seek
 * ({@code lseek}: a FIFO, a socket or a terminal cannot), and the name must still be the file
 * looked at.
 *
 * <p>A walk is used again for 100 ms for the same directory ({@code status} reads every node's
 * pidfile in one). Where there is no {@link SecureDirectoryStream} (not Linux), paths are used
 * as given.
 */
public final class OpenedDir implements AutoCloseable {
    /** How long an open in a directory others can write may take: a regular file opens in microseconds. */
    static final long OPEN_BOUND_SECONDS = 2;
    /** Opens left blocked (a FIFO that won the race) before drover stops opening in such directories. */
    static final int MAX_STUCK = 8;
    /** Symbolic links followed in one walk, as the kernel's own limit. */
    private static final int MAX_LINKS = 40;
    /** How long the opener thread may take to start: only a starving machine makes it wait. */
    private static final long START_BOUND_SECONDS = 60;
    private static final int S_ISVTX = 01000;
    private static final int S_IWGRP = 0020;
    private static final int S_IWOTH = 0002;

    /**
     * Said of a file opened in a directory others can write whose open did not return in time.
     * No message here ends in a parenthesis: {@code OsErrors.reason} would take it for the OS's.
     */
    public static final String STUCK = "did not open within " + OPEN_BOUND_SECONDS
            + " s: not a regular file (a FIFO put in its place?), not waited for";
    /** Said when {@link #MAX_STUCK} opens are blocked already. */
    public static final String TOO_MANY_STUCK = "not opened: " + MAX_STUCK + " opens in directories other users can"
            + " write did not return (FIFOs put in place of files?), none is tried any more";
    public static final String NOT_REGULAR = "not a regular file";
    public static final String SYMLINK = "a symbolic link, not followed";
    public static final String REPLACED = "replaced while it was opened";
    public static final String LINK_ON_THE_WAY = "a symbolic link in a directory another user can write, not followed"
            + ", see docs/security.md";

    private static final AtomicInteger STUCK_NOW = new AtomicInteger();
    /** Threads for opens that may block; idle ones go after 10 s. */
    private static final ThreadPoolExecutor OPENER = new ThreadPoolExecutor(0, 64, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "drover-open");
                t.setDaemon(true);
                return t;
            });

    /** A file's kind and identity, as {@code fstatat(AT_SYMLINK_NOFOLLOW)} gave them. */
    public record Entry(long dev, long ino, Kind kind, long size) {
        public enum Kind { REGULAR, DIRECTORY, SYMLINK, OTHER }

        /** Which file: {@code DEV:INO}. */
        public String key() {
            return dev + ":" + ino;
        }

        static Entry of(BasicFileAttributes a) {
            Kind kind = a.isRegularFile() ? Kind.REGULAR : a.isDirectory() ? Kind.DIRECTORY
                    : a.isSymbolicLink() ? Kind.SYMLINK : Kind.OTHER;
            // The JDK's Unix file key prints as "(dev=HEX,ino=DECIMAL)" (OpenedDirTest checks it
            // against the unix:dev and unix:ino attributes); unknown, it names no file (-1).
            String k = String.valueOf(a.fileKey());
            long dev = -1;
            long ino = -1;
            int d = k.indexOf("dev=");
            int i = k.indexOf(",ino=");
            if (k.startsWith("(") && d == 1 && i > d && k.endsWith(")")) {
                try {
                    dev = Long.parseUnsignedLong(k.substring(d + 4, i), 16);
                    ino = Long.parseUnsignedLong(k.substring(i + 5, k.length() - 1));
                } catch (NumberFormatException e) {
                    dev = -1;
                    ino = -1;
                }
            }
            return new Entry(dev, ino, kind, a.size());
        }
    }

    /** An open refused because the file is not, or is no longer, the regular file looked at. */
    public static final class NotRegularException extends IOException {
        private static final long serialVersionUID = 1L;

        NotRegularException(String reason) {
            super(reason);
        }
    }

    private final SecureDirectoryStream<Path> sds;
    private Path path;
    /** Only root and the caller can write this directory: nobody can swap its entries. */
    private final boolean strict;
    /**
     * Sticky and owned by root or the caller, as {@code /tmp}: another user can add entries, but
     * can neither rename nor remove one of root's or the caller's.
     */
    private final boolean sticky;
    /**
     * Each handle's on this stream, and each open still running in it: the stream closes when
     * all are done.
     */
    private final AtomicInteger holds;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OpenedDir(SecureDirectoryStream<Path> sds, Path path, boolean strict, boolean sticky) {
        this(sds, path, strict, sticky, new AtomicInteger(1));
    }

    private OpenedDir(SecureDirectoryStream<Path> sds, Path path, boolean strict, boolean sticky, AtomicInteger holds) {
        this.sds = sds;
        this.path = path;
        this.strict = strict;
        this.sticky = sticky;
        this.holds = holds;
    }

    /** Another handle on the same descriptor, closed on its own. */
    private OpenedDir share() {
        holds.incrementAndGet();
        return new OpenedDir(sds, path, strict, sticky, holds);
    }

    /**
     * How long a walk is used again for the same directory: {@code status} looks at many
     * pidfiles in one. What is held is a directory reached by descriptor, so reusing it is as
     * safe as the walk; at worst it is one its owner renamed away in the meantime.
     */
    private static final long REUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The last walk and when it was made; guarded by the class. */
    private static OpenedDir recent;
    private static long recentAt;

    /** The directory a file is in, walked to; see {@link #walk}. */
    public static OpenedDir parentOf(Path file) throws IOException {
        Path parent = file.toAbsolutePath().normalize().getParent();
        return walk(parent == null ? Path.of("/") : parent);
    }

    /**
     * Walks from {@code /} to {@code dir} by descriptor.
     *
     * @throws NoSuchFileException when a directory on the way does not exist
     * @throws IOException naming the step when one is no directory, is a symbolic link that is
     *     not followed, or cannot be opened
     */
    public static OpenedDir walk(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        synchronized (OpenedDir.class) {
            if (recent != null && recent.path.equals(target) && System.nanoTime() - recentAt < REUSE_NANOS) {
                return recent.share();
            }
        }
        OpenedDir walked = walkFrom(target);
        if (walked.sds != null) {
            OpenedDir old;
            synchronized (OpenedDir.class) {
                old = recent;
                recent = walked.share();
                recentAt = System.nanoTime();
            }
            if (old != null) {
                old.close();
            }
        }
        return walked;
    }

    private static OpenedDir walkFrom(Path target) throws IOException {
        OpenedDir current = root();
        if (current.sds == null) {
            return new OpenedDir(null, target, false, false);
        }
        Deque<String> todo = new ArrayDeque<>(components(target));
        List<String> names = new ArrayList<>();
        boolean strictSoFar = current.strict;
        int links = 0;
        try {
            while (!todo.isEmpty()) {
                String name = todo.pop();
                Path shown = shown(names, name);
                Entry e = current.look(name);
                if (e == null) {
                    throw new NoSuchFileException(shown.toString());
                }
                if (e.kind() == Entry.Kind.SYMLINK) {
                    if (!strictSoFar) {
                        throw new IOException(shown + ": " + LINK_ON_THE_WAY);
                    }
                    if (++links > MAX_LINKS) {
                        throw new IOException(shown + ": too many levels of symbolic links");
                    }
                    // Read by path: only root and the caller can write any directory up to here,
                    // so this path names what the descriptors reached.
                    Path link = Files.readSymbolicLink(shown);
                    Path next = (link.isAbsolute() ? link : shown.getParent().resolve(link)).normalize();
                    List<String> rest = new ArrayList<>(todo);
                    todo.clear();
                    todo.addAll(components(next));
                    todo.addAll(rest);
                    current.close();
                    current = root();
                    names.clear();
                    strictSoFar = current.strict;
                    continue;
                }
                if (e.kind() != Entry.Kind.DIRECTORY) {
                    throw new NotDirectoryException(shown.toString());
                }
                OpenedDir next = current.openDir(name, shown);
                current.close();
                current = next;
                names.add(name);
                strictSoFar &= current.strict;
            }
            current.path = target; // named as the caller named it, whatever links led there
            return current;
        } catch (IOException | RuntimeException e) {
            current.close();
            throw e;
        }
    }

    /** The directory walked to, as given. */
    public Path path() {
        return path;
    }

    /** What {@code name} is here, without following a link; null when it does not exist. */
    public Entry look(String name) throws IOException {
        check(name);
        try {
            if (sds == null) {
                return Entry.of(Files.readAttributes(path.resolve(name), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS));
            }
            return Entry.of(sds.getFileAttributeView(Path.of(name), BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Opens {@code name} for reading when it is the regular file {@code looked} said: never
     * through a link, never blocked for long by a FIFO swapped in, and the file opened seeks
     * and is still the one at that name.
     *
     * @throws NotRegularException when it is not, or no longer, that regular file
     * @throws NoSuchFileException when it is gone
     */
    public FileChannel openRegular(String name, Entry looked) throws IOException {
        check(name);
        if (looked.kind() != Entry.Kind.REGULAR) {
            throw new NotRegularException(looked.kind() == Entry.Kind.SYMLINK ? SYMLINK : NOT_REGULAR);
        }
        FileChannel ch;
        try {
            ch = bounded(name, () -> sds == null
                    ? FileChannel.open(path.resolve(name), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)
                    : (FileChannel) sds.newByteChannel(Path.of(name), Set.of(StandardOpenOption.READ,
                            LinkOption.NOFOLLOW_LINKS)));
        } catch (NoSuchFileException | NotRegularException e) {
            throw e;
        } catch (IOException e) {
            Entry now = look(name);
            if (now != null && now.kind() == Entry.Kind.SYMLINK) {
                // O_NOFOLLOW met a link swapped in: the JDK reports ELOOP without a reason
                throw new NotRegularException(SYMLINK);
            }
            throw e;
        }
        try {
            try {
                ch.position(0);
            } catch (IOException e) {
                throw new NotRegularException(NOT_REGULAR); // ESPIPE: a FIFO, a socket, a terminal
            }
            Entry after = look(name);
            if (after == null || !after.key().equals(looked.key())) {
                throw new NotRegularException(REPLACED);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Unlinks {@code name} here if it is still the file {@code expected} said ({@code unlinkat}:
     * a link is removed itself, never what it points at).
     *
     * @return whether it was unlinked
     */
    public boolean unlink(String name, Entry expected) throws IOException {
        check(name);
        Entry now = look(name);
        if (now == null || !now.key().equals(expected.key())) {
            return false;
        }
        try {
            if (sds == null) {
                Files.delete(path.resolve(name));
            } else {
                sds.deleteFile(Path.of(name));
            }
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    // ---- the walk ------------------------------------------------------------------------------

    private static OpenedDir root() throws IOException {
        DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/"));
        if (!(ds instanceof SecureDirectoryStream<Path> sds)) {
            ds.close();
            return new OpenedDir(null, Path.of("/"), false, false);
        }
        try {
            int[] um = uidMode(Path.of("/"), held(sds));
            return new OpenedDir(sds, Path.of("/"), strict(um), sticky(um));
        } catch (IOException | RuntimeException e) {
            sds.close();
            throw e;
        }
    }

    private OpenedDir openDir(String name, Path shown) throws IOException {
        SecureDirectoryStream<Path> child = bounded(name, () -> sds.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS));
        try {
            int[] um = uidMode(shown, held(child));
            return new OpenedDir(child, shown, strict(um), sticky(um));
        } catch (IOException | RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** fstat of the directory held. */
    private static Entry held(SecureDirectoryStream<Path> sds) throws IOException {
        return Entry.of(sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes());
    }

    /**
     * The owner's uid and the mode of {@code file}, which must be the file {@code held} (by
     * device and inode); null when the path names another file by now. Java gives neither by
     * descriptor without naming the owner (a user database look-up, milliseconds the first
     * time), so they are read by path and kept only when the path still leads to the same
     * file: then they are its own, however the path was resolved.
     */
    private static int[] uidMode(Path file, Entry held) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, "unix:uid,mode,dev,ino", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if ((Long) a.get("dev") != held.dev() || (Long) a.get("ino") != held.ino()) {
            return null;
        }
        return new int[] {(Integer) a.get("uid"), (Integer) a.get("mode")};
    }

    private static boolean trustedUid(int uid) {
        return uid == 0 || uid == CALLER_UID;
    }

    /**
     * Only root and the caller can write this directory: nobody else can swap an entry between
     * a look and an open. Unknown (null) is not.
     */
    private static boolean strict(int[] uidMode) {
        return uidMode != null && trustedUid(uidMode[0]) && (uidMode[1] & (S_IWGRP | S_IWOTH)) == 0;
    }

    /** Sticky and root's or the caller's, as {@code /tmp}. */
    private static boolean sticky(int[] uidMode) {
        return uidMode != null && trustedUid(uidMode[0]) && (uidMode[1] & S_ISVTX) != 0;
    }

    /**
     * Whether someone other than root and the caller could put another file at {@code name}
     * between a look and an open here: in a sticky directory, nobody else can rename or remove
     * an entry of root's or the caller's.
     */
    private boolean swappable(String name) throws IOException {
        if (strict) {
            return false;
        }
        if (!sticky || sds == null) {
            return true;
        }
        Entry e = look(name);
        int[] um = e == null ? null : uidMode(path.resolve(name), e);
        return um == null || !trustedUid(um[0]);
    }

    /** The effective uid, from {@code /proc/self}'s owner (-1, none, elsewhere). */
    private static final int CALLER_UID = callerUid();

    private static int callerUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // ---- bounded opens ----------------------------------------------------------------------------

    /** An open that may block. */
    @FunctionalInterface
    private interface Open<T> {
        T open() throws IOException;
    }

    /**
     * Runs {@code open} here, or, in a directory others can write, on a daemon thread for at most
     * {@link #OPEN_BOUND_SECONDS}.
     */
    private <T extends Closeable> T bounded(String name, Open<T> open) throws IOException {
        if (!swappable(name)) {
            return open.open();
        }
        if (STUCK_NOW.get() >= MAX_STUCK) {
            throw new NotRegularException(TOO_MANY_STUCK);
        }
        hold();
        Handoff<T> handoff = new Handoff<>();
        try {
            OPENER.execute(() -> handoff.run(open, this::release));
        } catch (RejectedExecutionException e) {
            release();
            throw new NotRegularException(TOO_MANY_STUCK);
        }
        return handoff.await();
    }

    /** One open passed to a thread and its result back; late results are closed by that thread. */
    private static final class Handoff<T extends Closeable> {
        private volatile boolean started;
        private boolean done;
        private boolean abandoned;
        private T value;
        private Exception failure;

        void run(Open<T> open, Runnable release) {
            started = true; // no wake-up for this: the waiter looks only when its bound is up
            T v = null;
            Exception f = null;
            try {
                v = open.open();
            } catch (IOException | RuntimeException e) {
                f = e;
            } finally {
                release.run();
            }
            boolean late;
            synchronized (this) {
                done = true;
                value = v;
                failure = f;
                late = abandoned;
                notifyAll();
            }
            if (late) {
                STUCK_NOW.decrementAndGet();
                closeQuietly(v);
            }
        }

        synchronized T await() throws IOException {
            long startBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_BOUND_SECONDS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(OPEN_BOUND_SECONDS);
            try {
                while (!done) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        if (started || now >= startBy) {
                            break;
                        }
                        // the bound is the open's, not the wait for a thread to be scheduled
                        end = now + TimeUnit.SECONDS.toNanos(OPEN_BOUND_SECONDS);
                    }
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - now)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!done) {
                abandoned = true;
                STUCK_NOW.incrementAndGet();
                throw new NotRegularException(STUCK);
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            return value;
        }
    }

    private void hold() {
        holds.incrementAndGet();
    }

    private void release() {
        if (holds.decrementAndGet() == 0) {
            closeQuietly(sds);
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // a descriptor we only read: nothing to lose
            }
        }
    }

    // ---- names -----------------------------------------------------------------------------------

    /** A name in this directory: one component, so that no lookup leaves it. */
    private static void check(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("not a file name: " + name);
        }
    }

    private static Path shown(List<String> names, String name) {
        return Path.of("/" + String.join("/", names) + (names.isEmpty() ? "" : "/") + name);
    }

    private static List<String> components(Path path) {
        List<String> out = new ArrayList<>();
        for (Path p : path.normalize()) {
            String s = p.toString();
            if (!s.isEmpty() && !s.equals(".") && !s.equals("..")) {
                out.add(s);
            }
        }
        return out;
    }
}
