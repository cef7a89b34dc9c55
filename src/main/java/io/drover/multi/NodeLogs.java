package io.drover.multi;

import io.drover.core.OsErrors;
import io.drover.core.Templates;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code multi logs}: the last lines of each node's logfiles (the main process's and every
 * pool process's {@code %I} file), and with follow the lines written after, across a rotation
 * by {@code copytruncate} (the file shrinks: read again from its start) or by renaming (a new
 * file appears at the path: the old one is read to its end first). Reports through a
 * {@link Sink}, never prints.
 *
 * <p>Logfiles lie in directories the node's user can write, and this may run as root. So a
 * logfile is opened only when it is a regular file, never through a symbolic link
 * ({@code O_NOFOLLOW}), and only when the file opened is the one looked at (same device and
 * inode before and after): a link to {@code /etc/shadow}, a FIFO that would block, or a device
 * is named, never read.
 */
public final class NodeLogs {
    /** How often follow looks at the files again: quick to the eye, nothing for the CPU. */
    static final Duration POLL = Duration.ofMillis(200);
    /** Pool process files looked for: {@code %I} of processes 1..this. */
    static final int MAX_POOL_FILES = 64;
    /** How often follow looks for pool files that appeared, in polls. */
    private static final int RESCAN_POLLS = 10;

    /** Where lines and problems go. Called from one thread. */
    public interface Sink {
        /**
         * @param source the nodename, with the pool process's {@code -INDEX} for its file
         */
        void line(NodeSpec node, String source, String line);

        /** A node whose logfile is missing or cannot be read, named once per problem. */
        void problem(NodeSpec node, String message);
    }

    private final List<NodeSpec> nodes;
    private final Sink sink;
    private final Map<Path, Followed> files = new LinkedHashMap<>();
    private final Map<NodeSpec, String> lastProblem = new LinkedHashMap<>();

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
        for (NodeSpec node : nodes) {
            if (!tail(node, lines)) {
                missing++;
            }
        }
        return missing;
    }

    /** {@link #tail}, then the lines written after, until the thread is interrupted. */
    public void follow(int lines) throws InterruptedException {
        tail(lines);
        for (int round = 1; !Thread.currentThread().isInterrupted(); round++) {
            Thread.sleep(POLL.toMillis());
            boolean rescan = round % RESCAN_POLLS == 0;
            for (NodeSpec node : nodes) {
                if (rescan || files.values().stream().noneMatch(f -> f.node.equals(node))) {
                    discover(node, true);
                }
            }
            for (Followed f : List.copyOf(files.values())) {
                f.poll();
            }
        }
    }

    /** The node's files that exist: the main process's, then each pool process's. */
    static List<Path> filesOf(NodeSpec node) {
        List<Path> found = new ArrayList<>();
        String main = expand(node, Templates.MAIN_PROCESS);
        found.add(Path.of(main));
        if (!main.equals(node.logfile())) {
            for (int i = 1; i <= MAX_POOL_FILES; i++) {
                Path p = Path.of(expand(node, i));
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    private static String expand(NodeSpec node, int index) {
        return Templates.expandForProcess(node.logfile(), node.nodename(), index, "--logfile");
    }

    private boolean tail(NodeSpec node, int lines) {
        boolean any = false;
        List<Path> paths = filesOf(node);
        for (int i = 0; i < paths.size(); i++) {
            Path p = paths.get(i);
            String source = source(node, p);
            try (SeekableByteChannel ch = open(p)) {
                long size = ch.size();
                for (String line : lastLines(ch, size, lines)) {
                    sink.line(node, source, line);
                }
                files.put(p, new Followed(node, source, p, key(p), size));
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
    private void discover(NodeSpec node, boolean fromStart) {
        for (Path p : filesOf(node)) {
            if (!files.containsKey(p) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    files.put(p, new Followed(node, source(node, p), p, key(p), fromStart ? 0 : Files.size(p)));
                    lastProblem.remove(node);
                } catch (IOException e) {
                    // gone again: looked for next time
                }
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

    /**
     * Opens a logfile for reading only when it is a regular file reached without a symbolic
     * link, and the file opened is the one checked.
     */
    static SeekableByteChannel open(Path p) throws IOException {
        BasicFileAttributes before = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!before.isRegularFile()) {
            throw new IOException(before.isSymbolicLink() ? "a symbolic link, not followed" : "not a regular file");
        }
        SeekableByteChannel ch = Files.newByteChannel(p, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        try {
            BasicFileAttributes after = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!after.isRegularFile() || !Objects.equals(before.fileKey(), after.fileKey())) {
                throw new IOException("replaced while it was opened");
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Object key(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** The last {@code n} lines before {@code end}, read backwards in blocks. */
    static List<String> lastLines(SeekableByteChannel ch, long end, int n) throws IOException {
        if (n <= 0 || end == 0) {
            return List.of();
        }
        int block = 8192;
        ByteBuffer buf = ByteBuffer.allocate(block);
        long start = 0;
        int newlines = 0;
        long pos = end;
        scan:
        while (pos > 0) {
            long from = Math.max(0, pos - block);
            buf.clear().limit((int) (pos - from));
            ch.position(from);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill the block
            }
            for (int i = buf.position() - 1; i >= 0; i--) {
                // a newline that ends the file ends the last line; it does not start another
                if (buf.get(i) == '\n' && from + i != end - 1 && ++newlines == n) {
                    start = from + i + 1;
                    break scan;
                }
            }
            pos = from;
        }
        return split(read(ch, start, end));
    }

    private static byte[] read(SeekableByteChannel ch, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, to - from));
        ch.position(from);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // read all
        }
        byte[] bytes = new byte[buf.position()];
        buf.flip().get(bytes);
        return bytes;
    }

    private static List<String> split(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    }

    /** One file being followed: where it was read to, and the start of a line not yet ended. */
    private final class Followed {
        final NodeSpec node;
        final String source;
        final Path path;
        Object key;
        long position;
        final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Followed(NodeSpec node, String source, Path path, Object key, long position) {
            this.node = node;
            this.source = source;
            this.path = path;
            this.key = key;
            this.position = position;
        }

        void poll() {
            try (SeekableByteChannel ch = open(path)) {
                Object now = key(path);
                if (!Objects.equals(now, key)) {
                    // renamed away and created again: a new file, read from its start
                    // (what was left in the old one after the last poll is not reachable by name)
                    key = now;
                    position = 0;
                    partial.reset();
                }
                long size = ch.size();
                if (size < position) {
                    // copytruncate: the same file, emptied; what is in it now is new
                    position = 0;
                    partial.reset();
                }
                if (size > position) {
                    emit(read(ch, position, size));
                    position = size;
                }
            } catch (NoSuchFileException e) {
                // rotated away and not yet created again: keep looking
            } catch (IOException e) {
                problem(node, path, e);
            }
        }

        private void emit(byte[] bytes) {
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    partial.write(bytes, start, i - start);
                    sink.line(node, source, partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                    start = i + 1;
                }
            }
            partial.write(bytes, start, bytes.length - start);
        }
    }
}
