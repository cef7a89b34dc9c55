package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One test's temp directory and everything the test starts in it: commands run with a deadline,
 * background processes, polling with deadlines, and {@link #close} SIGKILLs every process whose
 * command line mentions the directory. PID 1 on these machines does not reap orphans, so a
 * process counts as gone once /proc/PID/stat is missing or says Z (zombie).
 */
final class Sandbox implements AutoCloseable {
    /** A command or a condition that takes longer than this is hung, not slow. */
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(20);

    final Path dir;
    private final List<Process> background = new ArrayList<>();
    private int ioCount;

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Sandbox(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** The built distribution, target/drover: failsafe passes its path as drover.dist. */
    static Path dist() {
        String prop = System.getProperty("drover.dist");
        assertNotNull(prop, "system property drover.dist (set by failsafe) is missing");
        Path dist = Path.of(prop).toAbsolutePath();
        assertTrue(Files.isExecutable(dist.resolve("bin/drover")), dist + "/bin/drover: run mvn package first");
        return dist;
    }

    /**
     * Where a unit's or a pod's sandbox does not see the host's files: PrivateTmp= gives the unit a
     * /tmp and /var/tmp of its own, ProtectHome= hides the homes, and KubernetesPodIT mounts a
     * tmpfs at /tmp. A checkout under one of them (a CI clone in /tmp, a developer's in /home)
     * would leave the units nothing to run.
     */
    private static final List<String> HIDDEN_FROM_UNITS = List.of("/tmp/", "/var/tmp/", "/home/", "/root/", "/run/user/");

    static boolean hiddenFromUnits(Path path) {
        String p = path.toAbsolutePath().normalize() + "/";
        return HIDDEN_FROM_UNITS.stream().anyMatch(p::startsWith);
    }

    private static Path unitsBase;
    private static Path unitDist;

    /**
     * A directory for what a test's units and pods must see: target/it-units, or, where the
     * checkout is hidden from them, a directory of root's in /opt, removed when the tests end.
     */
    static synchronized Path unitsBase() throws IOException {
        if (unitsBase == null) {
            Path target = dist().getParent();
            if (hiddenFromUnits(target)) {
                // not /var/lib: KubernetesPodIT's pod mounts a tmpfs there when /var/lib/drover is missing
                Path base = Files.createTempDirectory(Path.of(Files.isDirectory(Path.of("/opt")) ? "/opt" : "/"), "drover-it-");
                Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        new ProcessBuilder("rm", "-rf", "--one-file-system", base.toString()).inheritIO().start().waitFor();
                    } catch (IOException | InterruptedException e) {
                        // a directory left in /var/lib: nothing a later run depends on
                    }
                }, "it-units-cleanup"));
                unitsBase = base;
            } else {
                unitsBase = Files.createDirectories(target.resolve("it-units"));
            }
        }
        return unitsBase;
    }

    /**
     * The distribution as the units and pods of a test run it: {@link #dist} itself, or, where the
     * checkout is hidden from them, a copy of it (modes kept) in {@link #unitsBase}.
     */
    static synchronized Path unitDist() throws IOException {
        Path dist = dist();
        if (!hiddenFromUnits(dist)) {
            return dist;
        }
        if (unitDist == null) {
            unitDist = copyForUnits(dist, "drover");
        }
        return unitDist;
    }

    private static String unitTestClasses;

    /** target/test-classes (the fixture applications) as the units see it: {@link #unitDist}'s rule. */
    static synchronized String unitTestClasses() {
        Path classes = Path.of(testClasses());
        if (!hiddenFromUnits(classes)) {
            return classes.toString();
        }
        if (unitTestClasses == null) {
            try {
                unitTestClasses = copyForUnits(classes, "test-classes").toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return unitTestClasses;
    }

    private static Path copyForUnits(Path from, String name) throws IOException {
        Path copy = unitsBase().resolve(name);
        try {
            Process cp = new ProcessBuilder("cp", "-a", from.toString(), copy.toString()).inheritIO().start();
            assertTrue(cp.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS) && cp.exitValue() == 0, "cp -a " + from + " " + copy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return copy;
    }

    static String javaHome() {
        return Path.of(System.getProperty("java.home")).toAbsolutePath().toString();
    }

    static boolean isRoot() {
        return io.drover.core.Host.isEffectiveRoot();
    }

    /** A program's absolute path, looked up in the usual directories (root's and others' PATH differ). */
    static Optional<Path> program(String name) {
        return Stream.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/lib/systemd")
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    static Path requireProgram(String name, String debianPackage) {
        return program(name).orElseGet(() -> fail(name + " is missing: apt-get install " + debianPackage
                + " (.ci/install-test-tools installs it)"));
    }

    // ---- running commands

    /**
     * Runs a command to completion within {@link #DEADLINE}, stdin /dev/null, output to files.
     *
     * @param env the complete environment when {@code clean}, else changes to this JVM's
     */
    Result run(List<String> command, Map<String, String> env, boolean clean) {
        return run(command, env, clean, DEADLINE);
    }

    /** {@link #run(List, Map, boolean)} for a command that may take longer than {@link #DEADLINE}: a scenario. */
    Result run(List<String> command, Map<String, String> env, boolean clean, Duration deadline) {
        try {
            Path io = dir.resolve("io").resolve(String.valueOf(ioCount++));
            Files.createDirectories(io);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(io.resolve("out").toFile())
                    .redirectError(io.resolve("err").toFile());
            if (clean) {
                pb.environment().clear();
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(deadline.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                fail(command + " did not finish within " + deadline.toSeconds() + " s");
            }
            return new Result(p.exitValue(), Files.readString(io.resolve("out")), Files.readString(io.resolve("err")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Result run(String... command) {
        return run(List.of(command), Map.of("JAVA_HOME", javaHome()), false);
    }

    /** Runs a command and fails the test unless it exits 0. */
    Result ok(String... command) {
        Result r = run(command);
        if (r.code() != 0) {
            fail(String.join(" ", command) + " failed: " + r);
        }
        return r;
    }

    /** Starts a long-running command; {@link #close} kills it if it is still there. */
    Process spawn(List<String> command, Map<String, String> env, boolean clean, Path output) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            if (clean) {
                pb.environment().clear();
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            background.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- waiting

    /** Polls until {@code condition} gives a non-null value, or fails naming what and {@code detail}. */
    static <T> T await(String what, Duration deadline, Supplier<T> condition, Supplier<String> detail) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            T value = condition.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() > end) {
                fail("timed out after " + deadline.toMillis() + " ms waiting for " + what + "\n" + detail.get());
            }
            try {
                Thread.sleep(POLL.toMillis()); // the poll interval of a deadline-bounded wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static <T> T await(String what, Supplier<T> condition, Supplier<String> detail) {
        return await(what, DEADLINE, condition, detail);
    }

    // ---- processes

    /** Gone: /proc/PID/stat is missing or the process is a zombie nobody reaps. */
    static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+")[0];
            return state.equals("Z") || state.equals("X");
        } catch (IOException e) {
            return true;
        }
    }

    static boolean alive(long pid) {
        return !gone(pid);
    }

    static void awaitGone(long pid, Duration deadline) {
        await("pid " + pid + " to be gone", deadline, () -> gone(pid), () -> cmdline(pid));
    }

    static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    static long parentOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+")[1]);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The real uid of a process, from /proc/PID/status. */
    static int uidOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** SIGKILL, for a process that is not our child too (ProcessHandle signals any pid). */
    static void kill9(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Sends a signal by name with kill(1). */
    static void signal(long pid, String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** target/test-classes, where the fixture applications are. */
    static String testClasses() {
        return io.drover.e2e.Drover.testClasses();
    }

    static void term(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }

    /** The pid in a pidfile, or null while there is none (or it is being written). */
    static Long pidIn(Path pidfile) {
        try {
            String text = Files.readString(pidfile).trim();
            return text.isEmpty() ? null : Long.valueOf(text);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Waits for a pidfile naming a live process, other than {@code not} if given. */
    static long awaitPidfile(Path pidfile, Long not, Supplier<String> detail) {
        return await("pidfile " + pidfile + " naming a live process" + (not == null ? "" : " other than " + not),
                () -> {
                    Long pid = pidIn(pidfile);
                    return pid != null && !pid.equals(not) && alive(pid) ? pid : null;
                }, detail);
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pids of every process whose command line mentions this sandbox's directory. */
    List<Long> processesMentioningDir() {
        String needle = dir.toString();
        long self = ProcessHandle.current().pid();
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::valueOf).filter(pid -> pid != self)
                    .filter(pid -> !gone(pid) && cmdline(pid).contains(needle))
                    .forEach(pids::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** SIGKILLs what this test left behind and waits until it is gone. Safe to call twice. */
    @Override
    public void close() {
        for (Process p : background) {
            p.destroyForcibly();
        }
        List<Long> left = processesMentioningDir();
        left.forEach(Sandbox::kill9);
        for (Process p : background) {
            try {
                p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        left.forEach(pid -> awaitGone(pid, Duration.ofSeconds(10)));
    }
}
