package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 25, class 6: {@code multi export systemd --out DIR} run by root writes the files root
 * then installs into /etc/systemd/system with the {@code cp} it prints. In a directory another
 * user ({@code nobody}) can write, that user planted a {@code .tmp} symbolic link root's export
 * wrote through (a root-only file overwritten), and could add a drop-in of its own with
 * {@code ExecStartPre=+...}. Root's export must refuse such a directory, with exit 77 and one
 * line naming it, before writing anything; in a directory only root can write it still works.
 *
 * <p>The layout: {@code D} (root, 0755) with {@code D/rootonly/secret} (root, 0600, known
 * content). The attacker is a real process of nobody ({@link Attacker}).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecurityExportIT extends DroverTest {
    private static final String SECRET = "root's secret, mode 0600\n";
    private static final int NO_PERMISSION = 77;

    /**
     * {@code UNITS SECRET}: as nobody, in a directory of its own, plants what root's export
     * would write through (the temporary files, symbolic links to the secret) and what root's
     * {@code cp} would install (a drop-in directory with a drop-in that runs as root).
     */
    private static final String PLANT = """
            import os, sys
            units, secret = sys.argv[1:3]
            for tmp in (".drover@.service.tmp", ".drover.target.tmp"):
                os.symlink(secret, os.path.join(units, tmp))
            d = os.path.join(units, "drover@drover1.service.d")
            os.mkdir(d, 0o755)
            os.symlink(secret, os.path.join(d, ".50-export.conf.tmp"))
            with open(os.path.join(d, "60-nobody.conf"), "w") as f:
                f.write("[Service]\\nExecStartPre=+/bin/sh -c 'id > /root/pwned'\\n")
            print("planted", flush=True)
            """;

    private Path rootonly;
    private Path secret;

    @BeforeEach
    void layout() throws IOException {
        assertTrue(Drover.runningAsRoot(), "these tests attack root's export as nobody: run them as root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        rootonly = Files.createDirectory(dir.resolve("rootonly"));
        Files.setPosixFilePermissions(rootonly, PosixFilePermissions.fromString("rwx------"));
        secret = rootonly.resolve("secret");
        Files.writeString(secret, SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void symlinks_and_a_drop_in_nobody_planted_in_its_out_directory_are_refused_and_never_written_through()
            throws IOException {
        Path units = AttackFiles.ownedByNobody(dir.resolve("units"), "rwxr-xr-x");
        Attacker.runOnce(dir.resolve("plant.out"), PLANT, units.toString(), secret.toString());
        List<String> planted = tree(units);

        Drover.Result export = export(units);

        assertEquals(SECRET, Files.readString(secret), () -> "root's export wrote through nobody's symlink into "
                + secret + "\n" + export);
        assertRefused(export, units);
        assertEquals(planted, tree(units), () -> "root's export wrote into nobody's directory\n" + export);
    }

    @Test
    void an_out_directory_of_roots_inside_one_nobody_owns_is_refused() throws IOException {
        Path shared = AttackFiles.ownedByNobody(dir.resolve("shared"), "rwxr-xr-x");
        Path units = Files.createDirectory(shared.resolve("units"));
        Files.setPosixFilePermissions(units, PosixFilePermissions.fromString("rwxr-xr-x"));

        Drover.Result export = export(units);

        // nobody could rename root's units away and put its own directory in its place
        assertRefused(export, shared);
        assertEquals(List.of(), tree(units), () -> "nothing is written\n" + export);
    }

    @Test
    void a_sticky_world_writable_out_directory_is_refused_as_tmp_units_would_be() throws IOException {
        Path units = Files.createDirectory(dir.resolve("units"));
        Files.setAttribute(units, "unix:mode", 01777);

        Drover.Result export = export(units);

        // sticky or not, nobody could create names in it that root's cp would install
        assertRefused(export, units);
        assertEquals(List.of(), tree(units), () -> "nothing is written\n" + export);
    }

    @Test
    void into_a_directory_only_root_can_write_export_writes_root_s_units_again_and_again() throws IOException {
        Path units = Files.createTempDirectory(Path.of("/tmp"), "drover-export-it-");
        try {
            // what mktemp -d makes, in sticky /tmp: the help's example
            Drover.Result first = export(units);
            assertEquals(0, first.exitCode(), first::toString);
            // a leftover of an export that died, and files of the first export to replace
            Files.writeString(units.resolve(".drover.target.tmp"), "half a unit");
            Drover.Result second = export(units);
            assertEquals(0, second.exitCode(), second::toString);
            assertEquals("", second.stderr(), second::toString);
            assertEquals(List.of("drover.target", "drover@.service", "drover@drover1.service.d",
                    "drover@drover1.service.d/50-export.conf"), tree(units));
            for (String file : List.of("drover.target", "drover@.service", "drover@drover1.service.d/50-export.conf")) {
                Path p = units.resolve(file);
                assertTrue(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS), p::toString);
                assertEquals("root", Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName(), p::toString);
            }
            assertTrue(Files.readString(units.resolve("drover@drover1.service.d/50-export.conf")).contains("ExecStart="));
        } finally {
            AttackFiles.deleteTree(units);
        }
    }

    // ---- helpers

    private Drover.Result export(Path units) {
        return drover.run("multi", "export", "systemd", "1", "--out", units.toString());
    }

    /** Exit 77 and one line on stderr that names {@code culprit}. */
    private static void assertRefused(Drover.Result export, Path culprit) {
        assertEquals(NO_PERMISSION, export.exitCode(), export::toString);
        assertEquals(1, export.stderr().lines().count(), export::toString);
        assertTrue(export.stderr().contains(" " + culprit + " "), () -> "names " + culprit + ": " + export);
        assertFalse(export.stdout().contains("cp -R"), () -> "no install command for what was not written\n" + export);
    }


    /** Every name below {@code root}, relative, sorted, with its link target or owner. */
    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).map(p -> describe(root, p)).sorted().toList();
        }
    }

    private static String describe(Path root, Path p) {
        String name = root.relativize(p).toString();
        try {
            if (Files.isSymbolicLink(p)) {
                return name + " -> " + Files.readSymbolicLink(p);
            }
            String owner = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
            return owner.equals("root") ? name : name + " (" + owner + ", " + Files.size(p) + " bytes)";
        } catch (IOException e) {
            return name + " (" + e + ")";
        }
    }

}
