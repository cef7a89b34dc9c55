package io.drover.node;

import io.drover.api.NodeApp;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
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
 * {@code --health-port}: the node answers {@code GET /ready} and {@code GET /live} over HTTP,
 * cheap enough for a Kubernetes probe every few seconds. {@code /ready} is 503 until the
 * application reported ready, 200 while it runs, 503 again while it restarts in place or shuts
 * down. {@code /live} is 200 while the node's {@link Heartbeat} beats: it asks the application
 * {@link NodeApp#alive()} every third of {@code --health-timeout}, and 503 once no answer came
 * for longer than that (a hung application, a deadlocked or stopped JVM). Configured by the
 * node's {@link NodeConfig}; served on loopback unless {@code --health-address} says otherwise.
 *
 * <p>One thread and a selector, not the JDK's HttpServer (issue 27): that server reads a
 * request on its executor's thread with no deadline of its own, so one client that sent half a
 * request held the only thread and every probe after it went unanswered; its deadlines
 * ({@code sun.net.httpserver.maxReqTime}) are JVM-wide system properties, in seconds, checked by
 * a one-second timer, and would change the application's own servers too. Here no read ever
 * blocks: each connection has {@link #DEADLINE} to send its request and is closed after it, and
 * at most {@link #MAX_CONNECTIONS} are held, the oldest dropped for a new one, so neither a
 * silent client nor a flood of them holds a thread or keeps a probe out. The two answers are
 * computed from two fields, so one thread serves them all at once.
 */
final class Health {
    /** Connections the kernel queues for the health port: probes are few and answered at once. */
    private static final int BACKLOG = 16;
    /** How long a connection may take to send its request: a probe sends it at once. */
    static final Duration DEADLINE = Duration.ofSeconds(2);
    /** Connections held at once; past it the oldest is dropped (it has waited longest, a probe is new). */
    static final int MAX_CONNECTIONS = 32;
    /** The most bytes of request (line and headers) read: a probe's is a few hundred. */
    private static final int MAX_REQUEST = 4096;

    private volatile boolean ready;

    private Health() {}

    /**
     * Serves {@code port} on {@code address} (loopback when null), {@code /live} failing once
     * {@code heartbeat} has had no answer for {@code timeout}; the node cannot start if the port
     * cannot be bound.
     */
    static Health start(InetAddress address, int port, Duration timeout, Heartbeat heartbeat) {
        ServerSocketChannel server = bind(address, port);
        Selector selector;
        try {
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            closeQuietly(server);
            throw cannotListen(address, port, e);
        }
        Health health = new Health();
        long timeoutNanos = timeout.toNanos();
        Answers answers = path -> switch (path) {
            case "/ready" -> health.ready ? Answer.ok("ready\n") : Answer.unavailable("not ready\n");
            case "/live" -> {
                long silent = System.nanoTime() - heartbeat.lastAlive();
                yield silent <= timeoutNanos ? Answer.ok("live\n") : Answer.unavailable("heartbeat stalled for "
                        + TimeUnit.NANOSECONDS.toMillis(silent) + " ms\n");
            }
            default -> new Answer(404, "Not Found", "not found\n");
        };
        Thread t = new Thread(new Loop(server, selector, answers)::run, "drover-health");
        t.setDaemon(true);
        t.start();
        return health;
    }

    /** The health port bound, or the node's failure (69) naming it. */
    private static ServerSocketChannel bind(InetAddress address, int port) {
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(address == null ? InetAddress.getLoopbackAddress() : address, port), BACKLOG);
            return server;
        } catch (IOException e) {
            closeQuietly(server);
            throw cannotListen(address, port, e);
        }
    }

    private static DroverException cannotListen(InetAddress address, int port, IOException e) {
        return new DroverException(ExitCode.UNAVAILABLE, "--health-port " + port
                + (address == null ? "" : " on " + address.getHostAddress()) + ": cannot listen: " + e.getMessage());
    }

    /**
     * Refuses, as {@link #start} would, a port the node could not listen on (another process
     * listens there): bound and let go at once, for {@code multi dryrun}.
     */
    static void checkFree(InetAddress address, int port) {
        closeQuietly(bind(address, port));
    }

    /** The node reported ready (true), or is restarting or stopping (false). */
    void ready(boolean now) {
        ready = now;
    }

    /** What a path is answered with. */
    interface Answers {
        Answer of(String path);
    }

    record Answer(int status, String reason, String body) {
        static Answer ok(String body) {
            return new Answer(200, "OK", body);
        }

        static Answer unavailable(String body) {
            return new Answer(503, "Service Unavailable", body);
        }

        /** The whole response: the connection is closed after it, so the client reads to the end. */
        ByteBuffer bytes(boolean head) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String header = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n";
            ByteBuffer out = ByteBuffer.allocate(header.length() + (head ? 0 : b.length));
            out.put(header.getBytes(StandardCharsets.US_ASCII));
            if (!head) {
                out.put(b);
            }
            return out.flip();
        }
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
                return new Answer(400, "Bad Request", "bad request\n").bytes(false);
            }
            int query = parts[1].indexOf('?');
            return answers.of(query < 0 ? parts[1] : parts[1].substring(0, query)).bytes(parts[0].equals("HEAD"));
        }

        private static void close(SelectionKey key) {
            key.cancel();
            closeQuietly(key.channel());
        }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            // closing a connection we are done with: nothing to tell anyone
        }
    }
}
