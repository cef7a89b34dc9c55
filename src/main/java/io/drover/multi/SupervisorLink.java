package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.registry.NodeRegistry;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The operator's side of supervise's control socket ({@link ControlServer}): how {@code stop},
 * {@code kill}, {@code restart}, {@code start} and {@code status} reach a node a supervise
 * watches. The node's lock in the registry ({@code NODENAME.supervise}) holds the pid of the
 * supervise that took it; that supervise's socket is {@code supervise.PID.sock} beside it. A
 * socket nobody listens on (a supervise killed with -9) is no supervisor, and neither is one
 * that does not know the node.
 *
 * <p>The protocol: one request line, {@code VERB NODENAME [ARG]}, one answer line.
 * <ul>
 * <li>{@code view NODE}: {@code ok STATE PID RESTARTS NEXT_MS BYREQUEST}, the keeper's state,
 *     the node's pid (-1: none), restarts within {@code --within}, milliseconds to the next try
 *     (-1: none due), whether the operator stopped it;
 * <li>{@code signal NODE NUMBER}: the operator's stop with that signal (KILL too): {@code ok
 *     PID}, the pid signalled (-1: nothing ran; the node stays down either way);
 * <li>{@code start NODE}: {@code ok PID} once the node is up and ready, or {@code failed
 *     REASON};
 * <li>{@code forget NODE}: {@code ok} once supervise no longer watches the node, or {@code
 *     error WORDS} (it runs: stop it first);
 * <li>{@code add WORDS} (the detached supervisor's alone, {@link DetachedSupervisor}): a command
 *     line's node arguments as shell words: {@code ok NODENAME...} once their keepers run, or
 *     {@code error WORDS};
 * <li>{@code await NODE}: {@code ok PID} once the node's first start (or the start an add
 *     asked) is over and it runs, or {@code failed REASON};
 * <li>any: {@code unknown} (not a node of this supervise) or {@code error WORDS}.
 * </ul>
 */
final class SupervisorLink {
    /** How long an answer may take, but a start's. */
    static final Duration ANSWER = Duration.ofSeconds(5);
    /** How long status waits for a view, which supervise answers at once. */
    static final Duration VIEW = Duration.ofSeconds(1);
    /** The supervise processes that did not answer a view in this command: not asked again. */
    private static final java.util.Set<Long> SILENT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** What a start's answer may take beyond the node's start timeout. */
    static final Duration START_MARGIN = Duration.ofSeconds(10);

    private final Path socket;
    private final long pid;

    private SupervisorLink(Path socket, long pid) {
        this.socket = socket;
        this.pid = pid;
    }

    /** The supervise process on the other end. */
    long pid() {
        return pid;
    }

    /** The link to the supervise that last locked {@code nodename} in {@code registry}, or null when none has a socket. */
    static SupervisorLink of(NodeRegistry registry, String nodename) {
        Path lock = registry.supervisionLockFile(nodename);
        if (!Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
            return null; // never supervised here (and never a FIFO to block on)
        }
        ByteBuffer buf = ByteBuffer.allocate(24);
        try (SeekableByteChannel ch = Files.newByteChannel(lock, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.read(buf);
        } catch (IOException e) {
            return null; // never supervised here
        }
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
        Path socket = registry.controlSocket(pid);
        return pid > 0 && Files.exists(socket, LinkOption.NOFOLLOW_LINKS) ? new SupervisorLink(socket, pid) : null;
    }

    /** The link to supervise {@code pid} of {@code registry}, or null when it has no socket there. */
    static SupervisorLink ofPid(NodeRegistry registry, long pid) {
        Path socket = registry.controlSocket(pid);
        return pid > 0 && Files.exists(socket, LinkOption.NOFOLLOW_LINKS) ? new SupervisorLink(socket, pid) : null;
    }

    /**
     * What the supervise says of the node, for status: null when it does not watch it; {@code
     * no_answer} when it did not answer within {@link #VIEW} (stopped, wedged), and then it is
     * not asked again by this command, so a status of many nodes is not held up node by node.
     */
    NodeEvent.Supervision status(String nodename) {
        if (SILENT.contains(pid)) {
            return new NodeEvent.Supervision(pid, "no_answer", 0, null, false);
        }
        Supervision v;
        try {
            v = view(nodename, VIEW);
        } catch (DroverException e) {
            SILENT.add(pid);
            return new NodeEvent.Supervision(pid, "no_answer", 0, null, false);
        }
        if (v == null) {
            return null;
        }
        String state = switch (v.state()) {
            case RUNNING -> "supervised";
            case STARTING -> "starting";
            case STOPPING_TO_RESTART -> "restarting";
            case STARTING_TO_STOP, STOPPING -> "stopping";
            case BACKOFF -> "backoff";
            case GAVE_UP -> "gave_up";
            case STOPPED -> "stopped";
        };
        return new NodeEvent.Supervision(pid, state, v.restarts(), v.nextTry(), v.byRequest());
    }

    /** What the supervise says of the node: null when it does not watch it, or did not answer. */
    Supervision view(String nodename) {
        return view(nodename, ANSWER);
    }

    private Supervision view(String nodename, Duration deadline) {
        String a = ask("view " + nodename, deadline);
        if (a == null || !a.startsWith("ok ")) {
            return null;
        }
        String[] f = a.split(" ");
        try {
            long next = Long.parseLong(f[4]);
            return new Supervision(pid, KeeperState.valueOf(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
                    next < 0 ? null : Duration.ofMillis(next), Boolean.parseBoolean(f[5]));
        } catch (RuntimeException e) {
            return null; // another version's answer: as if none
        }
    }

    /**
     * The operator's stop: the pid signalled (-1: none ran), or null when this supervise does
     * not watch the node (the caller signals it itself).
     */
    Long signal(String nodename, int signal) {
        String a = ask("signal " + nodename + " " + signal, ANSWER);
        if (a == null || a.equals("unknown")) {
            return null;
        }
        if (!a.startsWith("ok ")) {
            throw new DroverException(ExitCode.NODE_FAILED, "supervise (pid " + pid + ") answered: " + io.drover.core.Printable.of(a));
        }
        return Long.parseLong(a.substring(3).trim());
    }

    /**
     * The operator's forget: supervise stops watching the node (it does not run); false when
     * this supervise does not watch it.
     */
    boolean forget(String nodename) {
        String a = ask("forget " + nodename, ANSWER);
        if (a == null || a.equals("unknown")) {
            return false;
        }
        if (!a.equals("ok")) {
            throw new DroverException(ExitCode.NODE_FAILED, a.startsWith("error ") ? a.substring(6)
                    : "supervise (pid " + pid + ") answered: " + io.drover.core.Printable.of(a));
        }
        return true;
    }

    /** The operator's start: the node's pid once ready; null when this supervise does not watch it. */
    Long start(String nodename, Duration startTimeout) {
        String a = ask("start " + nodename, startTimeout.plus(START_MARGIN));
        if (a == null || a.equals("unknown")) {
            return null;
        }
        if (a.startsWith("ok ")) {
            return Long.parseLong(a.substring(3).trim());
        }
        throw new DroverException(ExitCode.NODE_FAILED, a.startsWith("failed ") ? a.substring(7)
                : "supervise (pid " + pid + ") answered: " + io.drover.core.Printable.of(a));
    }

    /**
     * One request, one answer line, within {@code deadline}; null when nobody listens (a stale
     * socket). No answer in time is an error: a supervise that took the request may act on it.
     */
    String ask(String request, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
            c.configureBlocking(false);
            try {
                if (!c.connect(UnixDomainSocketAddress.of(socket))) {
                    c.register(selector, SelectionKey.OP_CONNECT);
                    while (!c.finishConnect()) {
                        await(selector, end, request);
                    }
                }
            } catch (IOException e) {
                return null; // refused: no supervise listens there any more
            }
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                c.write(out);
            }
            c.register(selector, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(ControlServer.MAX_LINE);
            while (true) {
                if (c.read(in) < 0 || !in.hasRemaining()) {
                    break;
                }
                for (int i = 0; i < in.position(); i++) {
                    if (in.get(i) == '\n') {
                        return new String(in.array(), 0, i, StandardCharsets.UTF_8);
                    }
                }
                await(selector, end, request);
            }
            throw new DroverException(ExitCode.NODE_FAILED, "supervise (pid " + pid + ") closed its control socket "
                    + socket + " without an answer to '" + request + "'");
        } catch (IOException e) {
            throw new DroverException(ExitCode.NODE_FAILED, "cannot ask supervise (pid " + pid + ") through "
                    + socket + ": " + io.drover.core.OsErrors.reason(e));
        }
    }

    private void await(Selector selector, long end, String request) throws IOException {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new DroverException(ExitCode.NODE_FAILED, "supervise (pid " + pid + ") did not answer '" + request
                    + "' in time through " + socket);
        }
        selector.select(left);
        selector.selectedKeys().clear();
    }

    /** What a supervise says of a node it watches. */
    record Supervision(long supervisor, KeeperState state, long pid, int restarts, Duration nextTry, boolean byRequest) {}
}
