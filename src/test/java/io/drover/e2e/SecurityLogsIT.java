package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.multi.NodeLogs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 25, classes 4 and 5, end to end: the node's user ({@code nobody}) attacks what root's
 * {@code logs}, {@code status}, {@code stopwait} and {@code kill} read and remove in the node's
 * directories. Layout as {@link SecurityIT}'s: {@code D/run} and {@code D/log} owned by nobody,
 * {@code D/rootonly} (root, 0700) holding {@code x.log} and {@code node.pid} (root, 0600), the
 * secret nobody must never see printed nor see removed.
 *
 * <p>The racing tests print their counts ({@code -Ddrover.it.attack.attempts}, default 40 per
 * FIFO race; {@code -Ddrover.it.attack.exits}, default 10 per exit race). A command that does
 * not end within {@link #DEADLINE} is a violation: on the code before the fix, {@code logs} and
 * {@code status} hung on the first FIFO the attacker won.
 *
 * <p>The races run their commands side by side ({@link #WAVE} at a time; the three follows at
 * once; five exiting nodes at a time): each races the attacker on its own, as many races as one
 * after the other, in far less time (most of a command's time is a JVM starting, or an open
 * waiting out its bound).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SecurityLogsIT extends DroverTest {
    private static final String SECRET = "root's secret, mode 0600\n";
    /**
     * Commands per FIFO race: the old code hung in one command in 5 to 30 here, depending on the
     * load. Forty catch it in nearly every run and keep the suite's time; a hundred
     * ({@code -Ddrover.it.attack.attempts=100}) catch it all but always.
     */
    private static final int ATTEMPTS = Integer.getInteger("drover.it.attack.attempts", 40);
    /** How long one command may take here: far above the bound drover puts on an open (2 s). */
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** A heap far smaller than the logs read: only a bounded read fits. */
    /** A node name no other test starts: names are host-wide (issue 25, class 2). */
    private static final String NODE = "sec25logs";
    private static final Map<String, String> SMALL_HEAP = Map.of("DROVER_JAVA_OPTS", "-Xmx48m");
    /**
     * Commands of a FIFO race run at once. Each opens the file on its own and none ever writes the
     * FIFO, so one stuck open frees no other: the same races as one at a time.
     */
    private static final int WAVE = 4;

    private final List<Attacker> attackers = new ArrayList<>();
    private final List<Process> commands = new ArrayList<>();
    private Path run;
    private Path log;
    private Path rootonly;
    private int commandCount;

    @BeforeEach
    void layout() throws IOException {
        assertTrue(Drover.runningAsRoot(), "these tests attack root's drover as nobody: run them as root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        run = AttackFiles.givenToNobody(Files.createDirectory(dir.resolve("run")));
        log = AttackFiles.givenToNobody(Files.createDirectory(dir.resolve("log")));
        rootonly = Files.createDirectory(dir.resolve("rootonly"));
        Files.setPosixFilePermissions(rootonly, PosixFilePermissions.fromString("rwx------"));
        writeSecret(rootonly.resolve("x.log"));
        writeSecret(rootonly.resolve("node.pid"));
    }

    /** Runs before DroverTest's cleanup, which then kills whatever node is left. */
    @AfterEach
    void killTheAttackersAndCommands() {
        attackers.forEach(Attacker::close);
        commands.forEach(Process::destroyForcibly);
    }

    // ---- class 4: a FIFO swapped in between the look and the open -----------------------------

    @Test
    void a_fifo_swapped_in_for_a_logfile_never_hangs_logs() throws IOException {
        Path logfile = AttackFiles.givenToNobody(Files.writeString(log.resolve("w1.log"), "line 1\nline 2\n"));
        Attacker attacker = attack("fifo-logs", Attacker.FLIP_FIFO, log.toString(), "w1.log", "-");
        attacker.awaitLine("flipping");
        int[] read = new int[1];
        int[] notRegular = new int[1];
        int[] stuck = new int[1];
        List<String> violations = new ArrayList<>();
        int attempts = inWaves(violations, "logs w1", " (" + logfile + " was a FIFO when it was opened)",
                () -> command(Map.of(), "multi", "logs", "w1", "--logfile=" + log + "/%n%I.log"), logs -> {
                    read[0] += logs.stdout().contains("line 2") ? 1 : 0;
                    notRegular[0] += logs.stderr().contains("not a regular file") ? 1 : 0;
                    stuck[0] += logs.stderr().contains(OPEN_STUCK) ? 1 : 0;
                });
        System.out.println("FIFO swap, logs: " + attempts + " attempts, " + stuck[0] + " opens won by the FIFO (bounded), "
                + read[0] + " read the log, " + notRegular[0] + " saw a FIFO before opening");
        assertNoViolations(violations);
    }

    @Test
    void a_fifo_swapped_in_for_a_logfile_never_stops_logs_follow() throws IOException {
        AttackFiles.givenToNobody(Files.writeString(log.resolve("w1.log"), "line 1\n"));
        Attacker attacker = attack("fifo-follow", Attacker.FLIP_FIFO, log.toString(), "w1.log", "tick");
        attacker.awaitLine("flipping");
        // the old code opened the file again at every poll, 5 a second: 3 runs of 10 s are 150 races,
        // run side by side (each polls on its own)
        int followed = 3;
        int stuck = 0;
        List<String> violations = new ArrayList<>();
        long started = System.currentTimeMillis();
        List<Command> follows = new ArrayList<>();
        for (int i = 0; i < followed; i++) {
            follows.add(command(Map.of(), "multi", "logs", "-f", "-n", "0", "w1", "--logfile=" + log + "/%n%I.log"));
        }
        // following means still printing what is written 10 s later, after many polls
        long until = started + 10_000;
        for (int i = 0; i < followed; i++) {
            Command logs = follows.get(i);
            String run = "run " + (i + 1) + ": ";
            boolean live = logs.awaitOutput(DEADLINE, () -> lastTick(logs.stdout()) >= until);
            if (!live) {
                violations.add(run + "logs -f w1 printed no tick written after 10 s within " + DEADLINE.toSeconds()
                        + " s; its last: " + lastTick(logs.stdout()) + ", wanted >= " + until + "\n" + logs);
            }
        }
        for (int i = 0; i < followed; i++) {
            Command logs = follows.get(i);
            logs.process.destroy();
            if (!logs.awaitExit(DEADLINE)) {
                violations.add("run " + (i + 1) + ": logs -f w1 did not end within " + DEADLINE.toSeconds()
                        + " s of SIGTERM\n" + logs);
            }
            stuck += (int) logs.stderr().lines().filter(l -> l.contains(OPEN_STUCK)).count();
        }
        System.out.println("FIFO swap, logs -f: " + followed + " runs of 10 s at once, " + stuck + " opens won by the FIFO (bounded)");
        assertNoViolations(violations);
    }

    @Test
    void a_fifo_swapped_in_for_a_pidfile_never_hangs_status() throws IOException {
        AttackFiles.givenToNobody(Files.writeString(run.resolve("w1.pid"), "999999\n"));
        Attacker attacker = attack("fifo-status", Attacker.FLIP_FIFO, run.toString(), "w1.pid", "-");
        attacker.awaitLine("flipping");
        int[] stuck = new int[1];
        List<String> violations = new ArrayList<>();
        int attempts = inWaves(violations, "status w1", "",
                () -> command(Map.of(), "multi", "status", "w1", "--pidfile=" + run + "/%n.pid"),
                status -> stuck[0] += status.output().contains(OPEN_STUCK) ? 1 : 0);
        System.out.println("FIFO swap, status: " + attempts + " attempts, " + stuck[0] + " opens won by the FIFO (bounded)");
        assertNoViolations(violations);
    }

    // ---- class 4: a log without a newline -------------------------------------------------------

    /** A sparse GiB of NUL bytes: no newline, no disk. The old code read it whole (OutOfMemoryError). */
    @Test
    void a_gigabyte_log_without_a_newline_is_tailed_quickly_in_a_small_heap() throws IOException {
        Path logfile = log.resolve("w1.log");
        try (RandomAccessFile f = new RandomAccessFile(logfile.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        Command logs = command(SMALL_HEAP, "multi", "logs", "w1", "-n", "10", "--logfile=" + log + "/%n%I.log");
        assertTrue(logs.awaitExit(DEADLINE), () -> "logs of a 1 GiB line did not end within " + DEADLINE.toSeconds()
                + " s\n" + logs.summary());
        assertEquals(0, logs.exitCode(), logs::summary);
        List<String> lines = logs.stdout().lines().toList();
        assertEquals(1, lines.size(), () -> "one (cut) line, not " + lines.size() + "\n" + logs.summary());
        String line = lines.get(0);
        assertTrue(line.contains(NodeLogs.LINE_CUT), () -> "a cut line is marked\n" + logs.summary());
        assertTrue(line.length() <= NodeLogs.MAX_LINE_BYTES + 200, () -> "a line of " + line.length() + " chars");
    }

    @Test
    void a_log_growing_by_a_quarter_gigabyte_without_a_newline_is_followed_in_a_small_heap() throws IOException {
        Path logfile = Files.writeString(log.resolve("w1.log"), "first\n");
        Command logs = command(SMALL_HEAP, "multi", "logs", "-f", "-n", "1", "w1", "--logfile=" + log + "/%n%I.log");
        assertTrue(logs.awaitOutput(DEADLINE, () -> logs.stdout().contains("first")), () -> "logs -f printed no line\n"
                + logs.summary());
        try (RandomAccessFile f = new RandomAccessFile(logfile.toFile(), "rw")) {
            f.setLength(256L << 20);
            f.seek(f.length());
            f.write("\nafter\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(logs.awaitOutput(DEADLINE, () -> logs.stdout().contains("after")),
                () -> "logs -f did not go on past a 256 MiB line\n" + logs.summary());
        assertTrue(logs.stdout().contains(NodeLogs.LINE_CUT), () -> "a cut line is marked\n" + logs.summary());
    }

    // ---- class 5: a directory on the way is the node's user's ----------------------------------

    /**
     * nobody replaces its own {@code log/w1} and {@code run/w1} with symlinks to root's
     * directory: {@code logs}, {@code logs -f} and {@code status} never print what is there.
     */
    @Test
    void a_log_or_pid_directory_replaced_by_a_symlink_never_shows_a_root_file() throws IOException {
        Files.createSymbolicLink(log.resolve("w1"), rootonly);
        Files.createSymbolicLink(run.resolve("w1"), rootonly);
        String logfile = "--logfile=" + log + "/%n/x%I.log";
        String pidfile = "--pidfile=" + run + "/%n/node.pid";

        Command logs = command(Map.of(), "multi", "logs", "w1", logfile, pidfile);
        assertTrue(logs.awaitExit(DEADLINE), logs::toString);
        assertNoSecret("logs w1", logs);
        assertTrue(logs.stderr().contains("w1"), () -> "logs names the node whose log it did not read\n" + logs);

        Command follow = command(Map.of(), "multi", "logs", "-f", "w1", logfile, pidfile);
        assertTrue(follow.awaitOutput(DEADLINE, () -> !follow.output().isEmpty()), follow::toString);
        follow.process.destroy();
        assertTrue(follow.awaitExit(DEADLINE), follow::toString);
        assertNoSecret("logs -f w1", follow);

        Command status = command(Map.of(), "multi", "status", "w1", logfile, pidfile);
        assertTrue(status.awaitExit(DEADLINE), status::toString);
        assertNoSecret("status w1", status);
        assertTrue(Files.exists(rootonly.resolve("node.pid")), "status removed root's file");
    }

    /**
     * The moment a node ({@value #NODE}{@code 1} to {@code 5}, run as nobody,
     * {@code --pidfile=D/run/%n/node.pid}) has exited, nobody swaps {@code run/NODE} for a symlink
     * to root's directory, which holds a stale {@code node.pid}: root's {@code stopwait} and
     * {@code kill}, cleaning up after the node they saw die, must not unlink root's file. Five
     * nodes race at a time, started by one {@code multi start} and stopped by one command, each
     * with an attacker of its own: the same race per node for a third of the JVMs.
     */
    @Test
    void a_pid_directory_swapped_as_the_node_exits_never_loses_a_root_file_to_stopwait_or_kill() throws IOException {
        int attempts = Integer.getInteger("drover.it.attack.exits", 10);
        int atOnce = 5;
        String pidfile = "--pidfile=" + run + "/%n/node.pid";
        String logfile = "--logfile=" + log + "/%n%I.log";
        Path rootFile = rootonly.resolve("node.pid");
        List<String> violations = new ArrayList<>();
        for (String stop : List.of("stopwait", "kill")) {
            int swapped = 0;
            for (int first = 1; first <= attempts; first += atOnce) {
                List<String> nodes = new ArrayList<>();
                for (int n = first; n < first + atOnce && n <= attempts; n++) {
                    nodes.add(NODE + n);
                }
                String at = stop + " attempts " + first + "-" + (first + nodes.size() - 1) + ": ";
                List<String> startArgs = new ArrayList<>(nodes);
                startArgs.addAll(List.of("--uid", "nobody", pidfile, logfile));
                Drover.Result start = drover.multi("start", startArgs.toArray(String[]::new));
                assertEquals(0, start.exitCode(), start::toString);
                List<Long> pids = new ArrayList<>();
                List<Attacker> racing = new ArrayList<>();
                for (String node : nodes) {
                    long pid = Long.parseLong(Files.readString(run.resolve(node + "/node.pid")).trim());
                    pids.add(pid);
                    racing.add(attack("exit-" + stop + "-" + node, Attacker.SWAP_DIRECTORY_WHEN_GONE, run.toString(),
                            node, rootonly.toString(), Long.toString(pid)));
                }
                racing.forEach(a -> a.awaitLine("waiting"));
                List<String> stopArgs = new ArrayList<>(nodes);
                stopArgs.addAll(List.of(pidfile, logfile));
                Drover.Result stopped = drover.multi(stop, stopArgs.toArray(String[]::new));
                for (Attacker attacker : racing) {
                    Procs.waitUntil("the attacker to swap or miss", Procs.PATIENCE,
                            () -> attacker.count("swapped ") + attacker.count("missed ") > 0, attacker::toString);
                    swapped += (int) attacker.count("swapped ");
                }
                if (!Files.exists(rootFile, LinkOption.NOFOLLOW_LINKS)) {
                    violations.add(at + "root's " + rootFile + " was unlinked\n" + stopped);
                    writeSecret(rootFile);
                }
                pids.forEach(Procs::waitUntilGone);
                clearDirectory(run);
            }
            System.out.println("pid directory swapped at exit, " + stop + ": " + attempts + " attempts, " + swapped
                    + " swaps won");
        }
        assertNoViolations(violations);
    }

    /**
     * Runs {@link #ATTEMPTS} commands, {@link #WAVE} at a time, until one does not end within
     * {@link #DEADLINE} (a violation, with {@code why} added); hands each that ended to
     * {@code ended}. Returns the number of commands run.
     */
    private int inWaves(List<String> violations, String what, String why, Supplier<Command> next,
            Consumer<Command> ended) {
        int attempt = 0;
        while (attempt < ATTEMPTS && violations.isEmpty()) {
            List<Command> wave = new ArrayList<>();
            while (wave.size() < WAVE && attempt + wave.size() < ATTEMPTS) {
                wave.add(next.get());
            }
            for (Command c : wave) {
                attempt++;
                if (!c.awaitExit(DEADLINE)) {
                    violations.add("attempt " + attempt + ": " + what + " did not end within " + DEADLINE.toSeconds()
                            + " s" + why + "\n" + c);
                    continue;
                }
                ended.accept(c);
            }
        }
        return attempt;
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** What drover says of an open that did not return (the FIFO won the race). */
    private static final String OPEN_STUCK = "did not open within";

    private void assertNoSecret(String what, Command c) {
        assertFalse(c.output().contains("root's secret"), () -> what + " printed root's file\n" + c);
    }

    private static long lastTick(String stdout) {
        long last = -1;
        for (String line : stdout.lines().toList()) {
            int at = line.indexOf("tick ");
            if (at >= 0) {
                try {
                    last = Math.max(last, Long.parseLong(line.substring(at + 5).trim()));
                } catch (NumberFormatException e) {
                    // a line cut by a swap: not a tick
                }
            }
        }
        return last;
    }

    private static void assertNoViolations(List<String> violations) {
        assertTrue(violations.isEmpty(), () -> violations.size() + " violations:\n" + String.join("\n\n", violations));
    }

    private Attacker attack(String name, String script, String... args) {
        Attacker a = Attacker.start(dir.resolve(name + "-attacker.out"), script, args);
        attackers.add(a);
        return a;
    }

    /** One drover command, not waited for: its output goes to files in D (no pipe can block it). */
    private Command command(Map<String, String> env, String... args) {
        int n = ++commandCount;
        Path out = dir.resolve("cmd" + n + ".out");
        Path err = dir.resolve("cmd" + n + ".err");
        List<String> argv = new ArrayList<>(List.of(Drover.launcher().toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("DROVER_"));
        pb.environment().put("DROVER_STATE_DIR", dir.resolve(".state").toString());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            commands.add(p);
            return new Command(argv, p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        }
    }

    private record Command(List<String> argv, Process process, Path out, Path err) {
        boolean awaitExit(Duration deadline) {
            try {
                if (process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
            return false;
        }

        /** Waits until {@code condition} holds; false at the deadline or when the command ended first. */
        boolean awaitOutput(Duration deadline, java.util.function.BooleanSupplier condition) {
            long end = System.nanoTime() + deadline.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() >= end || !process.isAlive() && !condition.getAsBoolean()) {
                    return false;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        int exitCode() {
            return process.exitValue();
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        String output() {
            return stdout() + stderr();
        }

        /** The output with long lines shortened, for messages about a 64 KiB line. */
        String summary() {
            return "$ " + String.join(" ", argv) + "\n[" + (process.isAlive() ? "running" : "exit " + process.exitValue())
                    + "]\n--- stdout\n" + shorten(stdout()) + "--- stderr\n" + shorten(stderr()) + "---";
        }

        @Override
        public String toString() {
            return summary();
        }

        private static String shorten(String text) {
            StringBuilder b = new StringBuilder();
            text.lines().forEach(l -> b.append(l.length() > 300 ? l.substring(0, 300) + "... (" + l.length() + " chars)"
                    : l).append('\n'));
            return b.toString();
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static void writeSecret(Path file) throws IOException {
        Files.writeString(file, SECRET);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }


    /** Empties a directory; symlinks are removed, never followed. */
    private static void clearDirectory(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                AttackFiles.deleteTree(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
