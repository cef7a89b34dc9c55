package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.e2e.Drover.Result;
import io.drover.fixtures.MainClassApp;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;

/** Issue 10, item 8: messages say what happened, and name what the operator has to fix. */
class MessagesIT extends DroverTest {
    private static final String HOST = Drover.hostname();
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");

    /** {@code D/lib/app.jar} holding the main-class fixture: a directory of jars and nothing else. */
    private Path libWithOneJar() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        String entry = MainClassApp.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(lib.resolve("app.jar"));
             JarOutputStream jar = new JarOutputStream(file)) {
            jar.putNextEntry(new JarEntry(entry));
            jar.write(Files.readAllBytes(Path.of(Drover.testClasses(), entry)));
            jar.closeEntry();
        }
        return lib;
    }

    @Test
    void a_classpath_directory_holding_only_jars_hints_dir_star_and_the_hint_works() throws IOException {
        Path lib = libWithOneJar();

        Result wrong = drover.multi(FORCE_ROOT, "start", "1", "-A", MainClassApp.class.getName(), "--classpath=" + lib);
        assertEquals(1, wrong.exitCode(), wrong::toString);
        assertTrue(wrong.lineFor("drover1@" + HOST).contains("--classpath='" + lib + "/*'"), wrong::toString);

        Result right = drover.multi(FORCE_ROOT, "start", "1", "-A", MainClassApp.class.getName(),
                "--classpath=" + lib + "/*");
        assertEquals(0, right.exitCode(), right::toString);
        assertEquals(0, drover.multi("stopwait", "1").exitCode());
    }

    @Test
    void a_classpath_entry_that_does_not_exist_is_named_when_the_class_is_not_found() {
        String missing = dir + "/no-such.jar";

        Result r = drover.multi(FORCE_ROOT, "start", "1", "-A", "com.example.Missing",
                "--classpath=" + Drover.testClasses() + ":" + missing);

        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.lineFor("drover1@" + HOST).contains(missing + " does not exist"), r::toString);
        assertFalse(r.lineFor("drover1@" + HOST).contains(Drover.testClasses() + " does not exist"), r::toString);
    }

    /**
     * Root in a user namespace that maps only root (a rootless container) owns its files but
     * cannot give them to any other user: chown(2) says EINVAL. The message must name the user,
     * and the directory made for it must not be left behind.
     */
    @Test
    void a_directory_root_cannot_give_to_the_uid_user_is_exit_73_naming_the_user() throws Exception {
        assumeTrue(runs("unshare", "-U", "-r", "true"), "user namespaces are not available here");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        // a name of its own: a drover1 another class runs at the same time would be "already runs"
        Result r = inRootOnlyNamespace("multi", "start", "1", "--range-prefix=msgns", "--uid", "nobody",
                "--pidfile=" + dir + "/run/%n.pid", "--logfile=" + dir + "/log/%n%I.log");

        assertEquals(73, r.exitCode(), r::toString);
        String line = r.lineFor("msgns1@" + HOST);
        assertTrue(line.contains("nobody"), "the user is named:\n" + r);
        assertTrue(line.contains(dir + "/run"), "the directory is named:\n" + r);
        assertFalse(Files.exists(dir.resolve("run")), "the directory made for nobody was left behind");
        assertFalse(Files.exists(dir.resolve("log")), "the directory made for nobody was left behind");
    }

    private static boolean runs(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** The launcher under {@code unshare -U -r}; its output goes to files outside D. */
    private Result inRootOnlyNamespace(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("unshare", "-U", "-r", Drover.launcher().toString()));
        argv.addAll(List.of(args));
        File out = File.createTempFile("drover-userns", ".out");
        File err = File.createTempFile("drover-userns", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out).redirectError(err)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("DROVER_"));
            Process p = pb.start();
            if (!p.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("hung: " + argv);
            }
            return new Result(argv, p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out.toPath());
            Files.deleteIfExists(err.toPath());
        }
    }
}
