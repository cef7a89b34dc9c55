package io.drover.launch;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.HeapDumps;
import io.drover.core.NodeProtocol;
import io.drover.core.Signals;
import io.drover.posix.Identity;
import io.drover.posix.Pidfile;
import io.drover.posix.PidfileState;
import io.drover.posix.Posix;
import io.drover.posix.ServiceManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The spawning side of a detached start ({@code multi start}, {@code worker --detach}), for the
 * {@link Launcher}: spawns
 * the node's JVM in a new session with a handshake pipe, then waits until the node says it is
 * ready, says why it is not, or dies. A node that says nothing within the start timeout is
 * killed, so no half-started node is left behind.
 */
final class Detacher {
    private Detacher() {}

    /** The most a failed node's captured output is read for its report: the end of a long trace is enough. */
    private static final int MAX_CAPTURED = 64 * 1024;
    /** How far back a failed node's log is read for its report. */
    private static final int LOG_TAIL = 4 * 1024;
    /** The lines of a failed node's output its report quotes: the error and what led to it. */
    private static final int REPORT_LINES = 3;
    /** The longest wait for a dead node's exit status after its pipe closed (see {@link #awaitExit}). */
    private static final Duration EXIT_STATUS_WAIT = Duration.ofSeconds(2);
    /** How often that wait looks. */
    private static final Duration EXIT_STATUS_POLL = Duration.ofMillis(5);

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drover-start-watchdog");
        t.setDaemon(true);
        return t;
    });

    /**
     * Starts {@code argv} detached and waits for its handshake ({@link Launcher#start} is the
     * one caller). With a {@code heartbeat}, the node writes {@code BEAT} lines on the handshake
     * pipe at that interval once ready, and the pipe's read end comes back in
     * {@link LaunchOutcome.Ready#channel} (supervise).
     *
     * <p>Before anything runs, the directories of the pidfile and the logfile are made safe
     * ({@link Posix#prepareDirectory}). A node that drops to another user ({@code owner}) opens
     * its logfile and pidfile itself once it is that user: root never opens a path in a
     * directory the user can write (docs/security.md, S2-S4); until the drop its output comes
     * back on a pipe, for the error report.
     *
     * @param pidfile the node's pidfile, or null
     * @param logfile the node's main-process logfile (its stdout and stderr), or null
     * @param owner the user the node will drop to, who must own the directories created for it;
     *     null to keep the caller's
     * @param heartbeat the heartbeat interval, or null for none
     * @param namespace the node's namespace, handed to it in {@link NodeProtocol#NAMESPACE_ENV}
     * @param envFile the variables of the node's {@code --env-file}, added to ours
     * @param up run when the node says {@code UP}: its own start-up is done, its application's
     *     begins (not run when it never says so)
     */
    static LaunchOutcome start(Posix posix, List<String> argv, String pidfile, String logfile, Integer umask,
                               String workdir, Duration timeout, Identity owner, Duration heartbeat,
                               io.drover.core.Namespace namespace, Map<String, String> envFile, Runnable up) {
        long logStart = 0;
        boolean capture = owner != null;
        // the heap dump directory its command line names: made here, looked in after a failed start
        String heapDumps = HeapDumps.dirIn(argv);
        try {
            // made here too: HotSpot does not make it, and the node, run as root or as a user in
            // a directory only root can write, could not
            for (String file : new String[] {pidfile, logfile, heapDumps == null ? null : HeapDumps.fileIn(heapDumps)}) {
                if (file != null) {
                    posix.prepareDirectory(Path.of(file), owner);
                }
            }
            if (logfile != null && !capture) {
                // Where this start's lines begin, for the report of a failure. Looked at, not
                // opened: the spawn opens the logfile, once, never through a symbolic link, and
                // refuses what it must not write (Posix#spawnDetached; docs/security.md, class 8).
                logStart = regularFileSize(Path.of(logfile));
            }
        } catch (DroverException e) {
            return new LaunchOutcome.Failed(e.exitCode(), e.getMessage());
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        // --env-file's variables, never drover's own (DROVER_*): a file cannot set the handshake's,
        // nor DROVER_FORCE_ROOT for the node's own root check
        envFile.forEach((k, v) -> {
            if (!k.startsWith("DROVER_")) {
                env.put(k, v);
            }
        });
        env.remove(NodeProtocol.FAKEFORK_ENV);
        env.remove(NodeProtocol.SUPERVISOR_ENV); // a node's own supervise is not the detached one
        // a detached node is not the service's main process: only its starter may notify
        env.remove(ServiceManager.SOCKET_ENV);
        env.put(NodeProtocol.HANDSHAKE_FD_ENV, Integer.toString(NodeProtocol.HANDSHAKE_FD));
        // the node keeps to the same deadline by itself, should we die before it is ready
        env.put(NodeProtocol.START_TIMEOUT_ENV, Long.toString(timeout.toMillis()));
        env.remove(NodeProtocol.HEARTBEAT_ENV);
        env.put(NodeProtocol.NAMESPACE_ENV, namespace.dir());
        if (heartbeat != null) {
            env.put(NodeProtocol.HEARTBEAT_ENV, Long.toString(heartbeat.toMillis()));
        }

        String key = newKey();
        Posix.Spawned spawned;
        try {
            spawned = posix.spawnDetached(argv, env, logfile, umask, workdir, capture, key);
        } catch (DroverException e) {
            return new LaunchOutcome.Failed(e.exitCode(), e.getMessage());
        }
        // The node is the process we spawned: its pid is ours to know, never a line's to say
        // (the application inherits the pipe; docs/security.md, class 1).
        long pid = spawned.pid();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            timedOut.set(true);
            posix.kill(pid, Signals.KILL);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        HandshakeReader handshake = new HandshakeReader(posix, spawned.handshakeFd(), key);
        String message;
        boolean keep = false;
        try {
            message = handshake.next();
            if (NodeProtocol.UP.equals(message)) {
                up.run();
                message = handshake.next();
            }
            keep = heartbeat != null && NodeProtocol.READY.equals(message);
        } finally {
            watchdog.cancel(false);
            if (!keep) {
                handshake.close();
            }
        }
        LaunchOutcome outcome = message == null ? null : parse(message, pid, pidfile);
        if (outcome instanceof LaunchOutcome.Ready ready && keep) {
            closeOutput(posix, spawned);
            return new LaunchOutcome.Ready(ready.pid(), handshake);
        }
        if (outcome instanceof LaunchOutcome.Ready || outcome instanceof LaunchOutcome.AlreadyRunning) {
            closeOutput(posix, spawned);
            return outcome;
        }
        if (keep) {
            handshake.close();
        }
        if (NodeProtocol.READY.equals(message)) {
            // ready, but not the holder of its pidfile: no command could find it, so it is
            // ended with its whole process group, a session of its own since the spawn (our
            // child is not yet reaped: neither its pid nor its group can be another's)
            posix.kill(-pid, Signals.KILL);
        }
        Integer status = awaitExit(posix, pid);
        String tail = capture ? captured(posix, spawned, status != null) : tail(logfile, logStart);
        if (pidfile != null && status != null) {
            // a node killed before it was ready could not remove its pidfile: a failed start
            // leaves nothing behind (a live holder, another node that won a race, is left alone)
            Pidfile.removeIfStale(Path.of(pidfile), Pidfile.NodeCheck.ANY);
        }
        if (outcome != null) {
            return outcome;
        }
        if (timedOut.get()) {
            return new LaunchOutcome.Failed(ExitCode.TEMPFAIL, "did not report ready within " + timeout.toSeconds()
                    + " s (--start-timeout); killed pid " + pid + tail);
        }
        // out of heap in its start-up: the dump it left is named, as supervise and status name it
        String oom = status != null && status == HeapDumps.EXIT_STATUS ? HeapDumpFiles.dumped(heapDumps, pid) : null;
        return new LaunchOutcome.Failed(ExitCode.NODE_FAILED, "exited"
                + (status == null ? "" : " with status " + status) + " before it was ready"
                + (oom == null ? "" : " (" + oom + ")") + tail);
    }

    /** A new handshake key: {@value NodeProtocol#KEY_LENGTH} hex digits from the kernel's random pool. */
    private static String newKey() {
        byte[] bytes = new byte[NodeProtocol.KEY_LENGTH / 2];
        try (java.io.FileInputStream random = new java.io.FileInputStream("/dev/urandom")) {
            if (random.readNBytes(bytes, 0, bytes.length) != bytes.length) {
                throw new IOException("short read from /dev/urandom");
            }
        } catch (IOException e) {
            new java.security.SecureRandom().nextBytes(bytes);
        }
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static void closeOutput(Posix posix, Posix.Spawned spawned) {
        if (spawned.outputFd() >= 0) {
            posix.close(spawned.outputFd());
        }
    }

    /**
     * What a node that never reached its own logfile printed, read from its output pipe once it
     * is gone (then the pipe is at end-of-file, so the read cannot hang).
     */
    private static String captured(Posix posix, Posix.Spawned spawned, boolean exited) {
        if (spawned.outputFd() < 0) {
            return "";
        }
        try {
            if (!exited) {
                return "";
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while (out.size() < MAX_CAPTURED && (n = posix.read(spawned.outputFd(), buf)) > 0) {
                out.write(buf, 0, n);
            }
            String text = summary(out.toString(StandardCharsets.UTF_8));
            return text.isEmpty() ? "" : ": " + text;
        } finally {
            closeOutput(posix, spawned);
        }
    }

    /**
     * What the node's message says became of it. Pids come from the spawn and the pidfile's lock,
     * never from the message: {@code pid} is the spawned process's, which a READY node must hold
     * its pidfile as (or, under an {@code --executable} wrapper that runs the JVM without
     * {@code exec}, that process's child); RUNNING names the pidfile's verified holder.
     */
    private static LaunchOutcome parse(String message, long pid, String pidfile) {
        String[] parts = message.split(" ", 3);
        try {
            switch (parts[0]) {
                case NodeProtocol.READY:
                    long node = pidfile == null ? pid : holder(pid, pidfile);
                    if (node < 0) {
                        return new LaunchOutcome.Failed(ExitCode.NODE_FAILED, String.format(NOT_THE_HOLDER, pid, pidfile));
                    }
                    return new LaunchOutcome.Ready(node);
                case NodeProtocol.RUNNING:
                    if (pidfile != null && Pidfile.inspect(Path.of(pidfile)) instanceof PidfileState.Running r) {
                        return new LaunchOutcome.AlreadyRunning(r.pid());
                    }
                    return new LaunchOutcome.Failed(ExitCode.NODE_FAILED, "found its pidfile " + pidfile
                            + " held by another process, which is gone now: start it again");
                case NodeProtocol.FAILED:
                    String[] text = NodeProtocol.failure(parts.length > 2 ? parts[2] : "failed");
                    return new LaunchOutcome.Failed(Integer.parseInt(parts[1]), text[0], text[1]);
                default:
                    return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A ready node that is not its pidfile's holder: the spawned pid, the pidfile. */
    static final String NOT_THE_HOLDER = "reported ready, but pid %d (or a child of it) does not hold its pidfile %s;"
            + " killed it and its process group";

    /**
     * The node's pid: the holder of {@code pidfile} in the kernel's lock table when that is
     * {@code pid} or a child of it; -1 otherwise.
     */
    private static long holder(long pid, String pidfile) {
        try {
            if (Pidfile.inspect(Path.of(pidfile)) instanceof PidfileState.Running r
                    && (r.pid() == pid || io.drover.posix.ProcessTable.parent(r.pid()).orElse(-1L) == pid)) {
                return r.pid();
            }
        } catch (DroverException e) {
            // unreadable: nothing shows the node holds it
        }
        return -1;
    }

    /**
     * The pipe closes as the child exits, a moment before the kernel makes it reapable: wait that
     * moment for its status (bounded; only taken on the failure path).
     */
    private static Integer awaitExit(Posix posix, long pid) {
        long deadline = System.nanoTime() + EXIT_STATUS_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Integer status = posix.reap(pid);
            if (status != null) {
                return status;
            }
            try {
                Thread.sleep(EXIT_STATUS_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** The size of the regular file at {@code path} (not followed if a symbolic link), else 0. */
    private static long regularFileSize(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? a.size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The last lines the node wrote to its log during this start, stack frames left out: usually
     * the error. Read only from a regular file and never through a symbolic link: the spawn made
     * the logfile the caller's, and nobody else can replace it (docs/security.md, class 8).
     */
    private static String tail(String logfile, long from) {
        if (logfile == null) {
            return "";
        }
        Path path = Path.of(logfile);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return "";
        }
        try (SeekableByteChannel f = Files.newByteChannel(path, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            long length = f.size();
            long start = Math.max(from, length - LOG_TAIL);
            if (length <= start) {
                return "; nothing in its log " + logfile;
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) (length - start));
            f.position(start);
            while (bytes.hasRemaining() && f.read(bytes) > 0) {
                // a short read only when the file shrank meanwhile: what came is enough
            }
            return ": " + summary(new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8)) + " (log: "
                    + logfile + ")";
        } catch (IOException e) {
            return "";
        }
    }

    /** The last {@value #REPORT_LINES} lines of {@code text}, stack frames left out: usually the error. */
    private static String summary(String text) {
        Deque<String> last = new ArrayDeque<>();
        for (String l : text.split("\n")) {
            // stack frames say where, the lines around them say what: keep the what
            if (!l.isBlank() && !l.strip().startsWith("at ") && !l.strip().startsWith("...")) {
                last.addLast(l.strip());
                if (last.size() > REPORT_LINES) {
                    last.removeFirst();
                }
            }
        }
        return String.join(" | ", last);
    }
}
