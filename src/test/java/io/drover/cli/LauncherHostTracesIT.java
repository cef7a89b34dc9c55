package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.cli.LauncherIT.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The launcher's compute commands leave no trace in the host's shared places: no
 * /tmp/hsperfdata_nobody for nobody's commands, no /run/drover or /var/log/drover for root's.
 * Each check holds only where the place was absent before, and any node another test runs
 * meanwhile could make it (a node of nobody writes /tmp/hsperfdata_nobody, root's default
 * places are made by root's first start), so these few commands run alone: the rest of
 * {@link LauncherIT}, whose helpers they use, runs beside other classes.
 */
@Isolated // the host's /tmp/hsperfdata_nobody, /run/drover and /var/log/drover must stay absent
class LauncherHostTracesIT {
    @TempDir
    Path tmp;

    /** Where {@link #install()} puts the copy both tests run. */
    @TempDir
    static Path shared;

    private static Path install;

    /** LauncherIT's helpers, run in this test's temp dir. */
    private final LauncherIT it = new LauncherIT();

    @BeforeAll
    static void findTheDistribution() throws Exception {
        LauncherIT.findTheDistribution();
    }

    @BeforeEach
    void shareTheTempDir() {
        it.tmp = tmp;
    }

    @Test
    void compute_commands_as_nobody_touch_nothing_on_disk_in_a_read_only_home() throws Exception {
        computeCommandsTouchNothing(false);
    }

    @Test
    void compute_commands_as_nobody_touch_nothing_on_disk_even_in_a_writable_home() throws Exception {
        computeCommandsTouchNothing(true);
    }

    /**
     * As user nobody (or as the current user when not root), with HOME, XDG_STATE_HOME and the
     * working directory in one empty directory: every compute command succeeds and the directory
     * stays empty. When it is writable, a created directory would show; when it is not, a
     * swallowed failure to create one could not hide behind a success.
     */
    private void computeCommandsTouchNothing(boolean writable) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path install = install();
        Path home = Files.createDirectory(tmp.resolve("home"));
        Path state = home.resolve(".local/state");
        Path hsperf = Path.of("/tmp/hsperfdata_nobody");
        boolean hsperfBefore = Files.exists(hsperf, LinkOption.NOFOLLOW_LINKS);
        if (writable && LauncherIT.root) {
            Files.setAttribute(home, "unix:uid", LauncherIT.NOBODY);
            Files.setAttribute(home, "unix:gid", LauncherIT.NOBODY);
        }
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString(writable ? "rwxr-xr-x" : "r-xr-xr-x"));
        try {
            Map<String, String> env = Map.of("HOME", home.toString(), "XDG_STATE_HOME", state.toString(),
                    "USER", LauncherIT.root ? "nobody" : System.getProperty("user.name"));
            for (String line : LauncherIT.COMPUTE_COMMANDS) {
                List<String> command = new ArrayList<>();
                if (LauncherIT.root) {
                    command.addAll(List.of(setpriv(), "--reuid=" + LauncherIT.NOBODY, "--regid=" + LauncherIT.NOBODY, "--clear-groups", "--"));
                }
                command.add(install.resolve("bin/drover").toString());
                command.addAll(List.of(LauncherIT.words(line)));
                Result r = it.exec(command, env, home);
                assertEquals(0, r.code(), () -> line + "\n" + r);
                assertEquals("", r.err(), () -> line + "\n" + r);
                if (line.equals("multi show 3")) {
                    // proves the node defaults were computed for a non-root user from XDG_STATE_HOME
                    assertTrue(r.out().contains("--pidfile=" + state + "/drover/run/drover1.pid"), r::toString);
                }
            }
            try (Stream<Path> left = Files.walk(home)) {
                assertEquals(List.of(home), left.toList(), "the empty directory should stay empty");
            }
            if (LauncherIT.root && !hsperfBefore) {
                assertFalse(Files.exists(hsperf, LinkOption.NOFOLLOW_LINKS), hsperf + " was created");
            }
        } finally {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static String setpriv() {
        return Stream.of("/usr/bin/setpriv", "/bin/setpriv").filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("running as root needs setpriv (util-linux) to become nobody"));
    }

    /**
     * The installation the tests run, made once: a copy readable by everyone, so nobody can run it
     * wherever the build directory lives, whose owner built its archives, as for any copy (the
     * build's are made for the build's path, and the launcher would say so on stderr).
     */
    private static synchronized Path install() throws Exception {
        if (install == null) {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path copy = copyOfTheDistribution(shared.resolve("dist"));
            ProcessBuilder pb = new ProcessBuilder(copy.resolve("bin/drover-cds").toString()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(shared.resolve("drover-cds.out").toFile());
            pb.environment().remove("DROVER_CDS_BUILDING");
            Process cds = pb.start();
            assertTrue(cds.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "drover-cds did not finish");
            assertEquals(0, cds.exitValue(), () -> readQuietly(shared.resolve("drover-cds.out")));
            install = copy;
        }
        return install;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A copy of the distribution, its directories and files readable by everyone. */
    private static Path copyOfTheDistribution(Path target) throws IOException {
        try (Stream<Path> files = Files.walk(LauncherIT.dist)) {
            for (Path source : files.toList()) {
                Path copy = target.resolve(LauncherIT.dist.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(
                            Files.isExecutable(source) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        return target;
    }

    @Test
    void compute_commands_do_not_create_run_drover_or_var_log_drover() {
        Path run = Path.of("/run/drover");
        Path log = Path.of("/var/log/drover");
        boolean runBefore = Files.exists(run, LinkOption.NOFOLLOW_LINKS);
        boolean logBefore = Files.exists(log, LinkOption.NOFOLLOW_LINKS);
        for (String line : LauncherIT.COMPUTE_COMMANDS) {
            Result r = it.drover(LauncherIT.words(line));
            assertEquals(0, r.code(), () -> line + "\n" + r);
        }
        if (!runBefore) {
            assertFalse(Files.exists(run, LinkOption.NOFOLLOW_LINKS), run + " was created by a compute command");
        }
        if (!logBefore) {
            assertFalse(Files.exists(log, LinkOption.NOFOLLOW_LINKS), log + " was created by a compute command");
        }
    }
}
