package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code --env-file} (docs/cli.md, docs/security.md "The env file"): its variables reach the
 * application, a restart names the ones that changed and never a value (nor does the registry
 * keep one), and root's drover refuses a file the node's user could point elsewhere.
 */
class EnvFileIT extends DroverTest {
    private static final String HOST = Drover.hostname();
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");

    private static void assertExit(int expected, Drover.Result r) {
        assertEquals(expected, r.exitCode(), r::toString);
    }

    private Drover.Result start(String name, String envFile, String variable) {
        return drover.multi(FORCE_ROOT, "start", name, "--env-file=" + envFile, "--classpath=" + Drover.testClasses(),
                "-A", "io.drover.fixtures.TouchesFileApp", drover.pidfileOption(), drover.logfileOption(),
                "--", dir.resolve(name + ".touched").toString(), variable);
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under the node registry, as text. */
    private String registry() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir.resolve(".state"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    @Test
    void the_variables_reach_the_application_and_a_restart_names_what_changed_never_a_value() throws Exception {
        Path env = dir.resolve("app.env");
        write(env, "# the database\nDB_URL=\"postgres://one-s3cret\"\nKEEP=k1\n");
        try {
            assertExit(0, start("oe1", env.toString(), "DB_URL"));
            assertTrue(drover.log("oe1").contains("env DB_URL=postgres://one-s3cret (fixture)"), drover.log("oe1"));

            write(env, "DB_URL=postgres://two-s3cret\nTOKEN=t0ken-s3cret\n");
            Drover.Result restart = drover.multi(FORCE_ROOT, "restart", "oe1");
            assertExit(0, restart);
            assertEquals("\t> oe1@" + HOST + ": environment changed: DB_URL (added: TOKEN; removed: KEEP)",
                    restart.linesFor("oe1@" + HOST).get(restart.linesFor("oe1@" + HOST).size() - 1), restart::toString);
            assertTrue(drover.log("oe1").contains("env DB_URL=postgres://two-s3cret (fixture)"), drover.log("oe1"));
            assertFalse(restart.output().contains("s3cret"), restart::toString);
            assertFalse(registry().contains("s3cret"), "a value in the registry:\n" + registry());

            Drover.Result again = drover.multi(FORCE_ROOT, "restart", "oe1");
            assertExit(0, again);
            assertFalse(again.output().contains("environment"), again::toString);
        } finally {
            drover.multi("kill", "oe1");
        }
    }

    @Test
    void a_missing_env_file_is_exit_66_before_any_node_runs() {
        Drover.Result r = start("oe3", dir.resolve("none.env").toString(), "X");

        assertExit(66, r);
        assertEquals(1, r.stderr().lines().count(), r::toString);
        assertTrue(r.stderr().contains("none.env does not exist"), r::toString);
        assertFalse(Files.exists(drover.logfile("oe3")), "a node was spawned");
    }

    /**
     * nobody owns the directory of the env file a root node is given and makes the file a link to
     * a file only root can read: root's drover must not read it into the node's environment.
     */
    @Test
    void root_refuses_an_env_file_the_node_s_user_made_a_link_to_root_s_secrets() throws Exception {
        assumeTrue(Drover.runningAsRoot(), "the attack is on root's drover");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = dir.resolve("secret.env");
        write(secret, "SECRET=rootonly-s3cret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path theirs = dir.resolve("nodes");
        Files.createDirectory(theirs);
        Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(Attacker.USER));
        Path link = theirs.resolve("app.env");
        Attacker.runOnce(dir.resolve("attacker.out"), Attacker.SYMLINK, link.toString(), secret.toString());

        Drover.Result r = start("oe2", link.toString(), "SECRET");

        assertExit(77, r);
        assertEquals(1, r.stderr().lines().count(), r::toString);
        assertTrue(r.stderr().contains("--env-file " + link), r::toString);
        assertFalse(drover.log("oe2").contains("rootonly"), drover.log("oe2"));
        assertFalse(Files.exists(drover.logfile("oe2")), "a node was spawned");
    }
}
