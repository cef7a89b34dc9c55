package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Issue 25, classes 8 and 10, end to end: root's drover and the nodes it keeps as root open
 * their files in directories other users can write, and load native code; {@code nobody}
 * attacks both with a real process ({@link Attacker}).
 *
 * <p>Class 8. {@code D/shared} (root, mode 1777) stands in for {@code /tmp}: every user may
 * create names there, and only a name's owner may remove or rename it. With
 * {@code fs.protected_symlinks=0} (set for each test, the old value put back after), the kernel
 * no longer refuses root a symbolic link another user made there: drover itself must. A root
 * node (no {@code --uid}: the demo application) logs into {@code D/shared}, beat keeps its
 * schedule there, and {@code D/rootonly/secret} (root, 0600) must never change.
 *
 * <p>Class 10. jffi, under jnr-posix, loads a stub library; asked to, it must come from the
 * installation's {@code lib/}, never from a copy written into {@code java.io.tmpdir} or, when
 * that is unusable, into the working directory, which may be the node user's.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@Isolated // sets fs.protected_symlinks and fs.protected_hardlinks for the host
class SecurityFilesIT extends DroverTest {
    private static final Path PROTECTED_SYMLINKS = Path.of("/proc/sys/fs/protected_symlinks");
    private static final Path PROTECTED_HARDLINKS = Path.of("/proc/sys/fs/protected_hardlinks");
    private static final int ROUNDS = Integer.getInteger("drover.it.attack.attempts", 30);

    private final List<Attacker> attackers = new ArrayList<>();
    private final Map<Path, String> sysctlsToRestore = new HashMap<>();
    private Path shared;
    private Path rootrun;
    private Path rootonly;
    private Path secret;

    @BeforeEach
    void layout() throws IOException {
        assertTrue(Drover.runningAsRoot(), "these tests attack root's drover as nobody: run them as root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        // the sticky bit, which PosixFilePermissions cannot say
        run("chmod", "1777", shared.toString());
        rootrun = Files.createDirectory(dir.resolve("rootrun"));
        rootonly = Files.createDirectory(dir.resolve("rootonly"));
        Files.setPosixFilePermissions(rootonly, PosixFilePermissions.fromString("rwx------"));
        secret = rootonly.resolve("secret");
        Files.writeString(secret, AttackFiles.SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    /** Runs before DroverTest's cleanup, which then kills whatever node is left. */
    @AfterEach
    void restore() throws IOException {
        attackers.forEach(Attacker::close);
        for (Map.Entry<Path, String> e : sysctlsToRestore.entrySet()) {
            Files.writeString(e.getKey(), e.getValue());
        }
    }

    // ---- class 8: a root node's logfile ---------------------------------------------------

    @Test
    void a_symlink_at_a_root_nodes_logfile_in_a_sticky_directory_is_refused_and_the_root_file_is_unchanged() {
        unprotectSymlinks();
        nobody("symlink", Attacker.SYMLINK, shared.resolve("files8a.log").toString(), secret.toString());

        Drover.Result start = startAsRoot("files8a");

        assertSecretUnchanged("after start files8a as root\n" + start);
        assertRefusedNamingTheLogfile(start, "files8a", "symbolic link");
    }

    @Test
    void a_dangling_symlink_at_a_root_nodes_logfile_never_creates_the_file_it_points_to() {
        unprotectSymlinks();
        Path created = rootonly.resolve("created");
        nobody("dangling", Attacker.SYMLINK, shared.resolve("files8b.log").toString(), created.toString());

        Drover.Result start = startAsRoot("files8b");

        assertFalse(Files.exists(created, LinkOption.NOFOLLOW_LINKS), () -> "root created " + created
                + " through nobody's symlink\n" + start);
        assertRefusedNamingTheLogfile(start, "files8b", "symbolic link");
    }

    @Test
    void another_users_file_at_a_root_nodes_logfile_gets_none_of_its_lines() throws IOException {
        Path planted = shared.resolve("files8c.log");
        nobody("planted", Attacker.PLANT_FILE, planted.toString(), "nobody's\n");

        Drover.Result start = startAsRoot("files8c");

        assertEquals("nobody's\n", Files.readString(planted), () -> "root's node wrote into nobody's file\n" + start);
        assertRefusedNamingTheLogfile(start, "files8c", "belongs to uid");
    }

    @Test
    void a_hard_link_to_a_root_file_at_a_root_nodes_logfile_leaves_that_file_unchanged() throws IOException {
        unprotect(PROTECTED_HARDLINKS);
        // a root file nobody can reach by name (D is 0755), but not read or write
        Path reachable = dir.resolve("root-file");
        Files.writeString(reachable, AttackFiles.SECRET);
        Files.setPosixFilePermissions(reachable, PosixFilePermissions.fromString("rw-------"));
        Attacker.runOnce(dir.resolve("hardlink.out"), Attacker.HARD_LINK, reachable.toString(),
                shared.resolve("files8d.log").toString());

        Drover.Result start = startAsRoot("files8d");

        assertEquals(AttackFiles.SECRET, Files.readString(reachable), () -> "root's node wrote into " + reachable
                + " through nobody's hard link\n" + start);
        assertRefusedNamingTheLogfile(start, "files8d", "hard link");
    }

    /** A node run in the foreground as root (by hand, systemd, supervisord) opens its logfile itself. */
    /**
     * Issue 30: a node's own rotation renames and creates files by name beside its logfile. In a
     * sticky directory nobody can put a link at every name it would use; logback's compressor
     * writes the {@code .gz} through such a link. A root node asked to rotate there does not
     * start (77), and nothing reaches the secret.
     */
    @Test
    void a_root_node_rotating_in_a_sticky_directory_is_refused_and_a_planted_link_reaches_no_root_file() {
        unprotectSymlinks();
        for (String suffix : List.of(".1", ".1.gz", ".1.gz.tmp", ".2.gz")) {
            nobody("rotation" + suffix, Attacker.SYMLINK, shared.resolve("files8r.log" + suffix).toString(), secret.toString());
        }

        Drover.Result start = drover.multi("start", "files8r", "--pidfile=" + rootrun + "/%n.pid",
                "--logfile=" + shared + "/%n.log", "--log-max-size=1K", "--log-keep=2", "-l", "DEBUG");

        assertSecretUnchanged("after start files8r as root with --log-max-size\n" + start);
        assertEquals(77, start.exitCode(), start::toString);
        assertTrue(start.output().contains("cannot rotate " + shared + "/files8r.log as root"), start::toString);
        Set<Long> left = Procs.pidsWithCmdlineContaining("-n files8r@");
        left.retainAll(drover.processes());
        assertEquals(Set.of(), left, () -> "a refused start left files8r running\n" + start);
    }

    @Test
    void a_root_node_in_the_foreground_refuses_a_symlink_at_its_logfile() {
        unprotectSymlinks();
        Path logfile = shared.resolve("files8e.log");
        nobody("symlink", Attacker.SYMLINK, logfile.toString(), secret.toString());

        Process worker = drover.spawn(Map.of(), "files8e", "worker", "-n", "files8e@%h",
                "--pidfile=" + rootrun + "/%n.pid", "--logfile=" + logfile);
        Procs.waitUntil("the foreground worker to exit, or the secret to change", Procs.PATIENCE,
                () -> !worker.isAlive() || secretChange() != null);
        String out = read(dir.resolve("files8e.out"));

        assertSecretUnchanged("after worker --logfile=" + logfile + " as root:\n" + out);
        assertFalse(worker.isAlive(), () -> "the worker runs, logging through nobody's symlink:\n" + out);
        assertEquals(73, worker.exitValue(), out);
        assertTrue(out.lines().anyMatch(l -> l.contains(logfile.toString()) && l.contains("symbolic link")),
                () -> "no line names " + logfile + " as a symbolic link:\n" + out);
    }

    /**
     * A character device is root's to make and its open never blocks: {@code --logfile=/dev/null}
     * throws a detached node's output away and {@code /dev/stderr} sends a foreground node's to
     * its supervisor's log (a container, a unit), as before class 8's rule.
     */
    @Test
    void a_node_logs_to_dev_null_detached_and_to_dev_stderr_in_the_foreground() {
        Drover.Result start = drover.multi("start", "files8n", "--pidfile=" + rootrun + "/%n.pid", "--logfile=/dev/null");
        assertEquals(0, start.exitCode(), start::toString);
        assertEquals(0, drover.multi("stopwait", "files8n", "--pidfile=" + rootrun + "/%n.pid").exitCode());

        Process worker = drover.spawn(Map.of(), "files8s", "worker", "-n", "files8s@%h",
                "--pidfile=" + rootrun + "/%n.pid", "--logfile=/dev/stderr");
        Path pidfile = rootrun.resolve("files8s.pid");
        Procs.waitUntil("the foreground worker's pidfile, or its exit", Procs.PATIENCE,
                () -> !worker.isAlive() || Files.exists(pidfile));
        String out = read(dir.resolve("files8s.out"));
        assertTrue(worker.isAlive(), () -> "worker --logfile=/dev/stderr exited:\n" + out);
        Procs.waitUntil("the worker's log lines on its stderr", Procs.PATIENCE,
                () -> read(dir.resolve("files8s.out")).contains("files8s@"));
        Procs.signal(worker.pid(), "TERM");
        Procs.waitUntil("the worker gone", Procs.PATIENCE, () -> !worker.isAlive());
    }

    // ---- class 8: beat's schedule ---------------------------------------------------------

    /**
     * The names beat used for its schedule in {@code D/shared}: the file, its lock, and the
     * temporary file each write went through before ({@code .NAME.tmp}).
     */
    @Test
    void symlinks_at_beats_schedule_lock_and_temporary_names_never_reach_root_files() throws IOException {
        unprotectSymlinks();
        Path schedule = shared.resolve("files8.schedule");
        Path created = rootonly.resolve("created");
        nobody("temp", Attacker.SYMLINK, shared.resolve(".files8.schedule.tmp").toString(), secret.toString());
        nobody("lock", Attacker.SYMLINK, shared.resolve("files8.schedule.lock").toString(), created.toString());

        Drover.Result beat = beatAsRoot(schedule);
        String log = read(rootrun.resolve("beat.log"));

        assertSecretUnchanged("after beat --schedule=" + schedule + " as root\n" + beat + "\n" + log);
        assertFalse(Files.exists(created, LinkOption.NOFOLLOW_LINKS), () -> "root created " + created
                + " through nobody's symlink at the schedule's lock\n" + beat);
        assertNotEquals(0, beat.exitCode(), () -> "beat started with a symlink as its lock\n" + beat);
        assertTrue(beat.output().contains(schedule + ".lock") && beat.output().contains("symbolic link"),
                () -> "no line names the schedule's lock as a symbolic link\n" + beat);

        // without the lock's symlink beat runs, writing its schedule beside the temporary name's link
        Files.delete(shared.resolve("files8.schedule.lock"));
        Drover.Result again = beatAsRoot(schedule);
        assertEquals(0, again.exitCode(), again::toString);
        Procs.waitUntil("beat to write its schedule", Procs.PATIENCE, () -> Files.isRegularFile(schedule,
                LinkOption.NOFOLLOW_LINKS));
        assertSecretUnchanged("while beat runs\n" + again);
        assertEquals("root", owner(schedule));
    }

    /**
     * Racing: while a root beat writes its schedule every second, nobody re-plants a symlink to
     * the secret at the schedule's old temporary name the moment it is free, and tries to swap
     * every new file in the directory (the temporary schedules) for one. Rounds of beat's writes,
     * counted by its log lines; the secret never changes.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void racing_symlinks_into_beats_schedule_writes_never_reach_a_root_file() throws IOException {
        unprotectSymlinks();
        Path schedule = shared.resolve("files8r.schedule");
        Attacker attacker = attack("race", Attacker.REPLANT_AND_SWAP, shared.toString(), secret.toString(),
                ".files8r.schedule.tmp");
        attacker.awaitLine("watching");

        Drover.Result beat = beatAsRoot(schedule);
        assertEquals(0, beat.exitCode(), beat::toString);
        Path log = rootrun.resolve("beat.log");
        int writes = Math.max(5, ROUNDS / 3);
        List<String> violations = new ArrayList<>();
        Procs.waitUntil(writes + " of beat's schedule writes, or a change to the secret", Duration.ofSeconds(writes * 4L + 60),
                () -> {
                    if (secretChange() != null) {
                        return true;
                    }
                    return read(log).lines().filter(l -> l.contains("sending due job")).count() >= writes;
                });
        String changed = secretChange();
        if (changed != null) {
            violations.add(changed);
        }
        Drover.Result stop = drover.multi("stopwait", "beat", "--pidfile=" + rootrun + "/%n.pid");
        assertEquals(0, stop.exitCode(), stop::toString);
        long ticks = read(log).lines().filter(l -> l.contains("sending due job")).count();
        System.out.println("class 8 beat race: " + ticks + " schedule writes, " + attacker.count("planted ")
                + " symlinks planted at the old temporary name, " + attacker.count("created ") + " new files seen, "
                + attacker.count("swapped ") + " swaps won, " + violations.size() + " violations");
        assertEquals(List.of(), violations, () -> "beat wrote through nobody's symlink\n" + read(log));
        assertEquals(0, attacker.count("swapped "), attacker::toString);
    }

    // ---- class 10: native code only from the installation ----------------------------------

    /**
     * root's {@code multi start} and {@code stopwait}, and the node (which, with {@code --uid},
     * loads jnr as root to drop privileges), run with {@code java.io.tmpdir} unusable and in a
     * working directory nobody owns, where nobody swaps every {@code jffi*.so} that appears for
     * its own library (a constructor that would create {@code D/rootonly/pwned} as root). Nothing
     * appears there; the node maps jffi's stub from the installation's {@code lib/jni}.
     */
    @Test
    void jffis_stub_is_loaded_from_the_installation_never_from_a_directory_nobody_can_write() throws IOException {
        Path workdir = AttackFiles.ownedByNobody(dir.resolve("nobodys"));
        Path run = AttackFiles.ownedByNobody(dir.resolve("run"));
        Path logs = AttackFiles.ownedByNobody(dir.resolve("log"));
        Path unusable = dir.resolve("no-such-tmpdir");
        Path marker = rootonly.resolve("pwned");
        Path payload = payload(marker);
        Attacker attacker = attack("jffi", Attacker.SWAP_JFFI_STUB, workdir.toString(), payload.toString());
        attacker.awaitLine("watching");
        Map<String, String> env = Map.of("DROVER_JAVA_OPTS", "-Djava.io.tmpdir=" + unusable);
        String[] options = {"--uid", "nobody", "--workdir=" + workdir, "--jvm-opts=-Djava.io.tmpdir=" + unusable,
            "--pidfile=" + run + "/%n.pid", "--logfile=" + logs + "/%n.log"};

        Drover.Result start = runIn(workdir, env, concat(new String[] {"multi", "start", "files10"}, options));
        assertEquals(0, start.exitCode(), start::toString);
        long node = Long.parseLong(Files.readString(run.resolve("files10.pid")).trim());
        List<String> jffi = mapped(node).stream().filter(l -> l.contains("jffi")).toList();
        Drover.Result stop = runIn(workdir, env, concat(new String[] {"multi", "stopwait", "files10"}, options));

        String context = start + "\n" + stop + "\n" + attacker;
        assertFalse(Files.exists(marker, LinkOption.NOFOLLOW_LINKS), () -> "root ran nobody's library\n" + context);
        assertEquals(0, attacker.count("created "), () -> "jffi wrote its stub into " + workdir + "\n" + context);
        assertEquals(List.of(), list(workdir).stream().filter(n -> n.startsWith("jffi")).toList(), context);
        Path stub = Path.of(System.getProperty("drover.dist")).toRealPath().resolve("lib/jni");
        assertFalse(jffi.isEmpty(), () -> "the node (pid " + node + ") mapped no jffi stub\n" + context);
        assertTrue(jffi.stream().allMatch(l -> l.contains(stub.toString())),
                () -> "the node mapped jffi from elsewhere than " + stub + ": " + jffi + "\n" + context);
        assertEquals(0, stop.exitCode(), stop::toString);
        System.out.println("class 10: " + attacker.count("created ") + " stubs written in the working directory, "
                + attacker.count("swapped ") + " swapped by nobody");
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** {@code multi start NAME} as root, no --uid: the demo, pidfile in a root directory, log in D/shared. */
    private Drover.Result startAsRoot(String name) {
        return drover.multi("start", name, "--pidfile=" + rootrun + "/%n.pid", "--logfile=" + shared + "/%n.log");
    }

    /** {@code beat --detach} as root, its schedule at {@code schedule}, its pidfile and log in a root directory. */
    private Drover.Result beatAsRoot(Path schedule) {
        return drover.run("beat", "--detach", "--schedule=" + schedule,
                "--pidfile=" + rootrun + "/%n.pid", "--logfile=" + rootrun + "/%n.log");
    }

    private void assertRefusedNamingTheLogfile(Drover.Result start, String name, String why) {
        assertEquals(73, start.exitCode(), start::toString);
        String logfile = shared + "/" + name + ".log";
        assertTrue(start.output().lines().anyMatch(l -> l.contains(logfile) && l.contains(why)),
                () -> "no line names " + logfile + " and '" + why + "'\n" + start);
        Set<Long> left = Procs.pidsWithCmdlineContaining("-n " + name + "@");
        left.retainAll(drover.processes());
        assertEquals(Set.of(), left, () -> "a refused start left " + name + " running\n" + start);
    }

    /** Sets {@code fs.protected_symlinks} to 0 for this test: the kernel then lets root follow nobody's link. */
    private void unprotectSymlinks() {
        unprotect(PROTECTED_SYMLINKS);
    }

    private void unprotect(Path sysctl) {
        try {
            sysctlsToRestore.putIfAbsent(sysctl, Files.readString(sysctl).trim());
            Files.writeString(sysctl, "0");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set " + sysctl, e);
        }
    }

    private void nobody(String name, String script, String... args) {
        Attacker.runOnce(dir.resolve(name + ".out"), script, args);
    }

    private Attacker attack(String name, String script, String... args) {
        Attacker a = Attacker.start(dir.resolve(name + "-attacker.out"), script, args);
        attackers.add(a);
        return a;
    }

    private void assertSecretUnchanged(String context) {
        String changed = secretChange();
        assertEquals(null, changed, () -> changed + "\n" + context);
    }

    /** How the secret differs from what the test wrote, or null. */
    private String secretChange() {
        String changed = AttackFiles.contentChange(secret);
        return changed == null ? null : secret + " changed: " + changed;
    }

    /**
     * A shared library whose constructor creates {@code marker}: what nobody would have root
     * load. Built with the C compiler when there is one; otherwise a file that is no library,
     * which still shows whether root loads what nobody put there (it would fail to).
     */
    private Path payload(Path marker) throws IOException {
        Path source = dir.resolve("payload.c");
        Path library = dir.resolve("payload.so");
        Files.writeString(source, "#include <fcntl.h>\n#include <unistd.h>\n"
                + "__attribute__((constructor)) static void pwn(void) { close(open(\"" + marker
                + "\", O_WRONLY | O_CREAT, 0644)); }\n");
        try {
            Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", library.toString(), source.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0) {
                Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rwxr-xr-x"));
                return library;
            }
        } catch (IOException e) {
            // no compiler
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.writeString(library, "not a library\n");
        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-r--r--"));
        return library;
    }

    /** The files mapped into a process ({@code /proc/PID/maps}), one line per mapping. */
    private static List<String> mapped(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/maps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the launcher in {@code cwd}, with the environment {@link Drover} gives it, plus {@code env}. */
    private Drover.Result runIn(Path cwd, Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of(Drover.launcher().toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        pb.environment().remove("DROVER_FORCE_ROOT");
        pb.environment().remove("DROVER_FAKEFORK");
        pb.environment().remove("DROVER_HANDSHAKE_FD");
        pb.environment().put("DROVER_STATE_DIR", dir.resolve(".state").toString());
        pb.environment().putAll(env);
        Path out = dir.resolve("runin.out");
        Path err = dir.resolve("runin.err");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        try {
            Process p = pb.start();
            if (!p.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("hung: " + argv + "\n" + read(out) + read(err));
            }
            return new Drover.Result(argv, p.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }


    private static String owner(Path p) throws IOException {
        return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
