package io.drover.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server of a node's {@code --health-port} and of {@code multi supervise --metrics-port}:
 * {@code GET} (or {@code HEAD}) of a path, answered from {@link Answers} and closed, for probes
 * and scrapers.
 *
 * <p>One thread and a selector, not the JDK's HttpServer (issue 27): that server reads a
 * request on its executor's thread with no deadline of its own, so one client that sent half a
 * request held the only thread and every probe after it went unanswered; its deadlines
 * ({@code sun.net.httpserver.maxReqTime}) are JVM-wide system properties, in seconds, checked by
 * a one-second timer, and would change the application's own servers too. Here no read ever
 * blocks: each connection has {@link #DEADLINE} to send its request and is closed after it, and
 * at most {@link #MAX_CONNECTIONS} are held, the oldest dropped for a new one, so neither a
 * silent client nor a flood of them holds a thread or keeps a probe out. The answers are
 * computed on the serving thread, so they must be quick (a few fields, a few files of
 * {@code /proc}).
 */
public final class ProbeServer implements AutoCloseable {
    /** Connections the kernel queues: probes and scrapes are few and answered at once. */
    private static final int BACKLOG = 16;
    /** How long a connection may take to send its request: a probe sends it at once. */
    public static final Duration DEADLINE = Duration.ofSeconds(2);
    /** Connections held at once; past it the oldest is dropped (it has waited longest, a probe is new). */
    public static final int MAX_CONNECTIONS = 32;
    /** The most bytes of request (line and headers) read: a probe's is a few hundred. */
    private static final int MAX_REQUEST = 4096;
    /** What the probes' answers are. */
    public static final String PLAIN = "text/plain; charset=utf-8";

    private final ServerSocketChannel server;
    private final Selector selector;

    private ProbeServer(ServerSocketChannel server, Selector selector) {
        this.server = server;
        this.selector = selector;
    }

    /** What a path (without its query) is answered with; called on the serving thread. */
    @FunctionalInterface
    public interface Answers {
        Answer of(String path);
    }

    /** An HTTP answer: status, reason phrase, content type and body. */
    public record Answer(int status, String reason, String contentType, String body) {
        public static Answer ok(String body) {
            return new Answer(200, "OK", PLAIN, body);
        }

        public static Answer unavailable(String body) {
            return new Answer(503, "Service Unavailable", PLAIN, body);
        }

        public static Answer notFound() {
            return new Answer(404, "Not Found", PLAIN, "not found\n");
        }

        /** The whole response: the connection is closed after it, so the client reads to the end. */
        ByteBuffer bytes(boolean head) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String header = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + contentType + "\r\n"
                    + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n";
            ByteBuffer out = ByteBuffer.allocate(header.length() + (head ? 0 : b.length));
            out.put(header.getBytes(StandardCharsets.US_ASCII));
            if (!head) {
                out.put(b);
            }
            return out.flip();
        }
    }

    /**
     * Serves {@code port} on {@code address} (loopback when null) on a daemon thread named
     * {@code thread}; an {@link IOException} when the port cannot be bound.
     */
    public static ProbeServer start(InetAddress address, int port, String thread, Answers answers) throws IOException {
        ServerSocketChannel server = bind(address, port);
        Selector selector;
        try {
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            closeQuietly(server);
            throw e;
        }
        Thread t = new Thread(new Loop(server, selector, answers)::run, thread);
        t.setDaemon(true);
        t.start();
        return new ProbeServer(server, selector);
    }

    /**
     * Refuses, as {@link #start} would, a port nobody could listen on (another process listens
     * there): bound and let go at once, for {@code multi dryrun}.
     */
    public static void checkFree(InetAddress address, int port) throws IOException {
        closeQuietly(bind(address, port));
    }

    private static ServerSocketChannel bind(InetAddress address, int port) throws IOException {
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(address == null ? InetAddress.getLoopbackAddress() : address, port), BACKLOG);
            return server;
        } catch (IOException e) {
            closeQuietly(server);
            throw e;
        }
    }

    /** Stops listening; the serving thread, woken, ends. */
    @Override
    public void close() {
        closeQuietly(server);
        selector.wakeup();
    }

    /** One connection: what it sent so far, what is left to write, and when it is dropped. */
    private static final class Conn {
        final long deadline;
        final ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        ByteBuffer out;

        Conn(long deadline) {
            this.deadline = deadline;
        }
    }

    /** The serving thread: accepts, reads, answers and drops, never waiting on one client. */
    private record Loop(ServerSocketChannel server, Selector selector, Answers answers) {
        void run() {
            // in the order accepted, which is the order of their deadlines (all are DEADLINE long)
            ArrayDeque<SelectionKey> open = new ArrayDeque<>();
            while (server.isOpen()) {
                long now = System.nanoTime();
                while (!open.isEmpty() && ((Conn) open.peekFirst().attachment()).deadline - now <= 0) {
                    close(open.pollFirst());
                }
                long wait = open.isEmpty() ? 0
                        : Math.max(1, TimeUnit.NANOSECONDS.toMillis(((Conn) open.peekFirst().attachment()).deadline - now) + 1);
                try {
                    selector.select(wait);
                } catch (IOException e) {
                    return; // the selector is gone: nothing can be served; probes will say so
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    try {
                        if (!key.isValid()) {
                            open.remove(key);
                        } else if (key.isAcceptable()) {
                            accept(open);
                        } else if (serve(key)) {
                            open.remove(key);
                            close(key);
                        }
                    } catch (IOException | RuntimeException e) {
                        // a client that reset or sent garbage: it alone is dropped
                        open.remove(key);
                        close(key);
                    }
                }
            }
            open.forEach(Loop::close);
            closeQuietly(selector);
        }

        private void accept(ArrayDeque<SelectionKey> open) throws IOException {
            SocketChannel c;
            while ((c = server.accept()) != null) {
                if (open.size() >= MAX_CONNECTIONS) {
                    close(open.pollFirst());
                }
                c.configureBlocking(false);
                open.addLast(c.register(selector, SelectionKey.OP_READ, new Conn(System.nanoTime() + DEADLINE.toNanos())));
            }
        }

        /** Reads or writes what is ready; true once the connection is done with. */
        private boolean serve(SelectionKey key) throws IOException {
            SocketChannel c = (SocketChannel) key.channel();
            Conn conn = (Conn) key.attachment();
            if (conn.out == null) {
                if (c.read(conn.in) < 0) {
                    return true;
                }
                String request = new String(conn.in.array(), 0, conn.in.position(), StandardCharsets.ISO_8859_1);
                if (!request.contains("\r\n\r\n") && !request.contains("\n\n")) {
                    return !conn.in.hasRemaining(); // too long to be a probe
                }
                conn.out = respond(request.substring(0, request.indexOf('\n')).trim());
                key.interestOps(SelectionKey.OP_WRITE);
            }
            c.write(conn.out);
            return !conn.out.hasRemaining();
        }

        private ByteBuffer respond(String requestLine) {
            String[] parts = requestLine.split(" ");
            if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
                return new Answer(400, "Bad Request", PLAIN, "bad request\n").bytes(false);
            }
            int query = parts[1].indexOf('?');
            return answers.of(query < 0 ? parts[1] : parts[1].substring(0, query)).bytes(parts[0].equals("HEAD"));
        }

        private static void close(SelectionKey key) {
            key.cancel();
            closeQuietly(key.channel());
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            // closing a connection we are done with: nothing to tell anyone
        }
    }
}
