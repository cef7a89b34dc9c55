package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * extra/systemd as shipped in the distribution: the units pass systemd-analyze verify, the
 * EnvironmentFile documents every variable the units use, the tmpfiles.d file makes its
 * directories, and a real private systemd starts, reloads and stops each unit.
 *
 * <p>It runs beside other classes: each private systemd has its own mount namespace, journal
 * and cgroup (PrivateSystemd), the units' paths and registry are in the temp dir, and the nodes
 * (run by hand under drover@, so holding their names in every namespace) are {@code unw1},
 * {@code unw2}, {@code uns1}, {@code uns2}: not the w1, s1 other tests start.
 */
class SystemdUnitsIT {
    static final List<String> UNITS = List.of("drover.service", "drover@.service", "droverbeat.service",
            "drover-supervise.service");
    static final String SHIPPED_ENV_FILE = "EnvironmentFile=/etc/conf.d/drover";
    static final String SHIPPED_WORKDIR = "WorkingDirectory=/var/lib/drover";
    static final String SHIPPED_WRITABLE = "ReadWritePaths=/run/drover /var/log/drover /var/lib/drover";

    static Path dist;
    static Path extra;
    static String host;

    @TempDir(factory = UnitsTempDir.class)
    Path tmp;

    Sandbox box;
    PrivateSystemd systemd;

    @BeforeAll
    static void findTheDistribution() throws IOException {
        dist = Sandbox.unitDist();
        extra = dist.resolve("extra/systemd");
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

    static String shipped(String name) throws IOException {
        return Files.readString(extra.resolve(name));
    }

    // ---- static checks

    @Test
    void every_unit_as_shipped_passes_systemd_analyze_verify() {
        List<String> args = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (String unit : UNITS) {
            args.add(extra.resolve(unit).toString());
        }
        // A template is verified through an instance; systemd-analyze finds drover@.service next to it.
        args.add(extra.resolve("drover@unw1.service").toString());
        Sandbox.Result r = box.run(args, Map.of(), false);
        assertEquals(0, r.code(), r.toString());
        // verify exits 0 on some errors (an unknown Type= is "ignored"): no line about our units.
        assertFalse(r.err().contains("drover"), r.toString());
        assertFalse(r.out().contains("drover"), r.toString());
    }

    @Test
    void the_units_rendered_for_the_tests_pass_systemd_analyze_verify_too() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("rendered"));
        renderedUnits().forEach((name, text) -> Sandbox.write(dir.resolve(name), text));
        Sandbox.Result r = box.run(List.of("systemd-analyze", "verify", dir.resolve("drover.service").toString(),
                dir.resolve("drover@unw1.service").toString(), dir.resolve("droverbeat.service").toString(),
                dir.resolve("drover-supervise.service").toString()), Map.of(), false);
        assertEquals(0, r.code(), r.toString());
        assertFalse(r.err().contains("drover"), r.toString());
    }

    @Test
    void drover_conf_assigns_every_variable_the_units_use_and_the_documented_ones() throws IOException {
        List<String> assigned = Render.assigned(shipped("drover.conf"));
        TreeSet<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\$\\{([A-Z_][A-Z0-9_]*)").matcher(String.join("\n", shippedUnits().values()));
        while (m.find()) {
            used.add(m.group(1));
        }
        assertFalse(used.isEmpty(), "the units use no variable?");
        for (String name : used) {
            assertTrue(assigned.contains(name), "drover.conf does not set " + name + ", which a unit uses");
        }
        for (String name : List.of("DROVER_BIN", "DROVER_APP", "DROVERD_NODES", "DROVERD_OPTS", "DROVERD_PID_FILE",
                "DROVERD_LOG_FILE", "DROVERD_LOG_LEVEL", "DROVERBEAT_PID_FILE", "DROVERBEAT_LOG_FILE",
                "DROVERBEAT_SCHEDULE", "DROVERBEAT_LOG_LEVEL", "DROVERBEAT_OPTS")) {
            assertTrue(assigned.contains(name), "drover.conf should set " + name);
        }
        // Each assignment comes after a comment that says what it is.
        List<String> lines = shipped("drover.conf").lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("^[A-Z_]+=.*")) {
                int j = i - 1;
                while (j >= 0 && lines.get(j).matches("^[A-Z_]+=.*")) {
                    j--;
                }
                assertTrue(j >= 0 && lines.get(j).startsWith("#"), "no comment documents " + lines.get(i));
            }
        }
    }

    @Test
    void drover_tmpfiles_creates_its_directories_owned_by_the_service_user() throws IOException {
        Path root = tmp.resolve("fs");
        String rendered = Render.replace(shipped("drover.tmpfiles"), Render.map(
                "/run/drover ", root + "/run/drover ",
                "/var/log/drover ", root + "/var/log/drover ",
                "/var/lib/drover ", root + "/var/lib/drover ",
                " drover drover ", " 65534 65534 "), "drover.tmpfiles");
        Path conf = tmp.resolve("drover-tmpfiles.conf");
        Sandbox.write(conf, rendered);
        box.ok(Sandbox.requireProgram("systemd-tmpfiles", "systemd").toString(), "--create", conf.toString());
        for (String dir : List.of("run/drover", "var/log/drover", "var/lib/drover")) {
            PosixFileAttributes a = Files.readAttributes(root.resolve(dir), PosixFileAttributes.class);
            assertTrue(a.isDirectory(), dir);
            assertEquals("nobody", a.owner().getName(), dir + " owner");
            assertEquals(dir.equals("var/lib/drover") ? "rwxr-x---" : "rwxr-xr-x",
                    PosixFilePermissions.toString(a.permissions()), dir + " mode");
        }
    }

    // ---- a real systemd

    /** The shipped units. */
    static Map<String, String> shippedUnits() throws IOException {
        Map<String, String> units = new LinkedHashMap<>();
        for (String unit : UNITS) {
            units.put(unit, shipped(unit));
        }
        return units;
    }

    /**
     * Test copies of the units: the test's EnvironmentFile, working directory and writable
     * directories (the sandbox otherwise as shipped), and no User=/Group= lines, which a user
     * manager cannot apply (the units run as root here, so only the demo application may run: no
     * DROVER_APP). Root's registry would be /var/lib/drover-registry, outside the writable
     * directories; the drover user's is under its home, /var/lib/drover, as the test's is under lib.
     */
    Map<String, String> renderedUnits() throws IOException {
        for (String dir : List.of("run", "log", "lib")) {
            Files.createDirectories(tmp.resolve(dir));
        }
        Map<String, String> units = new LinkedHashMap<>();
        shippedUnits().forEach((name, text) -> {
            String r = Render.dropLines(text, name, "User=", "Group=");
            r = Render.replace(r, Render.map(SHIPPED_ENV_FILE, "EnvironmentFile=" + tmp.resolve("drover.conf")
                            + "\nEnvironment=DROVER_STATE_DIR=" + tmp.resolve("lib/registry"),
                    SHIPPED_WORKDIR, "WorkingDirectory=" + tmp.resolve("lib"),
                    SHIPPED_WRITABLE, "ReadWritePaths=" + tmp.resolve("run") + " " + tmp.resolve("log") + " "
                            + tmp.resolve("lib")), name);
            units.put(name, r);
        });
        return units;
    }

    /** Boots a private systemd with the rendered units and drover.conf pointing into the temp dir. */
    void bootWith(String nodes) throws IOException {
        bootWith(nodes, Map.of(), "");
    }

    /**
     * As {@link #bootWith(String)}, with some of drover.conf's variables set otherwise, extra
     * lines appended to it, and drover@.service's and drover-supervise.service's WatchdogSec
     * shortened to 3 s.
     */
    void bootWith(String nodes, Map<String, String> conf, String extraLines) throws IOException {
        Files.createDirectories(tmp.resolve("lib"));
        Map<String, String> overrides = conf;
        String text = Render.setVariables(shipped("drover.conf"), Render.map(
                "DROVER_BIN", dist.resolve("bin/drover").toString(),
                "JAVA_HOME", Sandbox.javaHome(),
                "DROVERD_NODES", nodes,
                "DROVERD_OPTS", "-c 2",
                "DROVERD_PID_FILE", tmp + "/run/%n.pid",
                "DROVERD_LOG_FILE", tmp + "/log/%n%I.log",
                "DROVERBEAT_PID_FILE", tmp + "/run/beat.pid",
                "DROVERBEAT_LOG_FILE", tmp + "/log/beat.log",
                "DROVERBEAT_SCHEDULE", tmp + "/lib/beat.schedule"));
        Sandbox.write(tmp.resolve("drover.conf"), Render.setVariables(text, overrides) + extraLines);
        Map<String, String> units = renderedUnits();
        if (!overrides.isEmpty() || !extraLines.isEmpty()) {
            units.put("drover@.service", Render.replace(units.get("drover@.service"),
                    Render.map("WatchdogSec=30", "WatchdogSec=3"), "drover@.service"));
            units.put("drover-supervise.service", Render.replace(units.get("drover-supervise.service"),
                    Render.map("WatchdogSec=30", "WatchdogSec=3"), "drover-supervise.service"));
        }
        systemd = PrivateSystemd.boot(box, units);
    }

    String detail(String unit) {
        StringBuilder s = new StringBuilder(systemd.systemctl("status", unit).out());
        s.append("\n--- journal\n").append(systemd.journal());
        try (var logs = Files.list(tmp.resolve("log"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) { // not the heap dump directory
                s.append("\n--- ").append(log).append('\n').append(Sandbox.read(log));
            }
        } catch (IOException e) {
            s.append("\n(no logs: ").append(e).append(')');
        }
        return s.toString();
    }

    Path pidfile(String name) {
        return tmp.resolve("run/" + name + ".pid");
    }

    String log(String name) {
        return Sandbox.read(tmp.resolve("log/" + name + ".log"));
    }

    /**
     * The log from the line where the node with this pid started, or "" until that line is
     * there (the node writes its pidfile before it logs that line).
     */
    String logSince(String name, long pid) {
        String log = log(name);
        int at = log.indexOf("starting (pid " + pid + ",");
        return at < 0 ? "" : log.substring(at);
    }

    /** The node with this pid stopped warm: its log, from its start, has the warm shutdown lines. */
    void assertWarmShutdown(String name, long pid) {
        Sandbox.awaitGone(pid, Duration.ofSeconds(10));
        String since = logSince(name, pid);
        assertTrue(since.contains("warm shutdown (SIGTERM)"), name + " (pid " + pid + ") was not stopped warm:\n" + log(name));
        assertTrue(since.contains(" stopped"), name + " (pid " + pid + ") did not log its stop:\n" + log(name));
        assertFalse(Files.exists(pidfile(name)), name + ": the pidfile should be removed");
    }

    void assertInUnitCgroup(long pid, String unit) throws IOException {
        String cgroup = systemd.show(unit, "ControlGroup");
        assertTrue(cgroup.endsWith("/" + unit), cgroup);
        String mine = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
        assertTrue(mine.lines().anyMatch(l -> l.endsWith(":" + cgroup)), "pid " + pid + " is not in " + cgroup + ":\n" + mine);
    }

    void assertActive(String unit) {
        assertEquals("active", systemd.show(unit, "ActiveState"), () -> detail(unit));
        assertEquals("running", systemd.show(unit, "SubState"), () -> detail(unit));
    }

    void assertStoppedCleanly(String unit) {
        assertEquals("inactive", systemd.show(unit, "ActiveState"), () -> detail(unit));
        assertEquals("success", systemd.show(unit, "Result"), () -> detail(unit));
    }

    @Test
    void drover_service_starts_the_nodes_of_drover_conf_reloads_them_with_new_pids_and_stops_them_warm() throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        bootWith("unw1 unw2");

        systemd.ok("start", "drover.service");
        assertActive("drover.service");
        long w1 = Sandbox.awaitPidfile(pidfile("unw1"), null, () -> detail("drover.service"));
        long w2 = Sandbox.awaitPidfile(pidfile("unw2"), null, () -> detail("drover.service"));
        // Our decision (see the unit): several nodes, so no MainPID; systemd tracks the cgroup.
        assertEquals("0", systemd.show("drover.service", "MainPID"), () -> detail("drover.service"));
        assertInUnitCgroup(w1, "drover.service");
        assertInUnitCgroup(w2, "drover.service");
        assertTrue(Sandbox.cmdline(w1).contains("-n unw1@" + host), Sandbox.cmdline(w1));

        systemd.ok("reload", "drover.service");
        long w1b = Sandbox.awaitPidfile(pidfile("unw1"), w1, () -> detail("drover.service"));
        long w2b = Sandbox.awaitPidfile(pidfile("unw2"), w2, () -> detail("drover.service"));
        assertWarmShutdownLogged("unw1", w1);
        assertWarmShutdownLogged("unw2", w2);
        assertActive("drover.service");
        assertEquals("0", systemd.show("drover.service", "MainPID"));
        assertInUnitCgroup(w1b, "drover.service");
        assertInUnitCgroup(w2b, "drover.service");

        systemd.ok("stop", "drover.service");
        assertStoppedCleanly("drover.service");
        assertWarmShutdown("unw1", w1b);
        assertWarmShutdown("unw2", w2b);
    }

    void assertWarmShutdownLogged(String name, long pid) {
        Sandbox.awaitGone(pid, Duration.ofSeconds(10));
        assertTrue(logSince(name, pid).contains("warm shutdown (SIGTERM)"),
                name + " (pid " + pid + ") was not stopped warm:\n" + log(name));
    }

    @Test
    void drover_service_starts_again_when_its_last_node_is_gone() throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        bootWith("unw1");
        systemd.ok("start", "drover.service");
        long w1 = Sandbox.awaitPidfile(pidfile("unw1"), null, () -> detail("drover.service"));
        // GuessMainPID=no: not even a single node is taken for the main process.
        assertEquals("0", systemd.show("drover.service", "MainPID"), () -> detail("drover.service"));

        Sandbox.kill9(w1);
        // The cgroup empties, the service stops (ExecStop finds nothing to stop), Restart=always starts it.
        long again = Sandbox.awaitPidfile(pidfile("unw1"), w1, () -> detail("drover.service"));
        assertInUnitCgroup(again, "drover.service");
        Sandbox.await("drover.service to be running again", () -> "running".equals(systemd.show("drover.service", "SubState")),
                () -> detail("drover.service"));
        assertEquals("1", systemd.show("drover.service", "NRestarts"), () -> detail("drover.service"));

        systemd.ok("stop", "drover.service");
        assertWarmShutdown("unw1", again);
    }

    @Test
    void drover_at_w1_runs_node_w1_as_its_main_process_reloads_it_in_place_restarts_it_after_a_crash_and_stops_it_warm()
            throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        bootWith("unused");

        systemd.ok("start", "drover@unw1.service");
        assertActive("drover@unw1.service");
        long pid = Sandbox.awaitPidfile(pidfile("unw1"), null, () -> detail("drover@unw1.service"));
        assertEquals(String.valueOf(pid), systemd.show("drover@unw1.service", "MainPID"), () -> detail("drover@unw1.service"));
        assertTrue(Sandbox.cmdline(pid).contains("worker -n unw1@" + host), Sandbox.cmdline(pid));
        Sandbox.await("unw1 to be ready", () -> logSince("unw1", pid).contains("unw1@" + host + " ready"), () -> log("unw1"));

        systemd.ok("reload", "drover@unw1.service");
        Sandbox.await("unw1 to restart in place", () -> logSince("unw1", pid).contains("restarted in place (pid " + pid + " unchanged)"),
                () -> detail("drover@unw1.service"));
        assertEquals(String.valueOf(pid), systemd.show("drover@unw1.service", "MainPID"));
        assertEquals(pid, Sandbox.pidIn(pidfile("unw1")));

        Sandbox.kill9(pid);
        long restarted = Sandbox.awaitPidfile(pidfile("unw1"), pid, () -> detail("drover@unw1.service"));
        Sandbox.await("MainPID to be the restarted node " + restarted,
                () -> String.valueOf(restarted).equals(systemd.show("drover@unw1.service", "MainPID")),
                () -> detail("drover@unw1.service"));
        // Its pidfile comes before its signal handlers: TERM is a warm shutdown once it is ready.
        Sandbox.await("the restarted unw1 to be ready", () -> logSince("unw1", restarted).contains("unw1@" + host + " ready"),
                () -> log("unw1"));
        // Type=notify: active once the node said READY=1
        Sandbox.await("drover@unw1 to be active again", () -> "active".equals(systemd.show("drover@unw1.service", "ActiveState")),
                () -> detail("drover@unw1.service"));
        assertActive("drover@unw1.service");

        systemd.ok("stop", "drover@unw1.service");
        assertStoppedCleanly("drover@unw1.service");
        assertEquals("0", systemd.show("drover@unw1.service", "ExecMainStatus"), "a warm shutdown exits 0");
        assertWarmShutdown("unw1", restarted);
    }

    @Test
    void droverbeat_service_runs_beat_as_its_main_process_reloads_it_in_place_and_stops_it_warm() throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        bootWith("unused");

        systemd.ok("start", "droverbeat.service");
        assertActive("droverbeat.service");
        long pid = Sandbox.awaitPidfile(pidfile("beat"), null, () -> detail("droverbeat.service"));
        assertEquals(String.valueOf(pid), systemd.show("droverbeat.service", "MainPID"), () -> detail("droverbeat.service"));
        Sandbox.await("beat to run a job", () -> logSince("beat", pid).contains("tick: demo.tick ran"), () -> log("beat"));
        assertTrue(Files.exists(tmp.resolve("lib/beat.schedule")), "DROVERBEAT_SCHEDULE should be the schedule file");

        systemd.ok("reload", "droverbeat.service");
        Sandbox.await("beat to restart in place", () -> logSince("beat", pid).contains("restarted in place (pid " + pid + " unchanged)"),
                () -> detail("droverbeat.service"));
        assertEquals(String.valueOf(pid), systemd.show("droverbeat.service", "MainPID"));

        systemd.ok("stop", "droverbeat.service");
        assertStoppedCleanly("droverbeat.service");
        assertEquals("0", systemd.show("droverbeat.service", "ExecMainStatus"));
        assertWarmShutdown("beat", pid);
        assertTrue(logSince("beat", pid).contains("beat stopped"), log("beat"));
        assertNotEquals("", Sandbox.read(tmp.resolve("lib/beat.schedule")));
    }

    // ---- Type=notify: readiness, failure, watchdog

    private void bootWithApp(String app, String opts) throws IOException {
        bootWith("unused", Render.map("DROVER_APP", app, "DROVERD_OPTS", opts), "DROVER_FORCE_ROOT=1\n");
    }

    @Test
    void drover_at_w1_is_activating_until_its_application_reports_ready_and_active_after() throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        Path go = tmp.resolve("go");
        bootWithApp("io.drover.fixtures.ReadyWhenFileApp", "--classpath=" + Sandbox.unitTestClasses() + " -- " + go);

        systemd.ok("start", "--no-block", "drover@unw1.service");
        long pid = Sandbox.awaitPidfile(pidfile("unw1"), null, () -> detail("drover@unw1.service"));
        Sandbox.await("unw1 to wait for its signal file", () -> logSince("unw1", pid).contains("ready once"), () -> log("unw1"));
        assertEquals("activating", systemd.show("drover@unw1.service", "ActiveState"), () -> detail("drover@unw1.service"));

        Sandbox.write(go, "go\n");
        Sandbox.await("drover@unw1 to become active", () -> "active".equals(systemd.show("drover@unw1.service", "ActiveState")),
                () -> detail("drover@unw1.service"));
        assertEquals(String.valueOf(pid), systemd.show("drover@unw1.service", "MainPID"));
        assertTrue(systemd.show("drover@unw1.service", "StatusText").contains("ready"), () -> detail("drover@unw1.service"));

        systemd.ok("stop", "drover@unw1.service");
        assertStoppedCleanly("drover@unw1.service");
        assertWarmShutdown("unw1", pid);
    }

    @Test
    void drover_at_w1_whose_application_throws_in_start_leaves_the_unit_failed() throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        bootWithApp("io.drover.fixtures.ThrowsAfterOneSecondApp", "--classpath=" + Sandbox.unitTestClasses());

        Sandbox.Result start = systemd.systemctl("start", "drover@unw1.service");
        assertNotEquals(0, start.code(), () -> detail("drover@unw1.service"));
        // the start job itself failed: the unit never became active, its node exited 1
        assertTrue(systemd.journal().contains("drover@unw1.service: Main process exited, code=exited, status=1/FAILURE"),
                () -> detail("drover@unw1.service"));
        assertTrue(systemd.journal().contains("Failed to start"), () -> detail("drover@unw1.service"));
        systemd.systemctl("stop", "drover@unw1.service");
    }

    @Test
    void drover_at_w1_whose_jvm_stops_answering_is_noticed_by_the_watchdog() throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        bootWithApp("", "");

        systemd.ok("start", "drover@unw1.service");
        long pid = Sandbox.awaitPidfile(pidfile("unw1"), null, () -> detail("drover@unw1.service"));
        assertEquals("3s", systemd.show("drover@unw1.service", "WatchdogUSec"), () -> detail("drover@unw1.service"));
        Sandbox.signal(pid, "STOP");
        try {
            Sandbox.await("systemd to notice the watchdog timeout", () -> systemd.journal().contains("Watchdog timeout"),
                    () -> detail("drover@unw1.service"));
        } finally {
            Sandbox.kill9(pid);
        }
        Sandbox.await("systemd to start unw1 again", () -> !"0".equals(systemd.show("drover@unw1.service", "NRestarts")),
                () -> detail("drover@unw1.service"));
        systemd.systemctl("stop", "drover@unw1.service");
    }

    // ---- drover-supervise.service: multi supervise as the unit's main process

    private static final String SUPERVISE = "drover-supervise.service";

    @Test
    void drover_supervise_is_activating_until_every_node_is_ready_then_active_and_stop_is_a_warm_stop()
            throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        Path go = tmp.resolve("go");
        bootWith("uns1 uns2", Render.map("DROVER_APP", "io.drover.fixtures.ReadyWhenFileApp",
                "DROVERD_OPTS", "--classpath=" + Sandbox.unitTestClasses() + " -- " + go), "DROVER_FORCE_ROOT=1\n");

        systemd.ok("start", "--no-block", SUPERVISE);
        long s1 = Sandbox.awaitPidfile(pidfile("uns1"), null, () -> detail(SUPERVISE));
        long s2 = Sandbox.awaitPidfile(pidfile("uns2"), null, () -> detail(SUPERVISE));
        Sandbox.await("both nodes waiting for their signal file", () -> logSince("uns1", s1).contains("ready once")
                && logSince("uns2", s2).contains("ready once"), () -> detail(SUPERVISE));
        assertEquals("activating", systemd.show(SUPERVISE, "ActiveState"), () -> detail(SUPERVISE));

        Sandbox.write(go, "go\n");
        Sandbox.await(SUPERVISE + " to become active", () -> "active".equals(systemd.show(SUPERVISE, "ActiveState")),
                () -> detail(SUPERVISE));
        String main = systemd.show(SUPERVISE, "MainPID");
        assertNotEquals(String.valueOf(s1), main);
        assertNotEquals(String.valueOf(s2), main);
        assertTrue(systemd.show(SUPERVISE, "StatusText").contains("2 of 2 nodes running"), () -> detail(SUPERVISE));
        assertInUnitCgroup(s1, SUPERVISE);

        systemd.ok("stop", SUPERVISE);
        assertStoppedCleanly(SUPERVISE);
        assertWarmShutdown("uns1", s1);
        assertWarmShutdown("uns2", s2);
    }

    @Test
    void drover_supervise_whose_nodes_all_throw_in_start_gives_up_and_leaves_the_unit_failed() throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        bootWith("uns1", Render.map("DROVER_APP", "io.drover.fixtures.ThrowsAfterOneSecondApp",
                "DROVERD_OPTS", "--classpath=" + Sandbox.unitTestClasses(),
                "DROVERD_SUPERVISE_OPTS", "--max-restarts=1 --backoff=0.1 --give-up-for=0"), "DROVER_FORCE_ROOT=1\n");

        Sandbox.Result start = systemd.systemctl("start", SUPERVISE);
        assertNotEquals(0, start.code(), () -> detail(SUPERVISE));
        assertTrue(systemd.journal().contains(SUPERVISE + ": Main process exited, code=exited, status=1/FAILURE"),
                () -> detail(SUPERVISE));
        assertTrue(systemd.journal().contains("GAVE UP"), () -> detail(SUPERVISE));
        systemd.systemctl("stop", SUPERVISE);
    }

    @Test
    void drover_supervise_that_stops_answering_is_noticed_by_the_watchdog() throws IOException {
        assumeTrue(Sandbox.isRoot(), "a private systemd needs root (mount namespace, cgroups)");
        bootWith("uns1", Map.of(), "\n");

        systemd.ok("start", SUPERVISE);
        long main = Long.parseLong(systemd.show(SUPERVISE, "MainPID"));
        assertEquals("3s", systemd.show(SUPERVISE, "WatchdogUSec"), () -> detail(SUPERVISE));
        Sandbox.signal(main, "STOP");
        try {
            Sandbox.await("systemd to notice the watchdog timeout", () -> systemd.journal().contains("Watchdog timeout"),
                    () -> detail(SUPERVISE));
        } finally {
            Sandbox.kill9(main);
        }
        systemd.systemctl("stop", SUPERVISE);
    }
}
