package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.cli.JsonText;
import io.drover.e2e.Drover.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * Issue 28, item 5: {@code multi dryrun} is a pre-flight. It refuses what {@code start} would
 * refuse, each problem one line naming the node, with the code start would exit with, and it
 * makes, starts and records nothing. Each test failed before: dryrun printed its plan and said
 * exit 0 whatever the node's options.
 */
class DryrunIT extends DroverTest {
    private static final String HOST = Drover.hostname();
    /** This test's own node names: no other test's nodes share them. */
    private static final String PREFIX = "r28pf";
    private static final String NODE = PREFIX + "1@" + HOST;
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");

    private Result dryrun(Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of("1", "--range-prefix=" + PREFIX));
        argv.addAll(List.of(args));
        return drover.multi(env, "dryrun", argv.toArray(String[]::new));
    }

    /** One problem, on one line of stderr naming the node, and start's code; nothing made or run. */
    private void assertRefused(int code, String what, Result r) {
        assertEquals(code, r.exitCode(), r::toString);
        List<String> lines = r.stderr().lines().toList();
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith("drover: " + NODE + ": "), r::toString);
        assertTrue(lines.get(0).contains(what), () -> "expected '" + what + "' in:\n" + r);
        // the plan is still printed, the problem after it
        assertTrue(r.stdout().contains("\t> " + NODE + ": "), r::toString);
        assertEquals(Set.of(), drover.processes(), "dryrun started a process");
    }

    @Test
    void a_uid_that_does_not_exist_is_exit_67_as_start_says() {
        Result r = dryrun(Map.of(), "--uid=nosuchuser");

        assertRefused(67, "--uid nosuchuser", r);
        assertEquals(List.of(), drover.files(), "dryrun made files");
        assertEquals(67, drover.multi("start", "1", "--range-prefix=" + PREFIX, "--uid=nosuchuser").exitCode());
    }

    @Test
    void a_umask_out_of_range_is_a_usage_error_64() {
        Result r = dryrun(Map.of(), "--umask=-1");

        assertRefused(64, "--umask -1", r);
        assertEquals(List.of(), drover.files(), "dryrun made files");
    }

    @Test
    void an_application_class_on_no_class_path_entry_is_exit_1_and_no_jvm_is_started_for_it() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));

        Result r = dryrun(FORCE_ROOT, "-A", "com.x.Missing", "--classpath=" + lib + "/*:" + Drover.testClasses());

        assertRefused(1, "application class com.x.Missing not found on the class path", r);
        assertEquals(List.of("lib"), drover.files(), "dryrun made files");
    }

    @Test
    void a_class_in_a_jar_of_a_wildcard_entry_is_found_without_being_loaded() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        // not a class at all: loading it would fail, so finding it proves it was not loaded
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(lib.resolve("app.jar")))) {
            jar.putNextEntry(new ZipEntry("com/x/InJar.class"));
            jar.write("no class file".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }

        Result inJar = dryrun(FORCE_ROOT, "-A", "com.x.InJar", "--classpath=" + lib + "/*");
        Result inDir = dryrun(FORCE_ROOT, "-A", "io.drover.fixtures.ExampleConsumer", "--classpath=" + Drover.testClasses());

        assertEquals(0, inJar.exitCode(), inJar::toString);
        assertEquals(0, inDir.exitCode(), inDir::toString);
        assertEquals(List.of("lib"), drover.files(), "dryrun made files");
    }

    @Test
    void a_pidfile_directory_under_a_file_is_exit_73_and_nothing_is_made() throws IOException {
        Files.writeString(dir.resolve("afile"), "x\n");

        Result r = dryrun(Map.of(), "--pidfile=" + dir + "/afile/run/%n.pid", "--logfile=" + dir + "/log/%n.log");

        assertRefused(73, dir + "/afile", r);
        assertEquals(List.of("afile"), drover.files(), "dryrun made files");
    }

    @Test
    void a_logfile_directory_that_cannot_be_made_is_exit_73_and_nothing_is_made() throws IOException {
        Files.writeString(dir.resolve("afile"), "x\n");

        Result r = dryrun(Map.of(), "--logfile=" + dir + "/afile/log/%n.log");

        assertRefused(73, "cannot create directory " + dir + "/afile/log", r);
        assertEquals(List.of("afile"), drover.files(), "dryrun made files");
    }

    /** Exit code and output of {@code drover multi dryrun ARGS} by a caller who cannot write {@code ro}. */
    private record Unprivileged(int code, String output) {}

    private Unprivileged dryrunAsNobody(Path ro, String registry, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (Drover.runningAsRoot()) {
            // root may write any directory: the caller who cannot is nobody
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is needed to run as nobody");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        }
        command.addAll(List.of(Drover.launcher().toString(), "multi", "dryrun", "1", "--range-prefix=" + PREFIX));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("DROVER_FORCE_ROOT");
        pb.environment().put("DROVER_STATE_DIR", registry);
        pb.environment().put("HOME", ro.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS), output);
        return new Unprivileged(p.exitValue(), output);
    }

    private Path readOnlyDirectory() throws IOException {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        return ro;
    }

    @Test
    void a_pidfile_directory_under_a_directory_the_caller_cannot_write_is_exit_73() throws Exception {
        Path ro = readOnlyDirectory();
        Path registry = Files.createDirectories(dir.resolve("registry"));
        Files.setPosixFilePermissions(registry, PosixFilePermissions.fromString("rwxrwxrwx"));

        Unprivileged r = dryrunAsNobody(ro, registry + "/nobody", "--pidfile=" + ro + "/run/%n.pid",
                "--logfile=" + ro + "/run/%n.log");

        assertEquals(73, r.code(), r.output());
        assertTrue(r.output().contains("drover: " + NODE + ": FAILED: cannot create directory " + ro + "/run: "), r.output());
        try (var left = Files.list(ro)) {
            assertEquals(List.of(), left.toList(), "dryrun made a directory");
        }
        assertFalse(Files.exists(registry.resolve("nobody")), "dryrun made the node registry");
    }

    @Test
    void a_node_registry_the_caller_cannot_make_is_exit_73_as_start_refuses_it() throws Exception {
        Path ro = readOnlyDirectory();

        Unprivileged r = dryrunAsNobody(ro, ro + "/registry", "--pidfile=" + dir + "/%n.pid");

        assertEquals(73, r.code(), r.output());
        assertTrue(r.output().contains("drover: cannot write the node registry " + ro + "/registry: "), r.output());
        try (var left = Files.list(ro)) {
            assertEquals(List.of(), left.toList(), "dryrun made a directory");
        }
    }

    @Test
    void a_nodename_running_under_another_pidfile_is_exit_1_naming_its_pid_and_the_same_pidfile_is_no_problem() {
        assertEquals(0, drover.multi("start", "1", "--range-prefix=" + PREFIX, "-c", "1").exitCode());
        long pid = drover.pid(PREFIX + "1");

        Result elsewhere = dryrun(Map.of(), "--pidfile=" + dir + "/other/%n.pid");
        Result here = dryrun(Map.of());

        assertEquals(1, elsewhere.exitCode(), elsewhere::toString);
        List<String> lines = elsewhere.stderr().lines().toList();
        assertEquals(1, lines.size(), elsewhere::toString);
        assertTrue(lines.get(0).startsWith("drover: " + NODE + ": FAILED: already runs as pid " + pid), elsewhere::toString);
        assertFalse(Files.exists(dir.resolve("other")), "dryrun made the pidfile's directory");
        // issue 28, item 6: another name is the likely fix, said first; stopping the other second
        assertTrue(lines.get(0).contains(" with pidfile " + dir + "/" + PREFIX + "1.pid, started from this node registry:"
                + " give this node another name (other names, --range-prefix or --prefix), or stop that one first"),
                elsewhere::toString);
        // start counts a node that runs as started: so does its dry run
        assertEquals(0, here.exitCode(), here::toString);
        assertEquals("", here.stderr(), here::toString);
        assertEquals(pid, drover.pid(PREFIX + "1"));
    }

    @Test
    void a_nodename_run_by_hand_outside_any_registry_is_exit_1_in_this_one_too() throws Exception {
        Path hand = Files.createDirectory(dir.resolve("hand"));
        drover.spawn(Map.of(), "byhand", "worker", "-n", NODE, "--pidfile=" + hand + "/%n.pid", "--logfile=" + hand + "/%n.log");
        Path pidfile = hand.resolve(PREFIX + "1.pid");
        Procs.waitUntil("the node run by hand to write its pidfile", Procs.PATIENCE,
                () -> Files.exists(pidfile) && read(pidfile).endsWith("\n"), () -> drover.log("byhand"));
        long pid = Long.parseLong(read(pidfile).trim());

        Result r = dryrun(Map.of());

        assertEquals(1, r.exitCode(), r::toString);
        List<String> lines = r.stderr().lines().toList();
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith("drover: " + NODE + ": FAILED: already runs as pid " + pid + " with pidfile "
                + hand + "/"), r::toString);
        assertTrue(lines.get(0).contains(", started outside any node registry drover can read"), r::toString);
        assertEquals(Set.of(pid), drover.processes(), "dryrun started a process");
        assertEquals(List.of("byhand.out", "hand"), drover.files(), "dryrun made files");
        Procs.signal(pid, "TERM");
        Procs.waitUntilGone(pid);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void start_of_a_name_that_runs_under_another_pidfile_suggests_another_name_before_stopping_it() {
        assertEquals(0, drover.multi("start", "1", "--range-prefix=" + PREFIX, "-c", "1").exitCode());

        Result again = drover.multi("start", "1", "--range-prefix=" + PREFIX, "--pidfile=" + dir + "/other/%n.pid");

        assertEquals(1, again.exitCode(), again::toString);
        String line = again.lineFor(NODE);
        int rename = line.indexOf("give this node another name (other names, --range-prefix or --prefix)");
        assertTrue(rename > 0, again::toString);
        assertTrue(line.indexOf("or stop that one first") > rename, again::toString);
    }

    @Test
    void a_health_port_another_process_listens_on_is_exit_69() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

            Result r = dryrun(Map.of(), "--health-port=" + taken.getLocalPort());

            assertRefused(69, "--health-port " + taken.getLocalPort() + ": cannot listen", r);
        }
        assertEquals(List.of(), drover.files(), "dryrun made files");
    }

    @Test
    void with_json_each_node_names_its_problems_with_their_exit_codes() {
        Result r = dryrun(Map.of(), "--json", "--uid=nosuchuser");

        assertEquals(67, r.exitCode(), r::toString);
        Map<String, Object> node = JsonText.object(JsonText.array(r.stdout()).get(0));
        assertEquals(NODE, node.get("nodename"), r::toString);
        Map<String, Object> problem = JsonText.object(((List<?>) node.get("problems")).get(0));
        assertEquals(67L, ((Number) problem.get("exit_code")).longValue(), r::toString);
        assertTrue(String.valueOf(problem.get("reason")).contains("nosuchuser"), r::toString);
    }

    @Test
    void a_node_with_nothing_wrong_is_exit_0_and_nothing_is_made() {
        Result r = dryrun(Map.of(), "--pidfile=" + dir + "/run/%n.pid", "--logfile=" + dir + "/log/%n.log");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.stderr(), r::toString);
        assertEquals(List.of(), drover.files(), "dryrun made files");
        assertFalse(Files.exists(dir.resolve(".state")), "dryrun made the node registry");
    }
}
