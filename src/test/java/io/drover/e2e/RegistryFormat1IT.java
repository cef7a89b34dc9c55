package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: a node registry record written by e48272f (format 1, the command line stored as
 * {@code argv.N}) restarts its node with the options it was started with, on this
 * installation's java, class path and JVM flags. The record in
 * src/test/resources/io/drover/registry/format1/ is the file e48272f wrote, its temporary
 * directory replaced by a placeholder (see the README beside it). Its installation, a scratch
 * build, is gone: re-running the recorded command line as written cannot work (and did not on
 * 250a267, which ran it without the {@code -Djffi.boot.library.path} that nodes need since).
 */
class RegistryFormat1IT extends DroverTest {
    static final String RECORD = "/io/drover/registry/format1/format1@recorded.example.node";
    static final String NODENAME = "format1@recorded.example";

    @Test
    void a_node_recorded_by_e48272f_restarts_with_its_recorded_options() throws IOException {
        installRecord();
        About about = about();

        Drover.Result restart = drover.multi("restart", NODENAME);

        assertEquals(0, restart.exitCode(), restart::toString);
        long pid = drover.pid("format1");
        assertEquals("drover multi v" + about.version() + "\n> Restarting nodes...\n\t> " + NODENAME + ": OK (pid "
                + pid + ")\n", restart.stdout(), restart::toString);
        // nothing on stderr but the warning root gets for the built-in demo (issue 28)
        assertEquals("drover: warning: running " + NODENAME + " as root (the built-in demo): give --uid USER to run it"
                + " as that user\n", restart.stderr(), restart::toString);
        assertTrue(Procs.alive(pid), () -> "pid " + pid + " is not running\n" + restart);

        List<String> argv = Procs.argv(pid);
        assertEquals(about.java(), argv.get(0), () -> "not this installation's java: " + argv);
        int cp = argv.indexOf("-cp");
        assertTrue(cp > 0 && argv.subList(0, cp).contains("-Xmx96m"), () -> "the recorded --jvm-opts is not a JVM option: " + argv);
        Path home = Drover.launcher().toRealPath().getParent().getParent();
        assertEquals(home + "/lib/*", argv.get(cp + 1), () -> "not this installation's classpath: " + argv);
        int main = argv.indexOf("io.drover.cli.Main");
        assertTrue(main > cp, () -> "no io.drover.cli.Main: " + argv);
        assertEquals(List.of("worker", "--detach", "-n", NODENAME, "--pidfile=" + dir + "/format1.pid",
                "--logfile=" + dir + "/format1%I.log", "-c", "3", "-Q", "a,b", "-l", "DEBUG", "--umask=027",
                "--jvm-opts=-Xmx96m", "--", "--extra", "x y"), argv.subList(main + 1, argv.size()));

        // the start rewrote the record as format 2: its options typed, no command line kept
        String record = Files.readString(dir.resolve(".state").resolve(NODENAME + ".node"), StandardCharsets.ISO_8859_1);
        assertTrue(record.contains("format=2") && !record.contains("argv."), record);
        assertTrue(record.contains("option.0=-c") && record.contains("value.0=3"), record);

        Drover.Result stop = drover.multi("stopwait", NODENAME);
        assertEquals(0, stop.exitCode(), stop::toString);
        assertFalse(Procs.alive(pid), stop::toString);
    }

    /**
     * The record, its placeholders filled, as the registry requires it: a 0700 directory of ours
     * ({@code DROVER_STATE_DIR}, which {@link Drover} sets to {@code D/.state}) and a 0600 file.
     */
    private void installRecord() throws IOException {
        String text;
        try (InputStream in = RegistryFormat1IT.class.getResourceAsStream(RECORD)) {
            assertNotNull(in, RECORD + " is not on the test class path");
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // java.util.Properties' encoding
        }
        // a backslash would be read back as an escape by java.util.Properties
        assertFalse(dir.toString().contains("\\"), dir::toString);
        text = text.replace("@DIR@", dir.toString());
        Path state = dir.resolve(".state");
        Files.createDirectory(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        Path record = state.resolve(NODENAME + ".node");
        Files.createFile(record, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(record, text, StandardCharsets.ISO_8859_1);
    }

    private record About(String version, String java) {}

    private static final Pattern ABOUT = Pattern.compile("drover (\\S+)\nJava \\S+ \\((.+)\\)\n");

    /** {@code drover -V}: this installation's version and the java its nodes run on. */
    private About about() {
        Drover.Result v = drover.run("-V");
        Matcher m = ABOUT.matcher(v.stdout());
        assertTrue(v.exitCode() == 0 && m.matches(), v::toString);
        return new About(m.group(1), m.group(2) + "/bin/java");
    }
}
