package io.drover.multi;

import io.drover.core.OsErrors;
import io.drover.core.Templates;
import io.drover.posix.OpenedDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code multi logs}: the last lines of each node's logfiles (the main process's and every
 * pool process's {@code %I} file), and with follow the lines written after, across a rotation
 * by renaming (another file at the path: the old one is still read, first, until it is quiet)
 * or by {@code copytruncate} (the file shrinks, or no longer holds what was read before the
 * position: read again from its start); see {@code Followed} and {@code Reader}. Reports
 * through a {@link Sink}, never prints.
 *
 * <p>Logfiles lie in directories the node's user can write, and this may run as root. So a
 * logfile is reached by descriptor from {@code /} ({@link OpenedDir}: no directory on the way
 * that its owner replaced with a symbolic link is followed), opened only when it is a regular
 * file, never through a symbolic link, never blocked for long by a FIFO swapped in between the
 * look and the open, and only when the file opened is the one looked at: a link to
 * {@code /etc/shadow}, a FIFO or a device is named, never read.
 *
 * <p>What is read is bounded however the file looks (docs/security.md, round three, class 4):
 * the tail is found by reading backwards in {@value LogLines#CHUNK}-byte chunks, no line is kept longer
 * than {@link #MAX_LINE_BYTES} (a longer one is shown cut, marked {@link #LINE_CUT}), and a file
 * is never loaded whole: memory stays a chunk and, per file followed, two lines (the renamed
 * file's and the new one's) and 64 bytes each, whatever its size.
 */
public final class NodeLogs {
    /** How often follow looks at the files again: quick to the eye, nothing for the CPU. */
    static final Duration POLL = Duration.ofMillis(200);
    /** Pool process files looked for: {@code %I} of processes 1..this. */
    static final int MAX_POOL_FILES = 64;
    /** How often follow looks for pool files that appeared, in polls. */
    private static final int RESCAN_POLLS = 10;
    /** The longest line shown whole; a log line is rarely a hundredth of it. */
    public static final int MAX_LINE_BYTES = 64 * 1024;
    /** Marks the side where a line longer than {@link #MAX_LINE_BYTES} was cut. */
    public static final String LINE_CUT = "[cut: line longer than 64 KiB]";

    /** Where lines and problems go. Called from one thread. */
    public interface Sink {
        /**
         * @param source the nodename, with the pool process's {@code -INDEX} for its file
         * @param file the logfile's path the line was read at (also a file since renamed away)
         */
        void line(NodeSpec node, String source, Path file, String line);

        /** A node whose logfile is missing or cannot be read, named once per problem. */
        void problem(NodeSpec node, String message);
    }

    private final List<NodeSpec> nodes;
    private final Sink sink;
    private final Map<Path, Followed> files = new LinkedHashMap<>();
    private final Map<NodeSpec, String> lastProblem = new LinkedHashMap<>();
    /** The one buffer follow reads through (one thread). */
    private final ByteBuffer chunk = ByteBuffer.allocate(LogLines.CHUNK);

    public NodeLogs(List<NodeSpec> nodes, Sink sink) {
        this.nodes = List.copyOf(nodes);
        this.sink = sink;
    }

    /**
     * Prints the last {@code lines} lines of every node's files.
     *
     * @return how many nodes had no readable logfile
     */
    public int tail(int lines) {
        int missing = 0;
        try (Dirs dirs = new Dirs()) {
            for (NodeSpec node : nodes) {
                if (!tail(node, lines, dirs)) {
                    missing++;
                }
            }
        }
        return missing;
    }

    /** {@link #tail}, then the lines written after, until the thread is interrupted. */
    public void follow(int lines) throws InterruptedException {
        tail(lines);
        // the directories are walked to again at each rescan, not at every poll: a walk is a few
        // system calls per directory on the way, and most polls find nothing new
        Dirs dirs = new Dirs();
        try {
            for (int round = 1; !Thread.currentThread().isInterrupted(); round++) {
                Thread.sleep(POLL.toMillis());
                boolean rescan = round % RESCAN_POLLS == 0;
                if (rescan) {
                    dirs.close();
                    dirs = new Dirs();
                }
                for (NodeSpec node : nodes) {
                    if (rescan || files.values().stream().noneMatch(f -> f.node.equals(node))) {
                        discover(node, dirs);
                    }
                }
                for (Followed f : List.copyOf(files.values())) {
                    f.poll(dirs);
                }
            }
        } finally {
            dirs.close();
        }
    }

    /** The node's files that exist: the main process's (always), then each pool process's. */
    private static List<Path> filesOf(NodeSpec node, Dirs dirs) {
        List<Path> found = new ArrayList<>();
        String main = expand(node, Templates.MAIN_PROCESS);
        found.add(Path.of(main));
        if (!main.equals(node.logfile())) {
            for (int i = 1; i <= MAX_POOL_FILES; i++) {
                Path p = Path.of(expand(node, i));
                try {
                    if (dirs.of(p).look(name(p)) != null) {
                        found.add(p);
                    }
                } catch (IOException e) {
                    // its directory cannot be reached: said of the main process's file
                }
            }
        }
        return found;
    }

    private static String expand(NodeSpec node, int index) {
        return Templates.expandForProcess(node.logfile(), node.nodename(), index, "--logfile");
    }

    static String name(Path p) {
        return p.getFileName().toString();
    }

    private boolean tail(NodeSpec node, int lines, Dirs dirs) {
        boolean any = false;
        List<Path> paths = filesOf(node, dirs);
        for (int i = 0; i < paths.size(); i++) {
            Path p = paths.get(i);
            String source = source(node, p);
            try {
                OpenedDir dir = dirs.of(p);
                OpenedDir.Entry looked = dir.look(name(p));
                if (looked == null) {
                    throw new NoSuchFileException(p.toString());
                }
                FileChannel ch = dir.openRegular(name(p), looked);
                long size;
                try {
                    size = ch.size();
                    LogLines.lastLines(ch, size, lines, line -> sink.line(node, source, p, line));
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                Followed was = files.put(p, new Followed(node, source, p, looked.key(), ch, size));
                if (was != null) {
                    was.close();
                }
                any = true;
            } catch (IOException e) {
                if (i == 0 && paths.size() == 1 || !(e instanceof NoSuchFileException)) {
                    problem(node, p, e);
                }
            }
        }
        return any;
    }

    /** Finds the node's files not yet followed; a new one is read from its start. */
    private void discover(NodeSpec node, Dirs dirs) {
        for (Path p : filesOf(node, dirs)) {
            if (files.containsKey(p)) {
                continue;
            }
            try {
                OpenedDir dir = dirs.of(p);
                OpenedDir.Entry looked = dir.look(name(p));
                if (looked != null && looked.kind() == OpenedDir.Entry.Kind.REGULAR) {
                    FileChannel ch = dir.openRegular(name(p), looked);
                    files.put(p, new Followed(node, source(node, p), p, looked.key(), ch, 0));
                    lastProblem.remove(node);
                }
            } catch (NoSuchFileException e) {
                // gone again: looked for next time
            } catch (IOException e) {
                problem(node, p, e);
            }
        }
    }

    private String source(NodeSpec node, Path p) {
        String main = expand(node, Templates.MAIN_PROCESS);
        if (p.toString().equals(main)) {
            return node.nodename().full();
        }
        for (int i = 1; i <= MAX_POOL_FILES; i++) {
            if (p.toString().equals(expand(node, i))) {
                return node.nodename().full() + "-" + i;
            }
        }
        return node.nodename().full();
    }

    private void problem(NodeSpec node, Path p, IOException e) {
        String message = e instanceof NoSuchFileException ? "no logfile " + p
                : "logfile " + p + " cannot be read: " + OsErrors.reason(e);
        if (!message.equals(lastProblem.get(node))) {
            lastProblem.put(node, message);
            sink.problem(node, message);
        }
    }

    /** The directories looked in during one round, each walked to once. */
    private static final class Dirs implements AutoCloseable {
        private final Map<Path, OpenedDir> open = new HashMap<>();
        private final Map<Path, IOException> failed = new HashMap<>();

        OpenedDir of(Path file) throws IOException {
            Path parent = file.toAbsolutePath().normalize().getParent();
            IOException failure = failed.get(parent);
            if (failure != null) {
                throw failure;
            }
            OpenedDir dir = open.get(parent);
            if (dir == null) {
                try {
                    dir = OpenedDir.walk(parent);
                } catch (IOException e) {
                    failed.put(parent, e);
                    throw e;
                }
                open.put(parent, dir);
            }
            return dir;
        }

        @Override
        public void close() {
            open.values().forEach(OpenedDir::close);
        }
    }

    /**
     * One file being followed at a path: the descriptor of the file there now, held open between
     * polls so that a name the node's user points elsewhere (a FIFO, for a moment) changes nothing
     * until a new regular file is there, and after a rename rotation the old file's descriptor
     * until that file has gone quiet.
     *
     * <p>A rotation by renaming is seen as another file (device and inode) at the path. The
     * writer may go on writing the old file until it reopens its log (logrotate's {@code create}
     * makes the new file before its {@code postrotate} tells the node), so the old descriptor is
     * not dropped when the new file appears: it is read at every poll, before the new file, until
     * {@value #QUIET_POLLS} polls in a row found nothing added to it.
     */
    private final class Followed {
        /** Polls without a byte added after which a renamed-away file is closed: 1 s. */
        static final int QUIET_POLLS = 5;
        final NodeSpec node;
        final String source;
        final Path path;
        Reader current;
        /** The file renamed away, still read until it is quiet; null when none. */
        Reader old;
        int oldQuiet;

        Followed(NodeSpec node, String source, Path path, String key, FileChannel channel, long position) {
            this.node = node;
            this.source = source;
            this.path = path;
            this.current = new Reader(node, source, path, key, channel, position);
        }

        void poll(Dirs dirs) {
            try {
                OpenedDir dir = dirs.of(path);
                OpenedDir.Entry now = dir.look(name(path));
                if (now != null && now.kind() == OpenedDir.Entry.Kind.REGULAR && !now.key().equals(current.key)) {
                    // renamed away and created again: the new file from its start, once what
                    // is left in the old one (written, maybe, until the writer reopens)
                    FileChannel next = dir.openRegular(name(path), now);
                    if (old != null) {
                        // rotated twice while the first was still written: one old file is kept
                        retire(old);
                    }
                    old = current;
                    oldQuiet = 0;
                    current = new Reader(node, source, path, now.key(), next, 0);
                } else if (now != null && now.kind() != OpenedDir.Entry.Kind.REGULAR) {
                    // not a file: named, and the file held is still read
                    problem(node, path, new IOException(now.kind() == OpenedDir.Entry.Kind.SYMLINK
                            ? OpenedDir.SYMLINK : OpenedDir.NOT_REGULAR));
                }
            } catch (NoSuchFileException e) {
                // its directory is gone for now: keep looking, and reading the files held
            } catch (IOException e) {
                // the new file could not be opened (named): the files held are still read
                problem(node, path, e);
            }
            try {
                if (old != null) {
                    if (old.readMore()) {
                        oldQuiet = 0;
                    } else if (++oldQuiet >= QUIET_POLLS) {
                        retire(old);
                        old = null;
                    }
                }
                current.readMore();
            } catch (IOException e) {
                problem(node, path, e);
            }
        }

        /** Reads the old file a last time, ends its last line (nothing will be added), closes it. */
        private void retire(Reader r) throws IOException {
            try {
                r.readMore();
                r.partial.finish();
            } finally {
                r.close();
            }
        }

        void close() {
            current.close();
            if (old != null) {
                old.close();
            }
        }
    }

    /**
     * One descriptor read forwards: where it was read to, the start of a line not yet ended, and
     * the last bytes read, to see a {@code copytruncate} the writer refilled past that point.
     *
     * <p>The rule: a file whose size is below where it was read to was truncated; and a file at
     * least as long whose bytes just before that point are no longer the ones read there was
     * truncated and written again past it (a burst right after the truncation, between two
     * polls). Either way it is read again from its start. One read of up to {@value #TAIL} bytes
     * per poll; a log that writes the very same bytes at the very same offsets again is beyond
     * any such rule.
     */
    private final class Reader {
        /** How many bytes before the position are kept and compared. */
        static final int TAIL = 64;
        final String key;
        final FileChannel channel;
        long position;
        final LogLines.Lines partial;
        private final byte[] tail = new byte[TAIL];
        private int tailLength;
        private final ByteBuffer check = ByteBuffer.allocate(TAIL);

        Reader(NodeSpec node, String source, Path path, String key, FileChannel channel, long position) {
            this.key = key;
            this.channel = channel;
            this.partial = new LogLines.Lines(line -> sink.line(node, source, path, line));
            this.position = position;
            try {
                remember();
            } catch (IOException e) {
                // nothing to compare yet: a failing read is named by the poll that reads
                tailLength = 0;
            }
        }

        /** @return whether anything was read */
        boolean readMore() throws IOException {
            long size = channel.size();
            if (size < position || !stillThere()) {
                // copytruncate: the same file, emptied (and maybe refilled); what is in it now is new
                position = 0;
                tailLength = 0;
                partial.reset();
            }
            if (size <= position) {
                return false;
            }
            position = LogLines.forward(channel, position, size, chunk, partial);
            remember();
            return true;
        }

        private boolean stillThere() throws IOException {
            if (tailLength == 0) {
                return true;
            }
            LogLines.read(channel, position - tailLength, tailLength, check);
            if (check.limit() != tailLength) {
                return false;
            }
            for (int i = 0; i < tailLength; i++) {
                if (check.get(i) != tail[i]) {
                    return false;
                }
            }
            return true;
        }

        private void remember() throws IOException {
            int n = (int) Math.min(TAIL, position);
            LogLines.read(channel, position - n, n, check);
            tailLength = check.limit();
            check.get(tail, 0, tailLength);
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // only read
            }
        }
    }
}
