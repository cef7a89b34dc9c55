package io.drover.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the built launcher ({@code target/drover/bin/drover}, from failsafe's {@code drover.dist})
 * as a user would, for one test's temporary directory {@code D}: pidfiles {@code D/%n.pid},
 * logfiles {@code D/%n%I.log}. {@link #cleanup} SIGKILLs whatever the test left behind.
 */
public final class Drover {
    /** How long one drover command may take before the test calls it hung. */
    public static final Duration COMMAND_DEADLINE = Duration.ofSeconds(90);

    private static final Pattern PIDFILE_CONTENT = Pattern.compile("(\\d+)\n");

    private final Path dir;
    private final List<Process> children = new ArrayList<>();
    private final Set<Long> tracked = new TreeSet<>();

    public Drover(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** The result of one drover command. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        /** Everything the command printed, for "names X" checks that do not care which stream. */
        public String output() {
            return stdout + stderr;
        }

        /** The lines of stdout about one node ({@code "> NODENAME: ..."}). */
        public List<String> linesFor(String nodename) {
            return stdout.lines().filter(l -> l.contains("> " + nodename + ":")).toList();
        }

        /** The single line of stdout about one node; fails unless there is exactly one. */
        public String lineFor(String nodename) {
            List<String> lines = linesFor(nodename);
            if (lines.size() != 1) {
                throw new AssertionError("expected one line for " + nodename + ", got " + lines + "\n" + this);
            }
            return lines.get(0);
        }

        @Override
        public String toString() {
            return "$ " + String.join(" ", argv) + "\n[exit " + exitCode + "]\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr + "---";
        }
    }

    public static Path launcher() {
        String dist = System.getProperty("drover.dist");
        if (dist == null || dist.isEmpty()) {
            throw new IllegalStateException("system property drover.dist is not set: run through failsafe (mvn verify)");
        }
        Path bin = Path.of(dist, "bin", "drover");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException(bin + " is not executable: run mvn package first");
        }
        return bin;
    }

    /** The absolute path of {@code target/test-classes}, where the fixture applications are. */
    public static String testClasses() {
        try {
            return Path.of(io.drover.fixtures.MainClassApp.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()).toAbsolutePath().toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This host's name as the kernel has it: the {@code HOST} in {@code drover1@HOST}. */
    public static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean runningAsRoot() {
        return io.drover.core.Host.isEffectiveRoot();
    }

    public Path dir() {
        return dir;
    }

    public String pidfileOption() {
        return "--pidfile=" + dir + "/%n.pid";
    }

    public String logfileOption() {
        return "--logfile=" + dir + "/%n%I.log";
    }

    /** {@code D/NAME.pid}. */
    public Path pidfile(String name) {
        return dir.resolve(name + ".pid");
    }

    /** {@code D/NAME.log}: the main process's log ({@code %I} is empty there). */
    public Path logfile(String name) {
        return dir.resolve(name + ".log");
    }

    /** The pid in a pidfile; fails unless its content is exactly {@code PID\n}. */
    public long pid(String name) {
        String content = read(pidfile(name));
        Matcher m = PIDFILE_CONTENT.matcher(content);
        if (!m.matches()) {
            throw new AssertionError(pidfile(name) + " holds '" + content.replace("\n", "\\n") + "', not 'PID\\n'");
        }
        return Long.parseLong(m.group(1));
    }

    /** The log of a node, or "" while it does not exist. */
    public String log(String name) {
        Path log = logfile(name);
        return Files.exists(log) ? read(log) : "";
    }

    /** The pidfiles in D. */
    public List<Path> pidfiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".pid")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file in D but the test's node registry, for "created nothing" checks. */
    public List<String> files() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".state")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Live processes whose command line mentions D: every node and drover command of this test. */
    public Set<Long> processes() {
        return Procs.pidsWithCmdlineContaining(dir + "/");
    }

    /**
     * {@code drover multi SUBCOMMAND ARGS... --pidfile=D/%n.pid --logfile=D/%n%I.log}; either
     * option is left out when ARGS give their own.
     */
    public Result multi(String subcommand, String... args) {
        return multi(Map.of(), subcommand, args);
    }

    /** {@link #multi(String, String...)} with extra environment. */
    public Result multi(Map<String, String> env, String subcommand, String... args) {
        List<String> argv = new ArrayList<>(List.of("multi", subcommand));
        argv.addAll(Arrays.asList(args));
        if (Arrays.stream(args).noneMatch(a -> a.startsWith("--pidfile"))) {
            argv.add(pidfileOption());
        }
        if (Arrays.stream(args).noneMatch(a -> a.startsWith("--logfile") || a.equals("-f"))) {
            argv.add(logfileOption());
        }
        return run(env, argv);
    }

    /** {@code drover ARGS...}. */
    public Result run(String... args) {
        return run(Map.of(), List.of(args));
    }

    /**
     * Runs the launcher and waits for it at most {@link #COMMAND_DEADLINE}. The environment is
     * this JVM's without drover's own switches, plus {@code env}.
     */
    public Result run(Map<String, String> env, List<String> args) {
        Process process = start(env, args, ProcessBuilder.Redirect.PIPE);
        List<String> argv = command(args);
        StreamCollector out = new StreamCollector(process.getInputStream(), "stdout");
        StreamCollector err = new StreamCollector(process.getErrorStream(), "stderr");
        try {
            if (!process.waitFor(COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("hung for " + COMMAND_DEADLINE.toSeconds() + " s: "
                        + new Result(argv, -1, out.text(), err.text()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while running " + argv, e);
        }
        return new Result(argv, process.exitValue(), out.text(), err.text());
    }

    /**
     * Starts the launcher without waiting (a node in the foreground); its output goes to
     * {@code D/NAME.out}. The process is killed in {@link #cleanup}.
     */
    public Process spawn(Map<String, String> env, String outputName, String... args) {
        return start(env, List.of(args), ProcessBuilder.Redirect.appendTo(dir.resolve(outputName + ".out").toFile()));
    }

    private Process start(Map<String, String> env, List<String> args, ProcessBuilder.Redirect output) {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        Map<String, String> environment = pb.environment();
        environment.remove("DROVER_FORCE_ROOT");
        environment.remove("DROVER_FAKEFORK");
        environment.remove("DROVER_HANDSHAKE_FD");
        environment.remove("DROVER_JAVA_OPTS");
        // each test's own node registry, so no test sees another's records
        environment.put("DROVER_STATE_DIR", dir.resolve(".state").toString());
        environment.putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(output);
        pb.redirectError(output);
        try {
            Process p = pb.start();
            synchronized (this) {
                children.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + pb.command(), e);
        }
    }

    private static List<String> command(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(launcher().toString());
        argv.addAll(args);
        return argv;
    }

    /** Starts a process that is not drover (an unrelated program); killed in {@link #cleanup}. */
    public Process startOther(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            synchronized (this) {
                children.add(p);
                tracked.add(p.pid());
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + List.of(command), e);
        }
    }

    /**
     * SIGKILLs every process of this test: the pids in pidfiles under D, every process whose
     * command line mentions D, and the processes started through this object; then waits until
     * they are gone. A pidfile's pid is killed only when the process is one of those: a stale
     * pid may by now belong to anybody (pid_max is 32768 here).
     *
     * @return the pids that had to be killed, for the test's report
     */
    public Set<Long> cleanup() {
        Set<Long> mine = new TreeSet<>(processes());
        synchronized (this) {
            mine.addAll(tracked);
            children.forEach(p -> mine.add(p.pid()));
        }
        Set<Long> victims = new TreeSet<>(mine);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".pid") && Files.isRegularFile(f)).toList()) {
                String content;
                try {
                    content = read(p);
                } catch (UncheckedIOException e) {
                    continue; // removed meanwhile
                }
                Matcher m = Pattern.compile("\\s*(\\d{1,9})\\s*").matcher(content);
                if (m.matches()) {
                    long pid = Long.parseLong(m.group(1));
                    if (mine.contains(pid) || Procs.cmdline(pid).contains(dir + "/")) {
                        victims.add(pid);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // D is gone or unreadable: the /proc scan above still found the processes
        }
        victims.remove(ProcessHandle.current().pid());
        Set<Long> killed = new TreeSet<>();
        for (long pid : victims) {
            if (Procs.alive(pid)) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    if (h.destroyForcibly()) {
                        killed.add(pid);
                    }
                });
            }
        }
        synchronized (this) {
            children.forEach(Process::destroyForcibly);
        }
        Procs.waitUntil("the test's processes to be gone after SIGKILL", Procs.PATIENCE,
                () -> Procs.living(victims).isEmpty() && processes().isEmpty(),
                () -> "alive: " + Procs.living(victims) + " " + processes());
        return killed;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a stream to its end on a thread of its own, so neither pipe can fill up and block drover. */
    private static final class StreamCollector {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        StreamCollector(InputStream in, String name) {
            thread = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        synchronized (bytes) {
                            bytes.write(buf, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the process is gone; keep what arrived
                }
            }, "drover-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        /** What arrived; waits a bounded time for the end of the stream. */
        String text() {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
