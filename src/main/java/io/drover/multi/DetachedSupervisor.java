package io.drover.multi;

import io.drover.core.AtomicFile;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.Install;
import io.drover.core.NodeProtocol;
import io.drover.core.OsErrors;
import io.drover.core.ProcEntry;
import io.drover.core.ShellWords;
import io.drover.posix.Posix;
import io.drover.registry.NodeRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code multi supervise --detach}: one supervise per registry (namespace), running in a
 * session of its own, that the CLI finds through {@code supervisor.pid} in the registry's
 * directory and talks to through its control socket ({@link SupervisorLink}).
 *
 * <p>The CLI either spawns it ({@link #spawn}: {@code drover multi supervise ARGS} with
 * {@link #MARKER_ENV} set, by the same spawn that detaches a node) or, when one already runs,
 * hands it the new nodes' arguments ({@link #add}: the request {@code add WORDS}, the command
 * line's tokens joined as shell words, which it expands with its own grammar). Either way the
 * CLI then asks {@code await NODE} of each node: the answer comes once the node's first start
 * is over, {@code ok PID} or {@code failed REASON}. Concurrent {@code --detach} commands of one
 * registry take turns on {@code supervisor.lock}, so two never spawn two supervisors.
 */
public final class DetachedSupervisor {
    private DetachedSupervisor() {}

    /** Set (to 1) in the environment of the supervise the CLI spawns: it writes {@link #PIDFILE}. */
    public static final String MARKER_ENV = NodeProtocol.SUPERVISOR_ENV;
    /** The detached supervisor's pid, in the registry's directory; removed as it exits. */
    public static final String PIDFILE = "supervisor.pid";
    /** Its log's name in the registry's directory when {@code --supervisor-log} is not given. */
    public static final String LOG = "supervisor.log";
    private static final String TURNS = "supervisor.lock";
    /** How long a freshly spawned supervisor has to answer on its socket, beyond its nodes' checks. */
    static final Duration LISTENING = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);

    /**
     * The JVM options of a detached supervisor: {@code bin/drover}'s for {@code multi supervise}
     * (its "daemon" line, which DetachedSupervisorFlagsTest holds to this list). It was spawned
     * as a node is, with a node's flags: both JIT tiers and a young generation of the JVM's
     * default size, for a process that idles for days beside its nodes.
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=5",
            "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmn2m");

    /** Whether this process is the supervisor a {@code --detach} spawned. */
    public static boolean isDetached() {
        return "1".equals(System.getenv(MARKER_ENV));
    }

    public static Path pidfile(Path registryDir) {
        return registryDir.resolve(PIDFILE);
    }

    /**
     * Waits for this registry's turn: held while the CLI finds or spawns the supervisor and
     * hands it nodes. Closing the channel ends the turn.
     */
    public static FileChannel turn(Path registryDir) {
        Path file = new NodeRegistry(registryDir).supervisorFile(TURNS);
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            ch.lock();
            return ch;
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot lock " + file + ": " + OsErrors.reason(e));
        }
    }

    /**
     * What a start checks before anything runs (root's rules and {@code DROVER_FORCE_ROOT}, the
     * user, the files), here in the caller, so a refusal is {@code start}'s line and exit code
     * and no supervisor is spawned for nothing.
     */
    public static void checkStart(Host host, List<NodeSpec> nodes) {
        Cluster cluster = new Cluster(Posix::get, new ClusterListener() {
            @Override
            public void phase(String title, List<NodeSpec> n) {}

            @Override
            public void node(NodeSpec node, NodeEvent event) {}

            @Override
            public void waiting(List<NodeSpec> remaining) {}
        }, host);
        Snapshot snapshot = cluster.snapshot();
        nodes.forEach(n -> cluster.handle(snapshot, n, true).checkStart());
    }

    /** The pid of the detached supervisor of this registry that answers on its socket, if one does. */
    public static Optional<Long> running(Path registryDir) {
        String text;
        try {
            text = Files.readString(pidfile(registryDir), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(text);
            return answers(registryDir, pid) ? Optional.of(pid) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // not one of ours
        }
    }

    /** Whether supervise {@code pid} listens on its socket (a nodename it does not know is answered too). */
    private static boolean answers(Path registryDir, long pid) {
        SupervisorLink link = SupervisorLink.ofPid(new NodeRegistry(registryDir), pid);
        return link != null && link.ask("view -", SupervisorLink.ANSWER) != null;
    }

    /**
     * Spawns {@code drover multi supervise ARGS} in a session of its own (stdin /dev/null, its
     * output appended to {@code log}), with this JVM and drover's class path, and the JVM options
     * {@code bin/drover} gives a foreground supervise ({@link #JVM_OPTIONS}, the command's archive);
     * and waits until it listens on its socket.
     *
     * @return its pid
     * @throws DroverException when it could not be run, or died before it listened (its log's last lines)
     */
    public static long spawn(Posix posix, Path registryDir, List<String> args, Path log) {
        List<String> command = new ArrayList<>(List.of("multi", "supervise"));
        command.addAll(args);
        List<String> argv = new ArrayList<>();
        argv.add(Install.java());
        argv.addAll(JVM_OPTIONS);
        argv.addAll(Install.supervisorArchiveOptions());
        argv.addAll(Install.nativeOptions());
        argv.add("-cp");
        argv.add(Install.classpath());
        argv.add(Install.MAIN_CLASS);
        argv.addAll(command);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(MARKER_ENV, "1");
        // a supervisor under a unit's NOTIFY_SOCKET is not the unit's main process
        env.remove(io.drover.posix.ServiceManager.SOCKET_ENV);
        posix.prepareDirectory(log, null);
        Posix.Spawned spawned = posix.spawnDetached(argv, env, log.toString(), null, null, false, "supervisor");
        // no handshake: it says it is up by answering on its socket
        posix.close(spawned.handshakeFd());
        long pid = spawned.pid();
        long deadline = System.nanoTime() + LISTENING.toNanos();
        while (!answers(registryDir, pid)) {
            if (dead(pid)) {
                throw new DroverException(ExitCode.NODE_FAILED, "the supervisor (pid " + pid + ") exited: "
                        + tail(log));
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new DroverException(ExitCode.NODE_FAILED, "the supervisor (pid " + pid + ") did not listen on "
                        + new NodeRegistry(registryDir).controlSocket(pid) + " within " + LISTENING.toSeconds()
                        + " s (it runs on; see " + log + ")");
            }
            sleep();
        }
        return pid;
    }

    /** Gone, or a zombie nobody reaped (this machine's PID 1 does not). */
    private static boolean dead(long pid) {
        return ProcEntry.Stat.of(pid).map(ProcEntry.Stat::dead).orElse(true);
    }

    /** The last lines of the supervisor's log, for its failure. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "see " + log;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DroverException(ExitCode.NODE_FAILED, "interrupted");
        }
    }

    /**
     * Hands the running supervisor {@code pid} more nodes, given as on a command line: it
     * expands them with its own grammar (its supervise options stay), takes their locks and
     * starts (or adopts) them.
     *
     * @return the nodenames it now watches of those given
     */
    public static List<String> add(Path registryDir, long pid, List<String> args) {
        SupervisorLink link = SupervisorLink.ofPid(new NodeRegistry(registryDir), pid);
        String a = link == null ? null : link.ask("add " + ShellWords.join(args), SupervisorLink.ANSWER);
        if (a == null) {
            throw new DroverException(ExitCode.NODE_FAILED, "the supervisor (pid " + pid + ") went away");
        }
        if (!a.startsWith("ok")) {
            String words = a.startsWith("error ") ? a.substring(6) : a;
            throw new DroverException(ExitCode.NODE_FAILED, "the supervisor (pid " + pid + ") refused the nodes: " + words);
        }
        return List.of(a.substring(2).trim().split(" "));
    }

    /**
     * Waits for the first start of {@code nodename} under the supervisor {@code pid}: the
     * node's pid once it is ready; a failure names why.
     */
    public static long await(Path registryDir, long pid, String nodename, Duration startTimeout, Path log) {
        SupervisorLink link = SupervisorLink.ofPid(new NodeRegistry(registryDir), pid);
        String a;
        try {
            a = link == null ? null : link.ask("await " + nodename, startTimeout.plus(SupervisorLink.START_MARGIN));
        } catch (DroverException e) {
            a = null; // it closed the socket without an answer: it died, or it says why below
            if (!dead(pid)) {
                throw e;
            }
        }
        if (a == null) {
            throw new DroverException(ExitCode.NODE_FAILED, "the supervisor (pid " + pid + ") "
                    + (dead(pid) ? "exited: " + tail(log) : "went away"));
        }
        if (a.startsWith("ok ")) {
            return Long.parseLong(a.substring(3).trim());
        }
        throw new DroverException(ExitCode.NODE_FAILED, a.startsWith("failed ") ? a.substring(7)
                : "the supervisor (pid " + pid + ") answered: " + a);
    }

    /** The supervisor's side: its pid in {@link #PIDFILE}, written whole or not at all. */
    static void writePidfile(Path registryDir) {
        Path file = new NodeRegistry(registryDir).supervisorFile(PIDFILE);
        try {
            AtomicFile.write(file, (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII),
                    PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot write " + file + ": " + OsErrors.reason(e));
        }
    }

    /** Removes {@link #PIDFILE} as the supervisor exits, when it still names this process. */
    static void removePidfile(Path registryDir) {
        Path file = pidfile(registryDir);
        try {
            if (Files.readString(file, StandardCharsets.US_ASCII).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.delete(file);
            }
        } catch (IOException e) {
            // gone already, or never ours
        }
    }
}
