package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 31, item 2, hardened by default: every unit drover ships (extra/systemd) and every unit
 * {@code multi export systemd} writes (the nodes, beat, {@code --supervised}, a node that switches
 * to {@code --uid} itself, one whose files are in a home) has an exposure of at most
 * {@value #MAX_EXPOSURE} on {@code systemd-analyze security --offline=true}, which reads the unit
 * file and its drop-ins without a running systemd. An unhardened unit scores 9.2 "UNSAFE".
 * That the nodes still run in the sandbox is SystemdUnitsIT's and SystemdExportIT's to show.
 */
class UnitSecurityIT {
    static final double MAX_EXPOSURE = 3.0;
    private static final Pattern OVERALL = Pattern.compile("Overall exposure level for (\\S+): ([0-9]+\\.[0-9]+) ");

    static Path dist;

    /** One directory for the class: each export writes into a directory of its own in it. */
    @TempDir
    static Path tmp;

    static Sandbox box;

    @BeforeAll
    static void findTheDistributionAndASandbox() {
        dist = Sandbox.dist();
        box = new Sandbox(tmp);
    }

    @AfterAll
    static void closeTheSandbox() {
        box.close();
    }

    /** The unit's overall exposure; the test fails, with every item that counted, above the limit. */
    static void assertHardened(Path unit) {
        Sandbox.Result r = box.run(List.of(Sandbox.requireProgram("systemd-analyze", "systemd").toString(), "security",
                "--offline=true", "--no-pager", unit.toString()),
                // wide enough that the table keeps its last column, the weights, off a terminal
                Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "COLUMNS", "200"), false);
        Matcher m = OVERALL.matcher(r.out());
        if (!m.find()) {
            fail("systemd-analyze security gave no overall exposure for " + unit + ":\n" + r);
        }
        double exposure = Double.parseDouble(m.group(2));
        StringBuilder open = new StringBuilder();
        // the items that add to the exposure end in their weight (✗ or x before them, by locale)
        r.out().lines().filter(l -> l.matches(".*\\s[0-9]\\.[0-9]\\s*$")).forEach(l -> open.append(l).append('\n'));
        assertTrue(exposure <= MAX_EXPOSURE, unit.getFileName() + ": exposure " + exposure + " > " + MAX_EXPOSURE
                + "; what counted:\n" + open + r.err());
    }

    @Test
    void every_shipped_unit_has_an_exposure_of_3_or_lower() {
        for (String unit : SystemdUnitsIT.UNITS) {
            assertHardened(dist.resolve("extra/systemd").resolve(unit));
        }
    }

    /** The shipped units' writable directories, from their one ReadWritePaths= line. */
    static Set<String> writable(String unitText, String unit) {
        List<String> lines = unitText.lines().filter(l -> l.startsWith("ReadWritePaths=")).toList();
        assertEquals(1, lines.size(), unit + ": one ReadWritePaths= line");
        return new LinkedHashSet<>(List.of(lines.get(0).substring("ReadWritePaths=".length()).split(" ")));
    }

    @Test
    void the_shipped_units_may_write_every_directory_of_drover_conf_and_drover_tmpfiles() throws IOException {
        Path extra = dist.resolve("extra/systemd");
        Set<String> needed = new LinkedHashSet<>();
        for (String line : Files.readAllLines(extra.resolve("drover.conf"))) {
            Matcher m = Pattern.compile("^(DROVERD|DROVERBEAT)_(PID_FILE|LOG_FILE|SCHEDULE)=\"(.*)\"$").matcher(line);
            if (m.matches()) {
                needed.add(Path.of(m.group(3)).getParent().toString());
            }
        }
        for (String line : Files.readAllLines(extra.resolve("drover.tmpfiles"))) {
            if (line.startsWith("d ")) {
                needed.add(line.split("\\s+")[1]);
            }
        }
        assertEquals(Set.of("/run/drover", "/var/log/drover", "/var/lib/drover"), needed, "drover.conf's and tmpfiles' directories");
        for (String unit : SystemdUnitsIT.UNITS) {
            String text = Files.readString(extra.resolve(unit));
            assertEquals(needed, writable(text, unit), unit);
            assertTrue(text.contains("WorkingDirectory=/var/lib/drover\n"), unit + ": its working directory is writable");
        }
    }

    Sandbox.Result drover(List<String> args) {
        List<String> command = new ArrayList<>(List.of(dist.resolve("bin/drover").toString()));
        command.addAll(args);
        return box.run(command, Map.of("JAVA_HOME", Sandbox.javaHome()), false);
    }

    /** Exports into a new directory and checks every unit written there, a template through its instances. */
    void assertExportHardened(String name, String... args) throws IOException {
        Path out = tmp.resolve(name);
        List<String> export = new ArrayList<>(List.of("multi", "export", "systemd", "--out=" + out));
        export.addAll(List.of(args));
        Sandbox.Result r = drover(export);
        assertEquals(0, r.code(), r.toString());
        List<Path> units = new ArrayList<>();
        try (Stream<Path> list = Files.list(out)) {
            for (Path p : list.sorted().toList()) {
                String file = p.getFileName().toString();
                if (file.endsWith(".service.d")) {
                    // drover@NAME.service is its template with this drop-in: systemd-analyze finds both
                    units.add(out.resolve(file.substring(0, file.length() - 2)));
                } else if (file.endsWith(".service") && !file.contains("@")) {
                    units.add(p);
                }
            }
        }
        assertTrue(units.size() >= 2, name + ": " + units);
        units.forEach(UnitSecurityIT::assertHardened);
    }

    @Test
    void every_unit_export_systemd_writes_for_nodes_and_beat_has_an_exposure_of_3_or_lower() throws IOException {
        assertExportHardened("nodes", "3", "--range-prefix=usx", "-c:1", "3", "--pidfile=/srv/usx/run/%n.pid",
                "--logfile=/srv/usx/log/%n%I.log", "--beat", "--schedule=/srv/usx/beat.schedule");
    }

    @Test
    void the_supervised_unit_and_beat_have_an_exposure_of_3_or_lower() throws IOException {
        assertExportHardened("supervised", "--supervised", "2", "--range-prefix=usx", "--max-restarts=5", "--beat");
    }

    @Test
    void a_node_that_switches_user_itself_and_one_with_files_in_a_home_still_have_an_exposure_of_3_or_lower()
            throws IOException {
        assertExportHardened("loosened", "usx1", "usx2", "--uid:usx1=drover", "--gid:usx1=drover",
                "--logfile:usx2=/home/usx/%n.log");
    }
}
