package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.cli.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover multi export systemd}, run by the built launcher: its files pass systemd-analyze
 * verify without a word, and a real private systemd runs three exported nodes with distinct
 * options, each with exactly the argv {@code multi show} prints (less --detach), active only
 * once ready, all stopped warm by {@code systemctl stop drover.target}.
 *
 * <p>It runs beside other classes: each private systemd has its own mount namespace, journal
 * and cgroup (PrivateSystemd), every path of the units is in the temp dir, and the nodes systemd
 * runs by hand, which hold their names in every namespace, are {@code sxn1..3} and
 * {@code sxs1, sxs2}, not the {@code drover1..} other tests start.
 */
class SystemdExportIT {
    static Path dist;
    static String host;

    @TempDir(factory = UnitsTempDir.class)
    Path tmp;

    Sandbox box;
    PrivateSystemd systemd;

    @BeforeAll
    static void findTheDistribution() throws IOException {
        dist = Sandbox.unitDist();
        host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    }

    @BeforeEach
    void sandbox() {
        box = new Sandbox(tmp);
    }

    @AfterEach
    void tearDown() {
        try {
            if (systemd != null) {
                systemd.close();
            }
        } finally {
            box.close();
        }
    }

    Sandbox.Result drover(List<String> args) {
        List<String> command = new ArrayList<>(List.of(dist.resolve("bin/drover").toString()));
        command.addAll(args);
        return box.run(command, Map.of("JAVA_HOME", Sandbox.javaHome()), false);
    }

    /**
     * The three nodes: one option of its own each, and % and $ that systemd must leave alone. The
     * application is given to the nodes 1-3, not to all: beat takes only what all are given, so
     * it runs its demo schedule.
     */
    List<String> nodes(Path go) {
        return List.of("3", "--range-prefix=sxn", "-A:1-3", "io.drover.fixtures.ReadyWhenFileApp", "--classpath=" + Sandbox.unitTestClasses(),
                "--pidfile=" + tmp + "/run/%n.pid", "--logfile=" + tmp + "/log/%n%I.log",
                "-c", "2", "-c:1", "3", "-Q:2", "slow,%n", "--jvm-opts:3=-Dexport.test=$HOME%%p",
                "--", go.toString());
    }

    Map<String, String> exported(Path out) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(out.relativize(f).toString(), Files.readString(f));
            }
        }
        return files;
    }

    @Test
    void every_exported_file_passes_systemd_analyze_verify_without_a_warning() throws IOException {
        Path out = tmp.resolve("units");
        List<String> args = new ArrayList<>(List.of("multi", "export", "systemd"));
        args.addAll(nodes(tmp.resolve("go")));
        args.addAll(2, List.of("--out", out.toString(), "--beat", "--timeout=45"));
        Sandbox.Result r = drover(args);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("install: cp -R " + out + "/. /etc/systemd/system/ && systemctl daemon-reload"), r.out());
        assertTrue(r.out().contains("start:   systemctl enable --now drover.target"), r.out());
        Map<String, String> files = exported(out);
        assertEquals(List.of("drover.target", "drover@.service", "drover@sxn1.service.d/50-export.conf",
                "drover@sxn2.service.d/50-export.conf", "drover@sxn3.service.d/50-export.conf",
                "droverbeat.service", "droverbeat.service.d/50-export.conf"), files.keySet().stream().sorted().toList());
        assertTrue(files.get("drover@sxn1.service.d/50-export.conf").contains("TimeoutStopSec=45"));

        Sandbox.Result v = box.run(List.of("systemd-analyze", "verify", out.resolve("drover@sxn1.service").toString(),
                out.resolve("drover@sxn2.service").toString(), out.resolve("drover@sxn3.service").toString(),
                out.resolve("droverbeat.service").toString(), out.resolve("drover.target").toString()), Map.of(), false);
        assertEquals(0, v.code(), v.toString());
        assertEquals("", v.out(), v.toString());
        assertEquals("", v.err(), v.toString());
    }

    /** The argv of a process, word by word. */
    static List<String> argv(long pid) {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
            return Arrays.asList(raw.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    String detail(String unit) {
        StringBuilder s = new StringBuilder(systemd.systemctl("status", unit).out());
        s.append("\n--- journal\n").append(systemd.journal());
        try (Stream<Path> logs = Files.list(tmp.resolve("log"))) {
            for (Path log : logs.filter(Files::isRegularFile).sorted().toList()) { // not the heap dump directory
                s.append("\n--- ").append(log.getFileName()).append('\n').append(Sandbox.read(log));
            }
        } catch (IOException e) {
            s.append("\n(no logs: ").append(e).append(')');
        }
        return s.toString();
    }

    @Test
    void three_exported_nodes_run_under_systemd_as_show_prints_them_active_once_ready_and_stop_warm_with_the_target()
            throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        Path go = tmp.resolve("go");
        Path out = tmp.resolve("units");
        List<String> export = new ArrayList<>(List.of("multi", "export", "systemd", "--out=" + out, "--beat",
                "--schedule=" + tmp.resolve("lib/beat.schedule")));
        export.addAll(nodes(go));
        Sandbox.Result r = drover(export);
        assertEquals(0, r.code(), r.toString());
        List<String> show = new ArrayList<>(List.of("multi", "show", "--json"));
        show.addAll(nodes(go));
        Sandbox.Result shown = drover(show);
        assertEquals(0, shown.code(), shown.toString());
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Object entry : JsonText.array(shown.out())) {
            Map<String, Object> node = JsonText.object(entry);
            List<String> argv = new ArrayList<>(((List<?>) node.get("argv")).stream().map(String::valueOf).toList());
            assertTrue(argv.remove("--detach"), argv::toString);
            expected.put(String.valueOf(node.get("name")), argv);
        }
        assertTrue(expected.get("sxn1").containsAll(List.of("-c", "3")), expected::toString);
        assertTrue(expected.get("sxn2").contains("slow,sxn2"), expected::toString);
        assertTrue(expected.get("sxn3").contains("-Dexport.test=$HOME%%p"), expected::toString);

        // The user manager cannot switch users, and the fixture is an application run as root.
        // The drover user's home, writable in the sandbox, is the test's lib; the nodes' own
        // directories are the export's, made here as its printed tmpfiles line would.
        for (String dir : List.of("lib", "run", "log")) {
            Files.createDirectories(tmp.resolve(dir));
        }
        Map<String, String> units = new LinkedHashMap<>(exported(out));
        for (String name : List.of("drover@.service", "droverbeat.service")) {
            String template = Render.dropLines(units.get(name), name, "User=", "Group=");
            units.put(name, Render.replace(template, Render.map(
                    "WorkingDirectory=/var/lib/drover", "WorkingDirectory=" + tmp.resolve("lib"),
                    "[Service]\n", "[Service]\nEnvironment=DROVER_FORCE_ROOT=1\n"), name));
        }
        homeInLib(units);
        systemd = PrivateSystemd.boot(box, units);

        systemd.ok("start", "--no-block", "drover.target");
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            String unit = "drover@" + name + ".service";
            long pid = Sandbox.awaitPidfile(tmp.resolve("run/" + name + ".pid"), null, () -> detail(unit));
            pids.put(name, pid);
            Sandbox.await(name + " to wait for its signal file", () -> Sandbox.read(tmp.resolve("log/" + name + ".log"))
                    .contains("ready once"), () -> detail(unit));
            assertEquals("activating", systemd.show(unit, "ActiveState"), () -> detail(unit));
            assertEquals(String.valueOf(pid), systemd.show(unit, "MainPID"), () -> detail(unit));
            assertEquals(expected.get(name), argv(pid), name);
        }
        Sandbox.write(go, "go\n");
        for (String name : expected.keySet()) {
            String unit = "drover@" + name + ".service";
            Sandbox.await(unit + " to become active", () -> "active".equals(systemd.show(unit, "ActiveState")),
                    () -> detail(unit));
        }
        assertEquals("active", systemd.show("drover.target", "ActiveState"));
        // beat, with the options all nodes share, runs its schedule
        long beat = Sandbox.awaitPidfile(tmp.resolve("run/beat.pid"), null, () -> detail("droverbeat.service"));
        assertEquals(String.valueOf(beat), systemd.show("droverbeat.service", "MainPID"), () -> detail("droverbeat.service"));
        assertTrue(argv(beat).contains("--classpath=" + Sandbox.unitTestClasses()), argv(beat)::toString);
        Sandbox.await("beat to run a job", () -> Sandbox.read(tmp.resolve("log/beat.log")).contains("tick: demo.tick ran"),
                () -> detail("droverbeat.service"));

        systemd.ok("stop", "drover.target");
        Sandbox.awaitGone(beat, Duration.ofSeconds(20));
        // systemd sees the process gone a moment before it calls the unit inactive ("deactivating")
        Sandbox.await("droverbeat.service to be inactive", () -> "inactive".equals(systemd.show("droverbeat.service", "ActiveState")),
                () -> detail("droverbeat.service"));
        assertTrue(Sandbox.read(tmp.resolve("log/beat.log")).contains("beat stopped"), () -> detail("droverbeat.service"));
        for (Map.Entry<String, Long> node : pids.entrySet()) {
            String unit = "drover@" + node.getKey() + ".service";
            Sandbox.awaitGone(node.getValue(), Duration.ofSeconds(20));
            Sandbox.await(unit + " to be inactive", () -> "inactive".equals(systemd.show(unit, "ActiveState")),
                    () -> detail(unit));
            assertEquals("success", systemd.show(unit, "Result"), () -> detail(unit));
            assertEquals("0", systemd.show(unit, "ExecMainStatus"), "a warm shutdown exits 0");
            String log = Sandbox.read(tmp.resolve("log/" + node.getKey() + ".log"));
            assertTrue(log.contains("warm shutdown (SIGTERM)"), log);
            assertFalse(Files.exists(tmp.resolve("run/" + node.getKey() + ".pid")), "the pidfile should be removed");
        }
    }

    /**
     * The drop-ins' writable directories with the test's lib for the drover user's home: the
     * sandbox as exported otherwise, the nodes' own directories as the export computed them.
     */
    void homeInLib(Map<String, String> units) {
        for (Map.Entry<String, String> unit : units.entrySet()) {
            if (unit.getKey().endsWith(".d/50-export.conf")) {
                unit.setValue(Render.replace(unit.getValue(), Render.map("\nReadWritePaths=/var/lib/drover ",
                        "\nReadWritePaths=" + tmp.resolve("lib") + " "), unit.getKey()));
            }
        }
    }

    /** Issue 29, item 7: the nodes given to {@code export systemd --supervised}. */
    List<String> supervised(Path out) {
        return List.of("multi", "export", "systemd", "--supervised", "--out", out.toString(), "2",
                "--range-prefix=sxs", "--pidfile=" + tmp + "/run/%n.pid", "--logfile=" + tmp + "/log/%n%I.log",
                "--max-restarts=5", "--timeout=20");
    }

    @Test
    void export_systemd_supervised_writes_one_notify_unit_for_the_cluster_that_passes_verify() throws IOException {
        Path out = tmp.resolve("units");
        Sandbox.Result r = drover(supervised(out));
        assertEquals(0, r.code(), r.toString());
        Map<String, String> files = exported(out);
        assertEquals(List.of("drover-supervise.service", "drover-supervise.service.d/50-export.conf", "drover.target"),
                files.keySet().stream().sorted().toList());
        assertTrue(files.get("drover-supervise.service").contains("Type=notify"), files::toString);
        String dropIn = files.get("drover-supervise.service.d/50-export.conf");
        assertTrue(dropIn.contains("\"io.drover.cli.Main\" \"multi\" \"supervise\" \"2\" \"--range-prefix=sxs\""), dropIn);
        assertTrue(dropIn.contains("\"--max-restarts=5\" \"--timeout=20\""), dropIn);
        assertTrue(dropIn.contains("TimeoutStopSec=50"), dropIn);
        Sandbox.Result v = box.run(List.of("systemd-analyze", "verify", out.resolve("drover-supervise.service").toString(),
                out.resolve("drover.target").toString()), Map.of(), false);
        assertEquals(0, v.code(), v.toString());
        assertEquals("", v.out(), v.toString());
        assertEquals("", v.err(), v.toString());
    }

    @Test
    void the_supervised_unit_runs_supervise_under_systemd_ready_once_its_nodes_are_and_stops_them_warm()
            throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        Path out = tmp.resolve("units");
        Sandbox.Result r = drover(supervised(out));
        assertEquals(0, r.code(), r.toString());
        for (String dir : List.of("lib", "run", "log")) {
            Files.createDirectories(tmp.resolve(dir));
        }
        Map<String, String> units = new LinkedHashMap<>(exported(out));
        String unit = "drover-supervise.service";
        // the user manager cannot switch users; supervise's registry in the test's directory,
        // under the home as the drover user's is (the sandbox lets it write nowhere else)
        units.put(unit, Render.replace(Render.dropLines(units.get(unit), unit, "User=", "Group="), Render.map(
                "WorkingDirectory=/var/lib/drover", "WorkingDirectory=" + tmp.resolve("lib"),
                "[Service]\n", "[Service]\nEnvironment=DROVER_STATE_DIR=" + tmp.resolve("lib/state") + "\n"), unit));
        homeInLib(units);
        systemd = PrivateSystemd.boot(box, units);

        // Type=notify: start returns once supervise said READY=1, after every node was ready
        systemd.ok("start", unit);
        assertEquals("active", systemd.show(unit, "ActiveState"), () -> detail(unit));
        long main = Long.parseLong(systemd.show(unit, "MainPID"));
        assertTrue(argv(main).containsAll(List.of("multi", "supervise")), argv(main)::toString);
        Map<String, Long> nodes = new LinkedHashMap<>();
        for (String name : List.of("sxs1", "sxs2")) {
            long pid = Sandbox.awaitPidfile(tmp.resolve("run/" + name + ".pid"), null, () -> detail(unit));
            assertTrue(Sandbox.read(tmp.resolve("log/" + name + ".log")).contains("ready"), () -> detail(unit));
            assertEquals(main, ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L),
                    "supervise, the unit's main process, is the node's parent");
            nodes.put(name, pid);
        }
        assertTrue(systemd.show(unit, "StatusText").contains("2 of 2 nodes running"), () -> detail(unit));

        systemd.ok("stop", "drover.target");
        for (Map.Entry<String, Long> node : nodes.entrySet()) {
            Sandbox.awaitGone(node.getValue(), Duration.ofSeconds(30));
            String log = Sandbox.read(tmp.resolve("log/" + node.getKey() + ".log"));
            assertTrue(log.contains("warm shutdown (SIGTERM)"), log);
        }
        Sandbox.await(unit + " to be inactive", () -> "inactive".equals(systemd.show(unit, "ActiveState")),
                () -> detail(unit));
        assertEquals("success", systemd.show(unit, "Result"), () -> detail(unit));
        assertEquals("0", systemd.show(unit, "ExecMainStatus"), "supervise exits 0 once every node stopped");
    }
}
