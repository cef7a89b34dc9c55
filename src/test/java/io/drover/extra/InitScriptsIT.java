package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The generic init scripts, run the way an init system runs them: by root, under dash, from the
 * built distribution ({@code target/drover/extra/generic-init.d/}), each against a configuration
 * file of its own in a temp directory (given with {@code DROVER_DEFAULTS}) whose nodes drop to
 * {@code nobody}. Failsafe passes {@code drover.dist}, the absolute path of target/drover.
 *
 * <p>Nothing here sleeps to synchronise: every wait polls with a deadline, and {@link
 * #killWhatThisTestStarted()} SIGKILLs whatever still mentions the test's temp directory.
 */
@Isolated // runs the init scripts as root, with nodes started by hand
class InitScriptsIT {

    /** A script run starts a few JVMs at most; one that takes longer is hung. */
    static final Duration SCRIPT_DEADLINE = Duration.ofSeconds(120);
    /** How long a signalled process may take to be gone, or a log line to appear. */
    static final Duration WAIT_DEADLINE = Duration.ofSeconds(30);
    static final Duration POLL = Duration.ofMillis(50);
    static final int NOBODY = 65534;
    static final int NOGROUP = 65534;
    static final String DROVERD = "droverd";
    static final String DROVERBEAT = "droverbeat";

    static Path dist;
    static Path initd;
    static Path launcher;
    static String javaHome;
    static boolean root;

    /** 0755 and root's: nobody can look into it but not write to it, so the scripts must create the subdirectories. */
    Path tmp;

    record Result(int code, String output) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- output\n" + output;
        }
    }

    @BeforeAll
    static void findTheDistribution() throws IOException {
        String prop = System.getProperty("drover.dist");
        assertNotNull(prop, "system property drover.dist (set by failsafe) is missing");
        dist = Path.of(prop).toRealPath();
        initd = dist.resolve("extra/generic-init.d");
        launcher = dist.resolve("bin/drover");
        assertTrue(Files.isExecutable(launcher), launcher + " should be executable: run mvn package first");
        for (String script : List.of(DROVERD, DROVERBEAT)) {
            assertTrue(Files.isExecutable(initd.resolve(script)), initd.resolve(script) + " should be in the distribution, executable");
        }
        javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
        root = uidLine(Path.of("/proc/self/status"), "Uid:").get(1) == 0;
    }

    @BeforeEach
    void makeTheTempDirectory() throws IOException {
        tmp = Files.createTempDirectory(Path.of("/tmp"), "drover-initd-it-").toRealPath();
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void killWhatThisTestStarted() throws IOException {
        List<Long> left = processesMentioning(tmp.toString());
        for (long pid : left) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (long pid : left) {
            awaitGone(pid);
        }
        try (Stream<Path> walk = Files.walk(tmp)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        assertEquals(List.of(), left, "the test left these processes running; they were killed");
    }

    // ---- droverd

    @Test
    void droverd_starts_two_nodes_as_nobody_reports_them_restarts_them_in_place_and_stops_them() throws IOException {
        requireRoot();
        Path config = config(workerConfig("DROVERD_ULIMIT=\"-n 2048\"\nDROVERD_OPTS=\"-c 2 --jvm-opts='-Xmx64m -Xss512k'\""),
                "rw-r--r--");

        Result start = run(DROVERD, "start", config);
        assertEquals(0, start.code(), start::toString);
        assertTrue(start.output().contains("w1@") && start.output().contains("w2@"), start::toString);
        List<Long> pids = List.of(pid("run/w1.pid"), pid("run/w2.pid"));
        for (long pid : pids) {
            assertRunsAsNobody(pid);
            assertEquals(tmp.resolve("work"), Path.of("/proc", Long.toString(pid), "cwd").toRealPath(), "DROVERD_CHDIR");
            assertTrue(openFilesLimit(pid).matches("2048\\s+2048"), "DROVERD_ULIMIT: " + openFilesLimit(pid));
            String cmdline = cmdline(pid);
            assertTrue(cmdline.contains("--app=io.drover.demo.DemoApp"), "DROVER_APP: " + cmdline);
            assertTrue(cmdline.contains("--jvm-opts=-Xmx64m -Xss512k"), "DROVERD_OPTS read as sh words: " + cmdline);
        }
        for (String dir : List.of("run", "log")) {
            assertOwnedByNobodyWithSetgid(tmp.resolve(dir));
        }

        Result status = run(DROVERD, "status", config);
        assertEquals(0, status.code(), status::toString);

        Result dryrun = run(DROVERD, "dryrun", config);
        assertEquals(0, dryrun.code(), dryrun::toString);
        for (String node : List.of("w1", "w2")) {
            assertTrue(dryrun.output().contains("worker --detach -n " + node + "@"), dryrun::toString);
        }
        assertTrue(dryrun.output().contains("--uid=nobody --gid=nogroup"), dryrun::toString);
        assertEquals(pids, List.of(pid("run/w1.pid"), pid("run/w2.pid")), "dryrun must not restart the nodes");
        assertEquals(Set.copyOf(pids), Set.copyOf(processesMentioning(tmp.toString())), "dryrun must start nothing");

        Result graceful = run(DROVERD, "graceful", config);
        assertEquals(0, graceful.code(), graceful::toString);
        for (String node : List.of("w1", "w2")) {
            Path log = tmp.resolve("log/" + node + ".log");
            awaitTrue(() -> read(log).contains(" restarted in place"), () -> node + " restarted in place; its log:\n" + read(log));
        }
        assertEquals(pids, List.of(pid("run/w1.pid"), pid("run/w2.pid")), "graceful restarts in place: same pids");

        Result stop = run(DROVERD, "stop", config);
        assertEquals(0, stop.code(), stop::toString);
        for (long pid : pids) {
            awaitGone(pid);
        }
        assertFalse(Files.exists(tmp.resolve("run/w1.pid")) || Files.exists(tmp.resolve("run/w2.pid")), "a warm stop removes the pidfiles");

        Result stopped = run(DROVERD, "status", config);
        assertEquals(3, stopped.code(), stopped::toString);
    }

    @Test
    void droverd_restart_replaces_the_nodes_kill_ends_them_and_try_restart_leaves_them_down() throws IOException {
        requireRoot();
        Path config = config(workerConfig(""), "rw-------");

        Result start = run(DROVERD, "start", config);
        assertEquals(0, start.code(), start::toString);
        List<Long> before = List.of(pid("run/w1.pid"), pid("run/w2.pid"));

        Result restart = run(DROVERD, "restart", config);
        assertEquals(0, restart.code(), restart::toString);
        List<Long> after = List.of(pid("run/w1.pid"), pid("run/w2.pid"));
        for (int i = 0; i < 2; i++) {
            assertNotEquals(before.get(i), after.get(i), restart::toString);
            awaitGone(before.get(i));
            assertRunsAsNobody(after.get(i));
        }

        Result kill = run(DROVERD, "kill", config);
        assertEquals(0, kill.code(), kill::toString);
        for (long pid : after) {
            awaitGone(pid);
        }
        Result status = run(DROVERD, "status", config);
        assertNotEquals(0, status.code(), status::toString);

        Result tryRestart = run(DROVERD, "try-restart", config);
        assertEquals(0, tryRestart.code(), tryRestart::toString);
        assertEquals(List.of(), processesMentioning(tmp.toString()), "try-restart starts nothing when no node runs: " + tryRestart);
    }

    @Test
    void droverd_create_paths_makes_each_nodes_directories_for_the_nodes_user() throws IOException {
        requireRoot();
        Path config = config(workerConfig("DROVERD_PID_FILE=\"" + tmp + "/run/%n/node.pid\"\nDROVER_CREATE_DIRS=0"),
                "rw-r--r--");

        Result check = run(DROVERD, "check-paths", config);
        assertEquals(0, check.code(), check::toString);
        assertFalse(Files.exists(tmp.resolve("run")) || Files.exists(tmp.resolve("log")),
                "check-paths creates custom directories only with DROVER_CREATE_DIRS: " + check);

        Result create = run(DROVERD, "create-paths", config);
        assertEquals(0, create.code(), create::toString);
        for (String dir : List.of("run/w1", "run/w2", "log")) {
            assertOwnedByNobodyWithSetgid(tmp.resolve(dir));
        }
        assertEquals(List.of(), processesMentioning(tmp.toString()), "create-paths starts nothing");
    }

    // ---- DROVERD_SU_ARGS: the nodes in their user's login environment

    /**
     * A user made for one test (useradd -m, a login shell, ACME_ENV in ~/.profile), removed with
     * its home afterwards, once the processes the test started are gone.
     */
    void withThrowawayUser(UserTest test) throws Exception {
        String name = "drv" + ProcessHandle.current().pid() % 100000 + "x" + System.nanoTime() % 1000;
        Result add = exec(List.of("useradd", "--create-home", "--shell", "/bin/sh", "--user-group", name), null);
        assertEquals(0, add.code(), add::toString);
        try {
            Path home = Path.of(exec(List.of("sh", "-c", "getent passwd " + name + " | cut -d: -f6"), null).output().trim());
            // what a migrated celery user keeps in the service user's profile
            Files.writeString(home.resolve(".profile"), "export ACME_ENV=from-profile\nexport JAVA_HOME=" + javaHome + "\n",
                    java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.CREATE);
            int uid = Integer.parseInt(exec(List.of("id", "-u", name), null).output().trim());
            test.run(name, uid);
        } finally {
            for (long pid : processesMentioning(tmp.toString())) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                awaitGone(pid);
            }
            Result del = exec(List.of("userdel", "--force", "--remove", name), null);
            assertEquals(0, del.code(), del::toString);
        }
    }

    @FunctionalInterface
    interface UserTest {
        void run(String user, int uid) throws Exception;
    }

    static String environ(long pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8)
                .replace('\0', '\n');
    }

    static void assertRunsAs(long pid, int uid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        assertEquals(List.of(uid, uid, uid, uid), uidLine(status, "Uid:"), "uids of " + pid);
    }

    String loginShellConfig(String user, String suArgs) throws IOException {
        return workerConfig((suArgs == null ? "" : "DROVERD_SU_ARGS=\"" + suArgs + "\"\n"))
                .replace("DROVERD_USER=nobody\n", "DROVERD_USER=" + user + "\n")
                .replace("DROVERD_GROUP=nogroup\n", "DROVERD_GROUP=" + user + "\n");
    }

    /** start, status, restart, stop; returns the environment of a node after the restart. */
    String startRestartStop(Path config, int uid) throws IOException {
        Result start = run(DROVERD, "start", config);
        assertEquals(0, start.code(), start::toString);
        List<Long> before = List.of(pid("run/w1.pid"), pid("run/w2.pid"));
        for (long pid : before) {
            assertRunsAs(pid, uid);
        }
        String started = environ(before.get(0));
        Result status = run(DROVERD, "status", config);
        assertEquals(0, status.code(), status::toString);

        Result restart = run(DROVERD, "restart", config);
        assertEquals(0, restart.code(), restart::toString);
        List<Long> after = List.of(pid("run/w1.pid"), pid("run/w2.pid"));
        for (int i = 0; i < 2; i++) {
            assertNotEquals(before.get(i), after.get(i), restart::toString);
            awaitGone(before.get(i));
            assertRunsAs(after.get(i), uid);
        }
        String restarted = environ(after.get(1));
        assertEquals(started.contains("ACME_ENV=from-profile"), restarted.contains("ACME_ENV=from-profile"),
                "restart keeps the environment start gave");

        Result stop = run(DROVERD, "stop", config);
        assertEquals(0, stop.code(), stop::toString);
        for (long pid : after) {
            awaitGone(pid);
        }
        Result stopped = run(DROVERD, "status", config);
        assertEquals(3, stopped.code(), stopped::toString);
        return restarted;
    }

    @Test
    void with_droverd_su_args_the_nodes_get_their_user_s_login_environment() throws Exception {
        requireRoot();
        withThrowawayUser((user, uid) -> {
            Path config = config(loginShellConfig(user, "-l"), "rw-r--r--");
            Result dryrun = run(DROVERD, "dryrun", config);
            assertFalse(dryrun.output().contains("--uid="), "su, not --uid, makes the user: " + dryrun);
            String env = startRestartStop(config, uid);
            assertTrue(env.contains("ACME_ENV=from-profile\n"), "the profile's variable reached the node:\n" + env);
            assertTrue(env.contains("HOME=/home/" + user + "\n") || env.contains("USER=" + user + "\n"), env);
            assertOwnedBy(tmp.resolve("run"), uid);
        });
    }

    @Test
    void without_droverd_su_args_the_nodes_drop_to_their_user_and_keep_the_script_s_environment() throws Exception {
        requireRoot();
        withThrowawayUser((user, uid) -> {
            Path config = config(loginShellConfig(user, null), "rw-r--r--");
            String env = startRestartStop(config, uid);
            assertFalse(env.contains("ACME_ENV="), "no login shell, no profile:\n" + env);
        });
    }

    @Test
    void droverd_su_args_without_a_user_is_refused() throws IOException {
        requireRoot();
        Path config = config(workerConfig("DROVERD_SU_ARGS=-l").replace("DROVERD_USER=nobody\n", ""), "rw-r--r--");
        Result start = run(DROVERD, "start", config);
        assertEquals(6, start.code(), start::toString);
        assertTrue(start.output().contains("DROVERD_SU_ARGS is set but DROVERD_USER is not"), start::toString);
        assertEquals(List.of(), processesMentioning(tmp.toString()), "nothing was started");
    }

    @Test
    void with_droverbeat_su_args_beat_gets_its_user_s_login_environment() throws Exception {
        requireRoot();
        withThrowawayUser((user, uid) -> {
            Path config = config(beatConfig().replace("DROVERBEAT_USER=nobody\n", "DROVERBEAT_USER=" + user + "\n")
                    .replace("DROVERBEAT_GROUP=nogroup\n", "DROVERBEAT_GROUP=" + user + "\nDROVERBEAT_SU_ARGS=-l\n"), "rw-r--r--");
            Result start = run(DROVERBEAT, "start", config);
            assertEquals(0, start.code(), start::toString);
            long pid = pid("run/beat.pid");
            assertRunsAs(pid, uid);
            assertTrue(environ(pid).contains("ACME_ENV=from-profile\n"), environ(pid));
            Result status = run(DROVERBEAT, "status", config);
            assertEquals(0, status.code(), status::toString);
            Result stop = run(DROVERBEAT, "stop", config);
            assertEquals(0, stop.code(), stop::toString);
            awaitGone(pid);
        });
    }

    static void assertOwnedBy(Path dir, int uid) throws IOException {
        assertEquals(uid, Files.getAttribute(dir, "unix:uid"), dir + " owner");
    }

    // ---- droverbeat

    @Test
    void droverbeat_starts_as_nobody_reports_itself_and_stops() throws IOException {
        requireRoot();
        Path config = config(beatConfig(), "rw-r--r--");

        Result start = run(DROVERBEAT, "start", config);
        assertEquals(0, start.code(), start::toString);
        long pid = pid("run/beat.pid");
        assertRunsAsNobody(pid);
        assertOwnedByNobodyWithSetgid(tmp.resolve("run"));
        assertOwnedByNobodyWithSetgid(tmp.resolve("log"));

        Result again = run(DROVERBEAT, "start", config);
        assertEquals(0, again.code(), "start when running is a success (LSB): " + again);
        assertTrue(again.output().contains("already running"), again::toString);
        assertEquals(pid, pid("run/beat.pid"));

        Result status = run(DROVERBEAT, "status", config);
        assertEquals(0, status.code(), status::toString);

        Result stop = run(DROVERBEAT, "stop", config);
        assertEquals(0, stop.code(), stop::toString);
        awaitGone(pid);
        assertFalse(Files.exists(tmp.resolve("run/beat.pid")), "beat removes its pidfile");

        Result stopped = run(DROVERBEAT, "status", config);
        assertEquals(3, stopped.code(), stopped::toString);

        Result stopAgain = run(DROVERBEAT, "stop", config);
        assertEquals(0, stopAgain.code(), "stop when stopped is a success (LSB): " + stopAgain);
    }

    @Test
    void droverbeat_restart_starts_a_new_beat() throws IOException {
        requireRoot();
        Path config = config(beatConfig(), "rw-r--r--");
        Result start = run(DROVERBEAT, "start", config);
        assertEquals(0, start.code(), start::toString);
        long before = pid("run/beat.pid");

        Result restart = run(DROVERBEAT, "restart", config);
        assertEquals(0, restart.code(), restart::toString);
        long after = pid("run/beat.pid");
        assertNotEquals(before, after, restart::toString);
        awaitGone(before);
        assertRunsAsNobody(after);

        Result stop = run(DROVERBEAT, "stop", config);
        assertEquals(0, stop.code(), stop::toString);
        awaitGone(after);
    }

    // ---- what both scripts refuse

    static Stream<Arguments> unsafeConfigurations() {
        List<Arguments> cases = new ArrayList<>();
        for (String script : List.of(DROVERD, DROVERBEAT)) {
            cases.add(Arguments.of(script, "rw-rw-r--", 0, "writable by its group", "chmod go-w"));
            cases.add(Arguments.of(script, "rw-r--rw-", 0, "writable by others", "chmod go-w"));
            cases.add(Arguments.of(script, "rw-r--r--", NOBODY, "not by root", "chown root"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} refuses a config {1} owned by uid {2}")
    @MethodSource("unsafeConfigurations")
    void an_unsafe_configuration_is_refused_with_its_resolution_and_nothing_starts(String script, String mode, int owner,
                                                                                   String problem, String fix) throws IOException {
        requireRoot();
        Path config = config(script.equals(DROVERD) ? workerConfig("") : beatConfig(), mode);
        Files.setAttribute(config, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS);

        Result start = run(script, "start", config);
        assertEquals(6, start.code(), "LSB 6, not configured: " + start);
        assertTrue(start.output().contains(problem), start::toString);
        assertTrue(start.output().contains("Resolution:"), start::toString);
        assertTrue(start.output().contains("$ sudo " + fix + " '" + config + "'"), start::toString);
        assertFalse(Files.exists(tmp.resolve("run")) || Files.exists(tmp.resolve("log")), "nothing was created: " + start);
        assertEquals(List.of(), processesMentioning(tmp.toString()), "nothing was started");

        Result status = run(script, "status", config);
        assertEquals(4, status.code(), "LSB status 4, unknown: " + status);
    }

    @ParameterizedTest
    @ValueSource(strings = {DROVERD, DROVERBEAT})
    void a_missing_drover_defaults_file_is_an_error_not_silently_the_defaults(String script) {
        requireRoot();
        Result start = run(script, "start", tmp.resolve("no-such-config"));
        assertEquals(6, start.code(), start::toString);
        assertTrue(start.output().contains("DROVER_DEFAULTS"), start::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {DROVERD, DROVERBEAT})
    void an_unknown_action_prints_the_usage_and_exits_2(String script) {
        Result r = run(script, "frobnicate", tmp.resolve("unused"));
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.output().startsWith("Usage: /etc/init.d/" + script + " {start|stop|restart|"), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {DROVERD, DROVERBEAT})
    void only_root_may_use_the_scripts(String script) throws IOException {
        Path config = config(script.equals(DROVERD) ? workerConfig("") : beatConfig(), "rw-r--r--");
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOGROUP, "--clear-groups"));
        }
        command.addAll(List.of("dash", initd.resolve(script).toString(), "start"));
        Result r = exec(command, config);
        assertEquals(4, r.code(), "LSB 4, insufficient privilege: " + r);
        assertTrue(r.output().contains("only root can use this script"), r::toString);
        assertEquals(List.of(), processesMentioning(tmp.toString()), "nothing was started");
    }

    // ---- the scripts themselves

    @Test
    void the_scripts_are_shellcheck_clean() {
        Result version = exec(List.of("sh", "-c", "command -v shellcheck"), null);
        if (version.code() != 0) {
            fail("shellcheck is not installed: it is how these scripts are proven POSIX sh."
                    + " Install Debian's shellcheck (apt-get install shellcheck; .ci/install-test-tools does).");
        }
        Result r = exec(List.of("shellcheck", "--shell=sh", "--severity=style",
                initd.resolve(DROVERD).toString(), initd.resolve(DROVERBEAT).toString()), null);
        assertEquals(0, r.code(), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {DROVERD, DROVERBEAT})
    void the_scripts_carry_an_lsb_header(String script) throws IOException {
        String text = Files.readString(initd.resolve(script));
        assertTrue(text.startsWith("#!/bin/sh\n"), script);
        assertTrue(text.contains("### BEGIN INIT INFO\n# Provides:          " + script + "\n"), script);
        assertTrue(text.contains("### END INIT INFO"), script);
    }

    // ---- configurations

    String workerConfig(String extra) throws IOException {
        Files.createDirectories(tmp.resolve("work"));
        return "# written by InitScriptsIT\n"
                + "DROVER_BIN=\"" + launcher + "\"\n"
                + "DROVER_APP=io.drover.demo.DemoApp\n"
                + "DROVERD_NODES=\"w1 w2\"\n"
                + "DROVERD_USER=nobody\n"
                + "DROVERD_GROUP=nogroup\n"
                + "DROVERD_PID_FILE=\"" + tmp + "/run/%n.pid\"\n"
                + "DROVERD_LOG_FILE=\"" + tmp + "/log/%n%I.log\"\n"
                + "DROVERD_CHDIR=\"" + tmp + "/work\"\n"
                + "DROVER_CREATE_DIRS=1\n"
                + extra + "\n";
    }

    String beatConfig() {
        return "# written by InitScriptsIT\n"
                + "DROVER_BIN=\"" + launcher + "\"\n"
                + "DROVERBEAT_USER=nobody\n"
                + "DROVERBEAT_GROUP=nogroup\n"
                + "DROVERBEAT_PID_FILE=\"" + tmp + "/run/beat.pid\"\n"
                + "DROVERBEAT_LOG_FILE=\"" + tmp + "/log/beat.log\"\n"
                + "DROVERBEAT_OPTS=\"--max-interval=5\"\n"
                + "DROVER_CREATE_DIRS=1\n";
    }

    /** The configuration file, root's (the test runs as root) with the given mode. */
    Path config(String text, String mode) throws IOException {
        Path file = tmp.resolve("drover.conf");
        Files.writeString(file, text);
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
        Files.setPosixFilePermissions(file, perms);
        return file;
    }

    // ---- running the scripts

    static void requireRoot() {
        assumeTrue(root, "the init scripts are root's: these tests run as root (as CI does)");
    }

    static Result run(String script, String action, Path config) {
        return exec(List.of("dash", initd.resolve(script).toString(), action), config);
    }

    /**
     * Runs a command from / (as init does), output and errors into one file (a pipe a detached
     * node kept open would hang a reader), and waits for it with a deadline.
     */
    static Result exec(List<String> command, Path config) {
        try {
            Path out = Files.createTempFile("drover-initd-it-out-", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command)
                        .directory(Path.of("/").toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                Map<String, String> env = pb.environment();
                env.put("JAVA_HOME", javaHome);
                for (String name : List.of("DROVER_DEFAULTS", "DROVER_FAKEFORK", "DROVER_FORCE_ROOT", "DROVER_JAVA_OPTS",
                        "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS")) {
                    env.remove(name);
                }
                if (config != null) {
                    env.put("DROVER_DEFAULTS", config.toString());
                }
                Process p = pb.start();
                if (!p.waitFor(SCRIPT_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(SCRIPT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
                    fail(command + " did not finish within " + SCRIPT_DEADLINE + "; output so far:\n" + Files.readString(out));
                }
                return new Result(p.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- processes

    long pid(String pidfile) throws IOException {
        return Long.parseLong(Files.readString(tmp.resolve(pidfile)).trim());
    }

    static void assertRunsAsNobody(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        assertEquals(List.of(NOBODY, NOBODY, NOBODY, NOBODY), uidLine(status, "Uid:"), "real, effective, saved, fs uid of " + pid);
        assertEquals(List.of(NOGROUP, NOGROUP, NOGROUP, NOGROUP), uidLine(status, "Gid:"), "gids of " + pid);
    }

    static List<Integer> uidLine(Path status, String key) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(key)) {
                return Stream.of(line.substring(key.length()).trim().split("\\s+")).map(Integer::valueOf).toList();
            }
        }
        throw new AssertionError("no " + key + " line in " + status);
    }

    static String openFilesLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
            if (line.startsWith("Max open files")) {
                return line.substring("Max open files".length()).trim().replaceAll("\\s+files$", "");
            }
        }
        throw new AssertionError("no open files limit for " + pid);
    }

    static void assertOwnedByNobodyWithSetgid(Path dir) throws IOException {
        assertTrue(Files.isDirectory(dir), dir + " should exist");
        assertEquals(NOBODY, Files.getAttribute(dir, "unix:uid"), dir + " owner");
        assertEquals(NOGROUP, Files.getAttribute(dir, "unix:gid"), dir + " group");
        int mode = (Integer) Files.getAttribute(dir, "unix:mode") & 07777;
        assertEquals(02755, mode, dir + " mode " + Integer.toOctalString(mode));
    }

    /** The argv of a process, blanks between the words; empty once it is gone or a zombie. */
    static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    raw[i] = ' ';
                }
            }
            return new String(raw, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Live processes (not this JVM) whose command line contains {@code text}. */
    static List<Long> processesMentioning(String text) throws IOException {
        long self = ProcessHandle.current().pid();
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : proc) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid != self && cmdline(pid).contains(text) && !isGone(pid)) {
                    pids.add(pid);
                }
            }
        }
        pids.sort(null);
        return pids;
    }

    /**
     * Gone: no /proc entry, or every thread a zombie. PID 1 here does not reap, so a dead node
     * stays a zombie; and the main thread of a JVM can be a zombie while its other threads still
     * run and hold its files, so the main thread's state alone is not enough.
     */
    static boolean isGone(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path task : threads) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.ISO_8859_1);
                } catch (NoSuchFileException e) {
                    continue;
                }
                int close = stat.lastIndexOf(')');
                char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
                if (state != 'Z' && state != 'X') {
                    return false;
                }
            }
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void awaitGone(long pid) {
        awaitTrue(() -> isGone(pid), () -> "process " + pid + " is gone: " + cmdline(pid));
    }

    static void awaitTrue(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + WAIT_DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                fail("not true within " + WAIT_DEADLINE + ": " + what.get());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
