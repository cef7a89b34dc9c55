package io.drover.multi;

import io.drover.core.OsErrors;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * supervise's control socket: the operator's {@code stop}, {@code kill}, {@code restart},
 * {@code start} and {@code status} of a node it watches come here, so they are obeyed rather
 * than taken for a crash. A Unix socket in the registry's directory (its owner's alone, mode
 * 0700), and each connection's peer is checked with {@code SO_PEERCRED}: the registry's owner
 * or root, no one else, whatever the directory's mode became.
 *
 * <p>One request a connection, one line ({@link SupervisorLink} has the grammar), one answer a
 * line, then the connection is closed. One thread, on a selector, never waits for a client: a
 * request must arrive within {@link #REQUEST_DEADLINE}, at most {@link #MAX_READING} connections
 * are held reading (a new one drops the oldest), and an answer (a line on a fresh socket, far
 * below its buffer) is written without blocking, whenever it is ready (a start's, once the node
 * is up).
 */
final class ControlServer implements AutoCloseable {
    /** How long a client has to send its request line. */
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(2);
    /** Connections held while their request is read. */
    static final int MAX_READING = 32;
    /** The longest request line (and answer): an {@code add}'s carries a command line. */
    static final int MAX_LINE = 16 * 1024;

    private final Path path;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Function<String, CompletableFuture<String>> handler;
    private final UserPrincipal owner;
    private final UserPrincipal root;
    private final Consumer<String> refused;
    private final Deque<Reading> reading = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean open = true;

    /** A connection whose request line is not yet complete. */
    private static final class Reading {
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(MAX_LINE);
        final long deadline;

        Reading(SocketChannel channel, long deadline) {
            this.channel = channel;
            this.deadline = deadline;
        }
    }

    /**
     * Binds {@code path} and serves it on a thread of its own.
     *
     * @param owner who may ask besides root: the registry directory's owner
     * @param handler a request line to its answer line (completed now or later)
     * @param refused told of each peer refused, in words
     */
    ControlServer(Path path, UserPrincipal owner, Function<String, CompletableFuture<String>> handler,
                  Consumer<String> refused) throws IOException {
        this.path = path;
        this.owner = owner;
        this.handler = handler;
        this.refused = refused;
        this.root = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("0");
        // a socket left by a supervise of this very pid that was killed: ours to replace, in our directory
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            Files.deleteIfExists(path);
            throw e;
        }
        thread = new Thread(this::serve, "drover-supervise-control");
        thread.setDaemon(true);
        thread.start();
    }

    Path path() {
        return path;
    }

    private void serve() {
        while (open) {
            try {
                // idle, it sleeps until a client comes: no timer wakes a supervise that has nothing to do
                long wait = reading.isEmpty() ? 0
                        : Math.max(1, (reading.peekFirst().deadline - System.nanoTime()) / 1_000_000 + 1);
                selector.select(wait);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key);
                    }
                }
                selector.selectedKeys().clear();
                expire();
            } catch (IOException | RuntimeException e) {
                // one client's trouble is not the server's end: it goes on with the others
                if (!open) {
                    return;
                }
                // out of descriptors, say: the pending client would make select return at once
                // again, so the loop waits a moment rather than spin
                try {
                    Thread.sleep(100);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel c = server.accept();
        if (c == null) {
            return;
        }
        UnixDomainPrincipal peer;
        try {
            peer = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            c.close();
            refused.accept("a client whose credentials could not be read (" + e.getMessage() + ")");
            return;
        }
        if (!peer.user().equals(owner) && !peer.user().equals(root)) {
            c.close();
            refused.accept("a client of user " + peer.user().getName() + ": only " + owner.getName()
                    + " (the node registry's owner) and root may ask");
            return;
        }
        c.configureBlocking(false);
        if (reading.size() >= MAX_READING) {
            closeQuietly(reading.removeFirst().channel);
        }
        Reading r = new Reading(c, System.nanoTime() + REQUEST_DEADLINE.toNanos());
        reading.addLast(r);
        c.register(selector, SelectionKey.OP_READ, r);
    }

    private void read(SelectionKey key) {
        Reading r = (Reading) key.attachment();
        int n;
        try {
            n = r.channel.read(r.in);
        } catch (IOException e) {
            n = -1;
        }
        String line = lineOf(r.in);
        if (line == null && n >= 0 && r.in.hasRemaining()) {
            return; // more to come
        }
        key.cancel();
        reading.remove(r);
        if (line == null) {
            closeQuietly(r.channel); // ended, or too long, before its line
            return;
        }
        CompletableFuture<String> answer;
        try {
            answer = handler.apply(line);
        } catch (RuntimeException e) {
            answer = CompletableFuture.completedFuture("error " + e.getMessage());
        }
        answer.whenComplete((text, failure) -> answer(r.channel, failure != null ? "error " + failure.getMessage() : text));
    }

    /** The request's line, without its newline, once it is complete; null before. */
    private static String lineOf(ByteBuffer in) {
        for (int i = 0; i < in.position(); i++) {
            if (in.get(i) == '\n') {
                return new String(in.array(), 0, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Writes the answer line without blocking and closes: a fresh socket's buffer takes a line whole. */
    private static void answer(SocketChannel c, String text) {
        try {
            c.write(ByteBuffer.wrap((text.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // the client went: nothing to tell
        } finally {
            closeQuietly(c);
        }
    }

    private void expire() {
        long now = System.nanoTime();
        while (!reading.isEmpty() && now - reading.peekFirst().deadline >= 0) {
            closeQuietly(reading.removeFirst().channel);
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closed as far as we are concerned
        }
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.close();
            selector.close();
        } catch (IOException e) {
            // going away
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            refused.accept("cannot remove " + path + ": " + OsErrors.reason(e));
        }
    }
}
