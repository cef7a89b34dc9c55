package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.drover.core.ShellWords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end through the built distribution: the launcher script, a real JVM, real stdout,
 * stderr and exit codes. Failsafe passes {@code drover.dist}, the absolute path of target/drover.
 */
class LauncherIT {

    /** Every process gets this long; a JVM that needs more is hung, not slow. */
    static final long DEADLINE_SECONDS = 60;
    static final int NOBODY = 65534;
    static final List<String> COMPUTE_COMMANDS = List.of(
            "multi show 3", "multi show 3 --json", "multi names 3", "multi expand %n.pid 3",
            "multi get drover2 3", "multi help", "multi show --help");

    static Path dist;
    static Path launcher;
    static String host;
    static String javaHome;
    static boolean root;

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void findTheDistribution() throws Exception {
        String prop = System.getProperty("drover.dist");
        assertNotNull(prop, "system property drover.dist (set by failsafe) is missing");
        dist = Path.of(prop).toRealPath();
        launcher = dist.resolve("bin/drover");
        assertTrue(Files.isExecutable(launcher), launcher + " should be executable: run mvn package first");
        javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
        host = readHostname();
        root = effectiveUid() == 0;
    }

    static String readHostname() throws Exception {
        Path proc = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(proc)) {
            String name = Files.readString(proc).trim();
            if (!name.isEmpty()) {
                return name;
            }
        }
        Process p = new ProcessBuilder("hostname").redirectErrorStream(true).start();
        if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("hostname did not finish");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    static int effectiveUid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }

    // ---- running things

    /** Environment changes: a null value removes the variable. JAVA_HOME defaults to this JVM's. */
    Result exec(List<String> command, Map<String, String> env, Path cwd) {
        try {
            Path io = Files.createTempDirectory(tmp, "io");
            Path out = io.resolve("stdout");
            Path err = io.resolve("stderr");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(cwd.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> environment = pb.environment();
            environment.put("JAVA_HOME", javaHome);
            environment.remove("DROVER_JAVA_OPTS");
            environment.remove("JAVA_TOOL_OPTIONS");
            environment.remove("_JAVA_OPTIONS");
            environment.remove("JDK_JAVA_OPTIONS");
            env.forEach((k, v) -> {
                if (v == null) {
                    environment.remove(k);
                } else {
                    environment.put(k, v);
                }
            });
            Process p = pb.start();
            if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
                fail(command + " did not finish within " + DEADLINE_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Result drover(String... args) {
        return droverIn(tmp, Map.of(), args);
    }

    Result droverIn(Path cwd, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        return exec(command, env, cwd);
    }

    static String[] words(String line) {
        return line.split(" ");
    }

    static void assertOk(Result r) {
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    static void assertNoStackTrace(Result r) {
        assertFalse(r.err().contains("\tat "), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    static String packagedVersion() throws IOException {
        Pattern jar = Pattern.compile("drover-(.+)\\.jar");
        try (Stream<Path> lib = Files.list(dist.resolve("lib"))) {
            return lib.map(p -> jar.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> m.group(1))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no lib/drover-VERSION.jar in " + dist));
        }
    }

    // ---- version and help

    @Test
    void version_reports_the_java_it_runs_on() {
        Result r = drover("--version");
        assertOk(r);
        assertTrue(r.outLines().get(0).startsWith("drover "), r::toString);
        assertTrue(r.out().contains(javaHome), r::toString);
    }

    @Test
    void version_reports_the_packaged_version_not_dev() throws IOException {
        Result r = drover("--version");
        assertOk(r);
        assertEquals("drover " + packagedVersion(), r.outLines().get(0), r::toString);
    }

    @Test
    void short_version_flag_works_too() {
        Result r = drover("-V");
        assertOk(r);
        assertTrue(r.out().startsWith("drover "), r::toString);
    }

    @Test
    void help_prints_usage_and_the_multi_command() {
        Result r = drover("--help");
        assertOk(r);
        assertTrue(r.out().startsWith("Usage: drover"), r::toString);
        assertTrue(r.out().contains("multi"), r::toString);
    }

    @ParameterizedTest(name = "drover {0}")
    @ValueSource(strings = {"multi --help", "multi help"})
    void multi_help_lists_every_subcommand_with_examples(String line) {
        Result r = drover(words(line));
        assertOk(r);
        for (String sub : MultiComputeCommandsTest.SUBCOMMANDS) {
            assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith(sub + " ")), () -> sub + " missing\n" + r);
        }
        assertTrue(r.out().contains("Examples:"), r::toString);
        assertTrue(r.out().contains("drover multi start 3 -c 3"), r::toString);
    }

    // ---- issue 2's examples

    static Stream<IssueTwoExamples.Example> issueTwoExamples() {
        return IssueTwoExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("issueTwoExamples")
    void issue_two_example_holds_through_the_launcher(IssueTwoExamples.Example example) {
        List<String> args = new ArrayList<>(List.of("multi"));
        args.addAll(example.args());
        Result r = drover(args.toArray(String[]::new));
        IssueTwoExamples.check(example, host, r.code(), r.out(), r.err(), ShellWords::split);
        if (example.kind() == IssueTwoExamples.Kind.USAGE_ERROR) {
            assertNoStackTrace(r);
        }
    }

    // ---- issue 18's and issue 16 item 6's grammar

    static Stream<IssueTwoExamples.Example> grammarParityExamples() throws Exception {
        return GrammarParityExamples.all(readHostname());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grammarParityExamples")
    void grammar_parity_example_holds_through_the_launcher(IssueTwoExamples.Example example) {
        List<String> args = new ArrayList<>(List.of("multi"));
        args.addAll(example.args());
        Result r = drover(args.toArray(String[]::new));
        IssueTwoExamples.check(example, host, r.code(), r.out(), r.err(), ShellWords::split);
        if (example.kind() == IssueTwoExamples.Kind.USAGE_ERROR) {
            assertNoStackTrace(r);
        }
    }

    @Test
    void show_prints_the_java_and_classpath_of_the_installation() {
        Map<String, String> env = Map.of("XDG_STATE_HOME", "/nonexistent-xdg", "HOME", "/nonexistent-home");
        Result r = droverIn(tmp, env, "multi", "show", "1", "-c", "3");
        assertOk(r);
        String state = root ? "/run/drover/drover1.pid" : "/nonexistent-xdg/drover/run/drover1.pid";
        String log = root ? "/var/log/drover/drover1%I.log" : "/nonexistent-xdg/drover/log/drover1%I.log";
        List<String> cds = Files.exists(dist.resolve("lib/node.jsa"))
                ? List.of("-XX:SharedArchiveFile=" + dist + "/lib/node.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                        "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0")
                : List.of();
        List<String> jvm = new ArrayList<>(List.of(javaHome + "/bin/java", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-XX:CompileThresholdScaling=10"));
        // a heap dump on OutOfMemoryError into heapdump/NAME beside the logfile
        jvm.addAll(List.of("-XX:+HeapDumpOnOutOfMemoryError",
                "-XX:HeapDumpPath=" + log.substring(0, log.lastIndexOf('/')) + "/heapdump/drover1"));
        jvm.addAll(cds);
        jvm.add("-Djffi.boot.library.path=" + dist + "/lib/jni");
        jvm.addAll(List.of("-cp", dist + "/lib/*"));
        assertEquals(concat(jvm, List.of("io.drover.cli.Main", "worker", "--detach",
                "-n", "drover1@" + host, "--pidfile=" + state, "--logfile=" + log, "-c", "3")),
                ShellWords.split(r.outLines().get(0)));
    }

    @Test
    void arguments_with_blanks_reach_drover_intact() {
        Result r = drover("multi", "expand", "a  b %n", "w1");
        assertOk(r);
        assertEquals(List.of("a  b w1"), r.outLines());
    }

    // ---- bad input

    @ParameterizedTest(name = "drover {0}")
    @ValueSource(strings = {"multi foo", "multi show", "multi show 3 -c:4 5", "multi show 3 -c:0 5",
        "multi show a b -c:1-2 3", "multi show 2 -c %x", "multi expand %q 2", "multi show a -c:zz 1",
        "multi show 2 --timeout", "--no-such-option", "multi names 0"})
    void usage_error_is_exit_64_on_stderr_without_a_stack_trace(String line) {
        Result r = drover(words(line));
        assertEquals(64, r.code(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertFalse(r.err().isBlank(), r::toString);
        assertNoStackTrace(r);
    }

    @Test
    void get_of_a_missing_node_is_exit_1_with_a_message() {
        Result r = drover("multi", "get", "nope", "2");
        assertEquals(1, r.code(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().contains("nope"), r::toString);
        assertNoStackTrace(r);
    }

    // ---- output through a pipe

    /**
     * A multi command ends with Runtime.halt once it flushed what it printed (Main.main): no
     * shutdown hook flushes anything after that. Output larger than a pipe holds (64 KiB) makes
     * the command wait for its reader, so every byte must be written before the halt: the
     * lines come whole, in order, and the exit code is the command's, on stdout and on stderr.
     */
    @Test
    void a_multi_commands_large_output_reaches_a_pipe_whole_with_its_exit_code() throws Exception {
        Result names = piped("multi", "names", "10000", "--range-prefix=lpipe");
        assertOk(names);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 10000; i++) {
            expected.add("lpipe" + i + "@" + host);
        }
        List<String> got = names.outLines();
        assertTrue(expected.equals(got), () -> got.size() + " lines, the last " + (got.isEmpty() ? "none" : got.get(got.size() - 1)));
        assertTrue(names.out().endsWith("\n"), "the last line is whole");

        // the same command into a file: the pipe got every byte of it
        Result json = piped("multi", "--json", "show", "300", "--range-prefix=lpipe");
        assertOk(json);
        assertTrue(json.out().length() > 128 * 1024, "more than a pipe holds: " + json.out().length());
        assertEquals(drover("multi", "--json", "show", "300", "--range-prefix=lpipe").out(), json.out());
        assertTrue(json.out().contains("\"name\":\"lpipe300\"") && json.out().endsWith("]\n"), json.out());

        Result expand = piped("multi", "expand", "/var/run/drover/%n.pid", "10000", "--range-prefix=lpipe");
        assertOk(expand);
        assertEquals(10000, expand.outLines().size());
        assertEquals("/var/run/drover/lpipe10000.pid", expand.outLines().get(9999));

        Result refused = piped("multi", "names", "10001", "--range-prefix=lpipe");
        assertEquals(64, refused.code(), refused::toString);
        assertEquals("", refused.out());
        assertEquals(1, refused.errLines().size(), refused::toString);
    }

    /** The launcher run with its stdout and stderr on pipes this test reads. */
    Result piped(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("JAVA_HOME", javaHome);
        pb.environment().put("DROVER_STATE_DIR", tmp.resolve("state").toString());
        for (String name : List.of("DROVER_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS")) {
            pb.environment().remove(name);
        }
        Process p = pb.start();
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
            fail(command + " did not finish within " + DEADLINE_SECONDS + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err.get(DEADLINE_SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    // ---- where it runs from

    @Test
    void launcher_works_from_another_working_directory() {
        Result r = droverIn(tmp, Map.of(), "multi", "names", "2");
        assertOk(r);
        assertEquals(List.of("drover1@" + host, "drover2@" + host), r.outLines());
    }

    @Test
    void launcher_works_by_relative_path() {
        Result r = exec(List.of("../bin/drover", "multi", "names", "1"), Map.of(), dist.resolve("lib"));
        assertOk(r);
        assertEquals(List.of("drover1@" + host), r.outLines());
    }

    @Test
    void launcher_works_through_an_absolute_symlink_in_a_temp_dir() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("drover"), launcher);
        Result r = exec(List.of(link.toString(), "multi", "show", "1"), Map.of(), tmp);
        assertOk(r);
        assertTrue(ShellWords.split(r.out()).contains(dist + "/lib/*"), r::toString);
    }

    @Test
    void launcher_works_through_a_chain_of_relative_symlinks() throws IOException {
        Files.createDirectories(tmp.resolve("a"));
        Files.createDirectories(tmp.resolve("b"));
        Files.createSymbolicLink(tmp.resolve("b/drover2"), launcher);
        Files.createSymbolicLink(tmp.resolve("a/drover"), Path.of("../b/drover2"));
        Result fromTmp = exec(List.of("a/drover", "multi", "names", "1"), Map.of(), tmp);
        assertOk(fromTmp);
        Result fromA = exec(List.of("./drover", "multi", "names", "1"), Map.of(), tmp.resolve("a"));
        assertOk(fromA);
        assertEquals(List.of("drover1@" + host), fromA.outLines());
    }

    @Test
    void launcher_works_through_a_symlinked_installation_directory() throws IOException {
        Path current = Files.createSymbolicLink(tmp.resolve("current"), dist);
        Result r = exec(List.of(current.resolve("bin/drover").toString(), "multi", "names", "1"), Map.of(), tmp);
        assertOk(r);
        assertEquals(List.of("drover1@" + host), r.outLines());
    }

    @Test
    void launcher_works_through_a_symlinked_bin_directory() throws IOException {
        Path bin = Files.createSymbolicLink(tmp.resolve("bin"), dist.resolve("bin"));
        Result r = exec(List.of(bin.resolve("drover").toString(), "multi", "names", "1"), Map.of(), tmp);
        assertOk(r);
        assertEquals(List.of("drover1@" + host), r.outLines());
    }

    // ---- which java, which options

    static Stream<String> javaHomes() {
        Set<String> homes = new TreeSet<>();
        homes.add(Path.of(System.getProperty("java.home")).toAbsolutePath().toString());
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        if (Files.isExecutable(temurin.resolve("bin/java"))) {
            homes.add(temurin.toString());
        }
        return homes.stream();
    }

    @ParameterizedTest(name = "JAVA_HOME={0}")
    @MethodSource("javaHomes")
    void java_home_is_honoured_over_java_on_the_path(String home) throws IOException {
        // A java on PATH that fails loudly: the launcher must not pick it when JAVA_HOME is set.
        Path fakeBin = Files.createDirectories(tmp.resolve("fakebin"));
        Path fakeJava = fakeBin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho 'wrong java' >&2\nexit 42\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        // (without archives: on a JDK other than the build's, the first command would build its
        // own, which DistributionIT checks, into the shared installation)
        Map<String, String> env = Map.of("JAVA_HOME", home, "PATH", fakeBin + ":" + System.getenv("PATH"),
                "DROVER_CDS_BUILDING", "1");
        Result r = droverIn(tmp, env, "--version");
        assertOk(r);
        assertTrue(r.out().contains("(" + Path.of(home).toRealPath() + ")"), r::toString);
        Result show = droverIn(tmp, env, "multi", "show", "1");
        assertOk(show);
        assertEquals(Path.of(home).toRealPath() + "/bin/java", ShellWords.split(show.out()).get(0), show::toString);
    }

    @ParameterizedTest(name = "JAVA_HOME={0}")
    @ValueSource(strings = {"/nonexistent/jdk", "/tmp"})
    void bogus_java_home_exits_69_with_a_message(String home) {
        Result r = droverIn(tmp, Map.of("JAVA_HOME", home), "--version");
        assertEquals(69, r.code(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().contains("JAVA_HOME"), r::toString);
        assertTrue(r.err().contains(home), r::toString);
    }

    @Test
    void no_java_home_and_no_java_on_the_path_exits_69_with_a_message() throws IOException {
        // Only the tools the launcher itself needs, and no java.
        Path bin = Files.createDirectories(tmp.resolve("nojava"));
        for (String tool : List.of("dirname", "readlink")) {
            Path real = Stream.of("/usr/bin/", "/bin/").map(d -> Path.of(d + tool))
                    .filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError(tool + " not found"));
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", null);
        env.put("PATH", bin.toString());
        Result r = droverIn(tmp, env, "--version");
        assertEquals(69, r.code(), r::toString);
        assertTrue(r.err().contains("java"), r::toString);
    }

    @Test
    void empty_java_home_falls_back_to_java_on_the_path() {
        Result r = droverIn(tmp, Map.of("JAVA_HOME", ""), "multi", "names", "1");
        assertOk(r);
    }

    @Test
    void drover_java_opts_are_passed_to_the_jvm_word_by_word() {
        Result r = droverIn(tmp, Map.of("DROVER_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xmx64m"), "multi", "names", "1");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("-XX:+PrintCommandLineFlags"), r::toString);
        assertTrue(r.out().contains("-XX:MaxHeapSize=67108864"), r::toString);
        assertTrue(r.outLines().contains("drover1@" + host), r::toString);
    }

    @Test
    void invalid_drover_java_opts_reach_the_jvm_which_refuses_them() {
        Result r = droverIn(tmp, Map.of("DROVER_JAVA_OPTS", "-XX:+NoSuchDroverTestFlag"), "multi", "names", "1");
        assertTrue(r.code() != 0, r::toString);
        assertTrue(r.err().contains("NoSuchDroverTestFlag"), r::toString);
    }

    // ---- the JVM the launcher starts, by what runs

    /** The flags of the JVM the launcher starts for {@code line}, as -XX:+PrintCommandLineFlags prints them. */
    String jvmFlags(String line) {
        Result r = droverIn(tmp, Map.of("DROVER_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), words(line));
        assertEquals(0, r.code(), r::toString);
        return " " + r.outLines().get(0).trim() + " ";
    }

    /** systemd's, supervisord's and the container's files run a node so: its application keeps C2. */
    @ParameterizedTest(name = "drover {0}")
    @ValueSource(strings = {"worker --help", "beat --help"})
    void a_node_run_in_the_foreground_gets_the_jvm_multi_start_gives_a_node(String line) {
        String flags = jvmFlags(line);
        assertFalse(flags.contains(" -XX:TieredStopAtLevel="), "both JIT tiers for a node: " + flags);
        for (String option : io.drover.launch.NodeLaunch.DEFAULT_JVM_OPTIONS) {
            assertTrue(flags.contains(" " + option), option + " missing from " + flags);
        }
        if (Files.exists(dist.resolve("lib/node.jsa"))) {
            assertTrue(flags.contains(" -XX:SharedArchiveFile=" + dist + "/lib/node.jsa "), flags);
            assertTrue(flags.contains(" -XX:ArchiveRelocationMode=0 "), flags);
        }
    }

    @Test
    void a_command_runs_on_c1_alone_and_supervise_with_a_small_young_generation() {
        for (String line : List.of("multi names 1", "worker --detach --help", "multi supervise --help")) {
            String flags = jvmFlags(line);
            boolean supervise = line.startsWith("multi supervise");
            assertTrue(flags.contains(" -XX:TieredStopAtLevel=1 "), line + ": " + flags);
            // a command compiles later, and so does supervise: what it runs to start its nodes is not hot
            assertTrue(flags.contains(" -XX:CompileThresholdScaling=5"), line + ": " + flags);
            assertEquals(supervise, flags.contains(" -XX:MaxNewSize=2097152 "), line + ": " + flags);
            if (Files.exists(dist.resolve("lib/cli.jsa"))) {
                // moved, the archives' pointers are rewritten at every command's start
                assertTrue(flags.contains(" -XX:ArchiveRelocationMode=0 "), line + ": " + flags);
            }
        }
    }

    // ---- commands that only compute

    @ParameterizedTest(name = "drover {0}")
    @MethodSource("computeCommands")
    void compute_command_loads_no_jnr(String line) {
        Result r = droverIn(tmp, Map.of("DROVER_JAVA_OPTS", "-Xlog:class+load=info"), words(line));
        assertEquals(0, r.code(), r::toString);
        List<String> loaded = r.outLines().stream().filter(l -> l.contains("[class,load]")).toList();
        assertTrue(loaded.stream().anyMatch(l -> l.contains("io.drover.cli.Main")), "class loading is logged");
        List<String> native_ = loaded.stream()
                .filter(l -> l.contains(" jnr.") || l.contains("com.kenai.jffi"))
                .toList();
        assertEquals(List.of(), native_, "classes of jnr-posix/jffi loaded by " + line);
    }

    /** The control for the test above: the same filter sees jnr when a JVM does load it. */
    @Test
    void class_load_log_shows_jnr_when_a_jvm_loads_it() {
        Result r = exec(List.of(javaHome + "/bin/java", "-Xlog:class+load=info", "-cp", dist + "/lib/*",
                "jnr.posix.util.Platform"), Map.of(), tmp);
        assertTrue(r.outLines().stream().anyMatch(l -> l.contains("[class,load]") && l.contains(" jnr.")), r::toString);
    }

    static Stream<String> computeCommands() {
        return COMPUTE_COMMANDS.stream();
    }

    @Test
    void compute_commands_leave_the_working_directory_empty() throws IOException {
        Path cwd = Files.createDirectory(tmp.resolve("cwd"));
        for (String line : COMPUTE_COMMANDS) {
            Result r = droverIn(cwd, Map.of("HOME", cwd.toString(), "XDG_STATE_HOME", cwd + "/state"), words(line));
            assertEquals(0, r.code(), () -> line + "\n" + r);
        }
        try (Stream<Path> left = Files.list(cwd)) {
            assertEquals(List.of(), left.toList());
        }
    }

    // ---- the distribution archive

    static Path tarball() throws IOException {
        try (Stream<Path> target = Files.list(dist.getParent())) {
            return target.filter(p -> p.getFileName().toString().matches("drover-.+-bin\\.tar\\.gz"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no drover-VERSION-bin.tar.gz next to " + dist));
        }
    }

    /**
     * name inside drover-VERSION/ -> mode string ({@code -rwxr-xr-x}), from {@code tar tzvf}; every
     * entry is in that one directory (DistributionIT says so in its own words).
     */
    Map<String, String> tarListing() throws IOException {
        Result r = exec(List.of("tar", "tzvf", tarball().toString()), Map.of(), tmp);
        assertEquals(0, r.code(), r::toString);
        String top = "drover-" + packagedVersion() + "/";
        Map<String, String> entries = new HashMap<>();
        for (String line : r.outLines()) {
            String[] f = line.trim().split("\\s+");
            String name = f[f.length - 1];
            assertTrue(name.startsWith(top), name + " is not in " + top);
            if (!name.equals(top)) {
                entries.put(name.substring(top.length()), f[0]);
            }
        }
        return entries;
    }

    @Test
    void tarball_contains_the_executable_launcher() throws IOException {
        Map<String, String> entries = tarListing();
        assertEquals("-rwxr-xr-x", entries.get("bin/drover"), entries::toString);
    }

    @Test
    void tarball_contains_the_jars_readme_and_license() throws IOException {
        Set<String> names = tarListing().keySet();
        assertTrue(names.stream().anyMatch(n -> n.matches("lib/drover-[^/]+\\.jar")), names::toString);
        assertTrue(names.stream().anyMatch(n -> n.matches("lib/picocli-[^/]+\\.jar")), names::toString);
        assertTrue(names.contains("README.md"), names::toString);
        assertTrue(names.contains("LICENSE"), names::toString);
    }

    @Test
    void tarball_holds_the_same_files_as_the_distribution_directory() throws IOException {
        Set<String> inTar = tarListing().entrySet().stream()
                .filter(e -> e.getValue().startsWith("-"))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> inDir;
        try (Stream<Path> files = Files.walk(dist)) {
            inDir = files.filter(Files::isRegularFile)
                    .map(p -> dist.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        // The class-data-sharing archives and ahead-of-time caches hold the build's paths, and
        // lib/cds.java the build's java: the tarball leaves them out (bin/drover-cds makes them
        // where the tarball is unpacked).
        inDir.removeIf(name -> name.endsWith(".jsa") || name.endsWith(".aot") || name.equals("lib/cds.java"));
        assertEquals(inDir, inTar);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void unpacked_tarball_runs() throws IOException {
        Path unpacked = Files.createDirectory(tmp.resolve("unpacked"));
        Result untar = exec(List.of("tar", "xzf", tarball().toString(), "-C", unpacked.toString()), Map.of(), tmp);
        assertEquals(0, untar.code(), untar::toString);
        Path home = unpacked.resolve("drover-" + packagedVersion());
        Result r = exec(List.of(home.resolve("bin/drover").toString(), "multi", "names", "2"), Map.of(), tmp);
        // the first command also builds the class-data archives, and says so on stderr (DistributionIT)
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("drover1@" + host, "drover2@" + host), r.outLines());
    }
}
