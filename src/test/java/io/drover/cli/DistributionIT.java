package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.core.Host;
import io.drover.e2e.Procs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as a user gets it: unpacked into an empty directory, where its first command has
 * no class-data archives (they hold the installation's paths, so the tarball cannot carry them).
 *
 * <p>It runs beside other classes: every installation is unpacked into the test's temp dir,
 * drover-cds's training nodes ({@code cds}, run by hand, and {@code drovercds<pid>-1}) are
 * names no test uses, with their files in drover-cds's own temp dir and registry, the Java 25
 * node is {@code distaot1} in its own registry, and the process-table check looks only for this
 * installation's paths.
 */
class DistributionIT {
    static Path tarball;
    static String version;

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void findTheTarball() throws IOException {
        Path target = Path.of(System.getProperty("drover.dist", "target/drover")).toAbsolutePath().getParent();
        try (Stream<Path> files = Files.list(target)) {
            tarball = files.filter(p -> p.getFileName().toString().matches("drover-.+-bin\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no drover-VERSION-bin.tar.gz in " + target + ": run mvn package"));
        }
        version = tarball.getFileName().toString().replaceFirst("^drover-(.+)-bin\\.tar\\.gz$", "$1");
    }

    static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("drover-dist-it-", ".out");
        Path err = Files.createTempFile("drover-dist-it-", ".err");
        try {
            Process p = builder(dir, command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), command + " did not finish");
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A command run in {@code dir} as a user runs it: no input, this JVM's java, not inside a drover-cds. */
    static ProcessBuilder builder(Path dir, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("DROVER_CDS_BUILDING");
        return pb;
    }

    /** Unpacks the tarball into tmp/unpacked as a user would; returns drover-VERSION/. */
    Path unpack() throws Exception {
        Path into = Files.createDirectories(tmp.resolve("unpacked"));
        Result r = run(into, List.of("tar", "-xzf", tarball.toString()));
        assertEquals(0, r.code(), r::toString);
        return into.resolve("drover-" + version);
    }

    @Test
    void the_tarball_unpacks_into_one_directory_drover_version() throws Exception {
        Result list = run(tmp, List.of("tar", "-tzf", tarball.toString()));
        assertEquals(0, list.code(), list::toString);
        List<String> entries = list.out().lines().toList();
        List<String> outside = new ArrayList<>(entries);
        outside.removeIf(e -> e.startsWith("drover-" + version + "/"));
        assertEquals(List.of(), outside, "entries outside drover-" + version + "/");
        for (String file : List.of("bin/drover", "bin/drover-cds", "lib/drover-" + version + ".jar", "README.md",
                "LICENSE", "extra/generic-init.d/droverd", "docs/man/drover-multi.1")) {
            assertTrue(entries.contains("drover-" + version + "/" + file), file + " missing from the tarball");
        }
        assertTrue(entries.stream().noneMatch(e -> e.endsWith(".jsa") || e.contains(".aot") || e.contains("cds.lock")
                        || e.endsWith("cds.java")),
                "no archive made for the build's own paths");
    }

    @Test
    void the_first_command_after_unpacking_builds_the_archives_and_says_so() throws Exception {
        Path home = unpack();
        Result first = run(tmp, List.of(home.resolve("bin/drover").toString(), "multi", "names", "2"));
        assertEquals(0, first.code(), first::toString);
        String host = Host.current().hostname();
        assertEquals("drover1@" + host + "\ndrover2@" + host + "\n", first.out(), "stdout is the command's alone");
        assertTrue(first.err().contains("building class-data archives"), first::toString);
        assertTrue(first.err().contains("drover-cds: built " + home.resolve("lib/cli.jsa")), first::toString);
        for (String file : List.of("cli.jsa", "node.jsa")) {
            assertTrue(Files.size(home.resolve("lib/" + file)) > 0, file);
        }
        assertFalse(Files.exists(home.resolve("lib/cds.lock")), "the lock is gone");

        Result second = run(tmp, List.of(home.resolve("bin/drover").toString(), "multi", "names", "2"));
        assertEquals(0, second.code(), second::toString);
        assertEquals("", second.err(), "built once, then used silently");
    }

    /**
     * Archives older than drover's jar (a build or an unpacking over the installation) hold
     * classes that are no longer there, and the JVM ignores them without a word: the next
     * command builds them again and says so, as for missing ones; so does the first command of a
     * copy of the installation, whose archives hold the original's path.
     */
    @Test
    void archives_older_than_the_jar_are_built_again_by_the_next_command() throws Exception {
        Path home = unpack();
        String drover = home.resolve("bin/drover").toString();
        Result first = run(tmp, List.of(drover, "multi", "names", "1"));
        assertTrue(first.err().contains("drover-cds: built"), first::toString);
        Path archive = home.resolve("lib/cli.jsa");
        FileTime old = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));
        Files.setLastModifiedTime(archive, old);
        Result stale = run(tmp, List.of(drover, "multi", "names", "1"));
        assertEquals(0, stale.code(), stale::toString);
        assertTrue(stale.err().contains("building class-data archives"), stale::toString);
        assertTrue(Files.getLastModifiedTime(archive).compareTo(old) > 0, "built again");
        Result after = run(tmp, List.of(drover, "multi", "names", "1"));
        assertEquals("", after.err(), "then used silently");

        // A copy of the installation (cp -a keeps the archives' times) holds archives made for the
        // original's path, which its JVM cannot use (-Xshare:on makes that an error, not silence):
        // its first command builds its own, which it can; its path has a blank, which the
        // launcher keeps in one word
        Path copy = tmp.resolve("co py");
        Result cp = run(tmp, List.of("cp", "-a", home.toString(), copy.toString()));
        assertEquals(0, cp.code(), cp::toString);
        List<String> strict = List.of("env", "DROVER_JAVA_OPTS=-Xshare:on", copy.resolve("bin/drover").toString(), "multi", "names", "1");
        Result moved = run(tmp, strict);
        assertEquals(0, moved.code(), moved::toString);
        assertTrue(moved.err().contains("building class-data archives for " + copy.toRealPath() + ","), moved::toString);
        Result copied = run(tmp, strict);
        assertEquals(0, copied.code(), copied::toString);
        assertEquals("", copied.err(), "then used silently");
        Result original = run(tmp, List.of("env", "DROVER_JAVA_OPTS=-Xshare:on", drover, "multi", "names", "1"));
        assertEquals(0, original.code(), original::toString);
        assertEquals("", original.err(), "the original's are still its own");
    }

    /** A training that fails leaves no lock behind: the next drover-cds builds, not "another is building". */
    @Test
    void a_failed_training_leaves_no_lock_and_the_next_build_works() throws Exception {
        Path home = unpack();
        String cds = home.resolve("bin/drover-cds").toString();
        // every JVM of the training refuses to start, the node first
        Result failed = run(tmp, List.of("env", "JAVA_TOOL_OPTIONS=-XX:+DroverNoSuchFlag", cds));
        assertNotEquals(0, failed.code(), failed::toString);
        assertTrue(failed.err().contains("the training node did not start"), failed::toString);
        assertFalse(Files.exists(home.resolve("lib/cds.lock")), "the lock is gone: " + failed);
        Result again = run(tmp, List.of(cds));
        assertEquals(0, again.code(), again::toString);
        assertTrue(Files.size(home.resolve("lib/cli.jsa")) > 0);
    }

    /**
     * Ctrl-C during the training (INT to drover-cds's process group, the training JVM with it)
     * leaves no training node behind: the node the training started runs detached, in a session
     * of its own, so the INT does not reach it, and drover-cds's cleanup stops it. Nor a lock,
     * even when a second Ctrl-C comes while the cleanup runs.
     */
    @Test
    void an_interrupted_build_leaves_no_training_node_and_no_lock() throws Exception {
        Path home = unpack();
        // setsid: drover-cds leads a process group of its own, as a shell's job does
        Process cds = builder(tmp, List.of("setsid", home.resolve("bin/drover-cds").toString()))
                .redirectOutput(tmp.resolve("cds.out").toFile()).redirectError(tmp.resolve("cds.err").toFile()).start();
        String node = "-n drovercds" + cds.pid() + "-";
        try {
            Procs.waitUntil("a training node of drover-cds " + cds.pid(), Procs.PATIENCE,
                    () -> !Procs.pidsWithCmdlineContaining(node).isEmpty() || !cds.isAlive());
            assertTrue(cds.isAlive(), "drover-cds ended before its training node ran");
            Result intr = run(tmp, List.of("kill", "-INT", "--", "-" + cds.pid()));
            assertEquals(0, intr.code(), intr::toString);
            // a second Ctrl-C while the cleanup's kill runs does not end the cleanup half-way
            String cleanup = "multi kill 1 -q --range-prefix=drovercds" + cds.pid() + "-";
            Procs.waitUntil("drover-cds's cleanup to kill its nodes, or its end", Procs.PATIENCE,
                    () -> !Procs.pidsWithCmdlineContaining(cleanup).isEmpty() || !cds.isAlive());
            if (cds.isAlive()) {
                Result again = run(tmp, List.of("kill", "-INT", "--", "-" + cds.pid()));
                assertEquals(0, again.code(), again::toString);
            }
            assertTrue(cds.waitFor(180, TimeUnit.SECONDS), "drover-cds did not end after INT");
            assertEquals(Set.of(), Procs.pidsWithCmdlineContaining(node), "training nodes left: " + Files.readString(tmp.resolve("cds.err")));
            assertFalse(Files.exists(home.resolve("lib/cds.lock")), "the lock is gone");
        } finally {
            cds.destroyForcibly();
            for (long pid : Procs.pidsWithCmdlineContaining(node)) {
                Procs.signal(pid, "KILL");
            }
        }
    }

    /**
     * Java 25 and later read ahead-of-time caches: the first command there builds lib/cli.aot and
     * lib/node.aot, a node maps its cache, and the JDK the build runs keeps its own archives.
     */
    @Test
    void on_java_25_the_first_command_builds_ahead_of_time_caches_and_a_node_maps_its_own() throws Exception {
        Path jdk = Path.of(System.getProperty("drover.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        assumeTrue(Files.isExecutable(jdk.resolve("bin/java")), "needs a JDK 25 at " + jdk + " (-Ddrover.jdk25=HOME)");
        Path home = unpack();
        List<String> on25 = List.of("env", "JAVA_HOME=" + jdk, "DROVER_STATE_DIR=" + tmp.resolve("state"),
                home.resolve("bin/drover").toString());
        Result first = run(tmp, concat(on25, "multi", "names", "2"));
        assertEquals(0, first.code(), first::toString);
        assertTrue(first.err().contains("drover-cds: built " + home.resolve("lib/cli.aot") + " "), first::toString);
        assertTrue(Files.size(home.resolve("lib/node.aot")) > 0);
        assertFalse(Files.exists(home.resolve("lib/cli.jsa")), "no CDS archive for a JDK that takes caches");
        Result second = run(tmp, concat(on25, "multi", "names", "2"));
        assertEquals("", second.err(), "built once, then used silently");

        // A cache's classes all load when its JVM starts: names maps the cache of the commands
        // that only look, not start's; and it halts, so the System.Logger that System.exit looks
        // up (through every jar of lib/) is never found
        Path classes = tmp.resolve("names-classes.log");
        Result names = run(tmp, concat(List.of("env", "JAVA_HOME=" + jdk, "DROVER_JAVA_OPTS=-XX:+PrintCommandLineFlags"
                + " -Xlog:class+load:file=" + classes, home.resolve("bin/drover").toString()), "multi", "names", "2"));
        assertEquals(0, names.code(), names::toString);
        assertTrue(names.out().contains("-XX:AOTCache=" + home.resolve("lib/look.aot") + " "), names::toString);
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains("io.drover.cli.NamesCommand "), "the class-load log is the command's");
        assertFalse(loaded.contains("jdk.internal.logger."), "multi names found a System.Logger");

        List<String> node = List.of("1", "--range-prefix=distaot", "--pidfile=" + tmp + "/%n.pid", "--logfile=" + tmp + "/%n.log");
        try {
            Result start = run(tmp, concat(on25, Stream.concat(Stream.of("multi", "start"), node.stream()).toArray(String[]::new)));
            assertEquals(0, start.code(), start::toString);
            String pid = Files.readString(tmp.resolve("distaot1.pid")).trim();
            assertTrue(Files.readString(Path.of("/proc", pid, "maps")).contains(home.resolve("lib/node.aot").toString()),
                    "the node maps lib/node.aot");
        } finally {
            run(tmp, concat(on25, Stream.concat(Stream.of("multi", "kill"), node.stream()).toArray(String[]::new)));
        }

        Result on17 = run(tmp, List.of(home.resolve("bin/drover").toString(), "multi", "names", "2"));
        assertEquals(0, on17.code(), on17::toString);
        assertTrue(on17.err().contains("drover-cds: built " + home.resolve("lib/cli.jsa") + " "), on17::toString);
    }

    /**
     * An installation whose archives were built on Java 17 builds its caches when the operator
     * moves it to Java 25; a copy of it builds both kinds again, each at its java's first command.
     */
    @Test
    void a_java_changed_from_17_to_25_gets_its_caches_built_at_its_first_command() throws Exception {
        Path jdk = Path.of(System.getProperty("drover.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        assumeTrue(Files.isExecutable(jdk.resolve("bin/java")), "needs a JDK 25 at " + jdk + " (-Ddrover.jdk25=HOME)");
        Path home = unpack();
        Result on17 = run(tmp, List.of(home.resolve("bin/drover").toString(), "multi", "names", "2"));
        assertTrue(on17.err().contains("drover-cds: built " + home.resolve("lib/cli.jsa") + " "), on17::toString);
        Result on25 = run(tmp, List.of("env", "JAVA_HOME=" + jdk, home.resolve("bin/drover").toString(), "multi", "names", "2"));
        assertEquals(0, on25.code(), on25::toString);
        assertTrue(on25.err().contains("drover-cds: built " + home.resolve("lib/cli.aot") + " "), on25::toString);
        Result again = run(tmp, List.of(home.resolve("bin/drover").toString(), "multi", "names", "2"));
        assertEquals("", again.err(), "back on 17, its archives are still there");

        // A copy holds both kinds, made for the original's path: the first command on 25 builds
        // the caches, and the archives for 17, which the JVM could not use either, are built
        // again at 17's first command (-Xshare:on makes an unusable one an error)
        Path copy = tmp.resolve("copy");
        Result cp = run(tmp, List.of("cp", "-a", home.toString(), copy.toString()));
        assertEquals(0, cp.code(), cp::toString);
        Result copy25 = run(tmp, List.of("env", "JAVA_HOME=" + jdk, copy.resolve("bin/drover").toString(), "multi", "names", "2"));
        assertEquals(0, copy25.code(), copy25::toString);
        assertTrue(copy25.err().contains("drover-cds: built " + copy.resolve("lib/cli.aot") + " "), copy25::toString);
        Result copy17 = run(tmp, List.of("env", "DROVER_JAVA_OPTS=-Xshare:on", copy.resolve("bin/drover").toString(),
                "multi", "names", "2"));
        assertEquals(0, copy17.code(), copy17::toString);
        assertTrue(copy17.err().contains("drover-cds: built " + copy.resolve("lib/cli.jsa") + " "), copy17::toString);
    }

    /**
     * A java on the PATH is a symlink (/usr/bin/java, /etc/alternatives/java) that the operator
     * may point at another JDK without its path changing: the launcher knows the archives' java
     * by the file the link leads to, so a move from 17 to 25 this way gets its caches built too.
     */
    @Test
    void a_java_on_the_path_switched_from_17_to_25_behind_the_same_symlink_gets_its_caches_built() throws Exception {
        Path jdk = jdk25BesideAnOlderBuild();
        Path home = unpack();
        Path alternatives = Files.createDirectories(tmp.resolve("alternatives"));
        Path java = alternatives.resolve("java");
        Files.createSymbolicLink(java, Path.of(System.getProperty("java.home"), "bin/java"));
        List<String> onPath = List.of("env", "-u", "JAVA_HOME", "PATH=" + alternatives + ":" + System.getenv("PATH"),
                home.resolve("bin/drover").toString(), "multi", "names", "2");
        Result on17 = run(tmp, onPath);
        assertEquals(0, on17.code(), on17::toString);
        assertTrue(on17.err().contains("drover-cds: built " + home.resolve("lib/cli.jsa") + " "), on17::toString);

        Files.delete(java);
        Files.createSymbolicLink(java, jdk.resolve("bin/java"));
        Result on25 = run(tmp, onPath);
        assertEquals(0, on25.code(), on25::toString);
        assertTrue(on25.err().contains("drover-cds: built " + home.resolve("lib/cli.aot") + " "), on25::toString);
    }

    /**
     * A JAVA_HOME that is itself a link the operator repoints (sdkman's .../java/current,
     * Debian's /usr/lib/jvm/default-java, an /opt/java/current): the java behind the same path
     * changes from 25 to 17, and drover goes on working on 17, with its archives, instead of
     * handing 17 the options of a 25 cache (-XX:AOTCache), which it refuses to start with.
     */
    @Test
    void a_java_home_link_repointed_from_25_to_17_runs_on_17_with_its_archives() throws Exception {
        Path jdk = jdk25BesideAnOlderBuild();
        Path home = unpack();
        Path current = tmp.resolve("java current");
        Files.createSymbolicLink(current, jdk);
        List<String> names = List.of("env", "JAVA_HOME=" + current, home.resolve("bin/drover").toString(),
                "multi", "names", "2", "--range-prefix=distlink");
        Result on25 = run(tmp, names);
        assertEquals(0, on25.code(), on25::toString);
        assertTrue(on25.err().contains("drover-cds: built " + home.resolve("lib/cli.aot") + " "), on25::toString);

        Files.delete(current);
        Files.createSymbolicLink(current, Path.of(System.getProperty("java.home")));
        Result on17 = run(tmp, names);
        assertEquals(0, on17.code(), on17::toString);
        assertEquals(List.of("distlink1@", "distlink2@"), on17.out().lines().map(l -> l.substring(0, l.indexOf('@') + 1)).toList(),
                on17::toString);
        assertTrue(on17.err().contains("drover-cds: built " + home.resolve("lib/cli.jsa") + " "), on17::toString);
        Result again = run(tmp, names);
        assertEquals(0, again.code(), again::toString);
        assertEquals("", again.err(), "built once, then used silently: " + again);
    }

    /** The JDK 25 to switch to and from while the build's own java is an older one; the test is skipped without. */
    private static Path jdk25BesideAnOlderBuild() {
        Path jdk = Path.of(System.getProperty("drover.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        assumeTrue(Files.isExecutable(jdk.resolve("bin/java")), "needs a JDK 25 at " + jdk + " (-Ddrover.jdk25=HOME)");
        assumeTrue(Runtime.version().feature() < 25, "the build's java is the one before 25");
        return jdk;
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    @Test
    void drover_cds_says_what_it_built() throws Exception {
        Path home = unpack();
        Path registry = tmp.resolve("registry");
        Result r = run(tmp, List.of("env", "DROVER_STATE_DIR=" + registry, home.resolve("bin/drover-cds").toString()));
        assertEquals(0, r.code(), r::toString);
        // its training node is not remembered: the user's status --all does not list it
        try (Stream<Path> records = Files.exists(registry) ? Files.list(registry) : Stream.empty()) {
            assertEquals(List.of(), records.toList(), "drover-cds left node records in the user's registry");
        }
        assertTrue(r.out().matches("(?s)drover-cds: built " + home + "/lib/cli\\.jsa \\(\\d+ MB, the drover command\\) and "
                + home + "/lib/node\\.jsa \\(\\d+ MB, a node\\) for .*java .*\\n"), r::toString);
        // its training node is stopped, not left behind (zombies of PID 1 count as gone)
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            List<String> left = all.filter(p -> p.info().commandLine().orElse("").contains(home + "/lib/"))
                    .filter(p -> !isZombie(p.pid())).map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
            assertEquals(List.of(), left, "processes of this installation left running by drover-cds");
        }
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * The archives root builds (the Debian package's postinst, or an admin running drover-cds by
     * hand for /opt/drover) are read by every user's drover: root's umask 077 must not make them
     * root's alone, or every user's command starts slower, silently (bin/drover skips an archive
     * it cannot read, and says nothing since one is there).
     */
    @Test
    void archives_root_builds_under_umask_077_are_read_by_every_user() throws Exception {
        assumeTrue(Host.isEffectiveRoot(), "needs root, to build as root and read as nobody");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = unpack();
        Result built = run(tmp, List.of("sh", "-c", "umask 077; exec \"$0\"", home.resolve("bin/drover-cds").toString()));
        assertEquals(0, built.code(), built::toString);
        for (String file : List.of("lib/cli.jsa", "lib/node.jsa", "lib/cds.java")) {
            Result read = run(tmp, List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "test", "-r", home.resolve(file).toString()));
            assertEquals(0, read.code(), () -> "nobody cannot read " + file + ": "
                    + PosixFilePermissions.toString(permissions(home.resolve(file))));
        }
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(Path file) {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            return Set.of();
        }
    }

    @Test
    void a_user_who_cannot_write_the_installation_is_told_it_runs_slower_and_how_to_fix_it() throws Exception {
        assumeTrue(Host.isEffectiveRoot(), "needs root, to run as nobody an installation root unpacked");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = unpack();
        Result r = run(tmp, List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                home.resolve("bin/drover").toString(), "multi", "names", "1"));
        assertEquals(0, r.code(), r::toString);
        assertEquals("drover1@" + Host.current().hostname() + "\n", r.out());
        assertEquals("drover: no class-data archives in " + home + "/lib: start-up is slower; run "
                + home + "/bin/drover-cds as the owner of " + home + "/lib to build them\n", r.err());
        assertFalse(Files.exists(home.resolve("lib/cli.jsa")));
    }
}
