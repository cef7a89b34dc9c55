package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * extra/supervisord as shipped, run by a real supervisord of our own (its own config, socket and
 * pidfile in the temp dir: the Debian package's supervisord service, if any, plays no part). The
 * programs run as nobody, as the shipped files run them as drover.
 *
 * <p>It runs beside other classes: every path the shipped files name is rewritten into the temp
 * dir, and its nodes, which supervisord runs by hand and so hold their names in every namespace,
 * are {@code droverd} and {@code sup1}, {@code sup2}: names only isolated classes (the init
 * scripts', systemd's, the Debian package's) also use. Its beat, like BeatIT's, is kept apart by
 * its pidfile.
 */
class SupervisordIT {
    static final String NOBODY = "nobody";
    static final int NOBODY_ID = 65534;
    static final Pattern STATUS = Pattern.compile("^(\\S+)\\s+(\\S+)\\s*(?:pid (\\d+),)?.*$", Pattern.MULTILINE);

    static Path dist;
    static Path supervisord;
    static Path supervisorctl;
    static String host;

    @TempDir
    Path tmp;

    Sandbox box;
    Path conf;
    Process daemon;

    @BeforeAll
    static void findPrograms() throws IOException {
        dist = Sandbox.dist();
        supervisord = Sandbox.requireProgram("supervisord", "supervisor");
        supervisorctl = Sandbox.requireProgram("supervisorctl", "supervisor");
        host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    }

    @BeforeEach
    void sandbox() {
        box = new Sandbox(tmp);
    }

    @AfterEach
    void tearDown() {
        try {
            if (daemon != null && daemon.isAlive()) {
                box.run(List.of(supervisorctl.toString(), "-c", conf.toString(), "shutdown"), Map.of(), false);
                try {
                    Sandbox.awaitGone(daemon.pid(), Duration.ofSeconds(20));
                } catch (AssertionError e) {
                    daemon.destroyForcibly();
                }
            }
        } finally {
            box.close();
        }
    }

    /** The shipped files with the test's paths; the programs run as nobody, with this JVM. */
    void render() throws IOException {
        Path extra = dist.resolve("extra/supervisord");
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Map<String, String> paths = Render.map(
                "/usr/local/bin/drover", dist.resolve("bin/drover").toString(),
                "/run/drover/", tmp + "/run/",
                "/var/log/drover/", tmp + "/log/",
                "/var/lib/drover", tmp + "/lib",
                "user=drover", "user=" + NOBODY,
                ";environment=JAVA_HOME=\"/usr/lib/jvm/java-17-openjdk-amd64\"", "environment=JAVA_HOME=\"" + Sandbox.javaHome() + "\"");
        for (String program : List.of("droverd.conf", "droverbeat.conf")) {
            Sandbox.write(etc.resolve(program), Render.replace(Files.readString(extra.resolve(program)), paths, program));
        }
        Sandbox.write(etc.resolve("supervisord.conf"), Render.replace(Files.readString(extra.resolve("supervisord.conf")),
                Render.map("/run/supervisord-drover.sock", tmp + "/supervisor.sock",
                        "/run/supervisord-drover.pid", tmp + "/supervisord.pid",
                        "/var/log/supervisor/", tmp + "/supervisord/"), "supervisord.conf"));
        conf = etc.resolve("supervisord.conf");
        // nobody must reach the temp dir, and write pidfiles and beat's schedule.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipal nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NOBODY);
        for (String dir : List.of("run", "lib")) {
            Files.setOwner(Files.createDirectories(tmp.resolve(dir)), nobody);
        }
        Files.createDirectories(tmp.resolve("log"));
        Files.createDirectories(tmp.resolve("supervisord"));
    }

    record ProgramState(String state, Long pid) {}

    ProgramState status(String program) {
        Sandbox.Result r = box.run(List.of(supervisorctl.toString(), "-c", conf.toString(), "status", program), Map.of(), false);
        Matcher m = STATUS.matcher(r.out());
        while (m.find()) {
            if (m.group(1).equals(program)) {
                return new ProgramState(m.group(2), m.group(3) == null ? null : Long.valueOf(m.group(3)));
            }
        }
        return new ProgramState("UNKNOWN: " + r, null);
    }

    String detail() {
        return "--- supervisorctl status\n" + box.run(List.of(supervisorctl.toString(), "-c", conf.toString(), "status"),
                Map.of(), false).out()
                + "--- supervisord.log\n" + Sandbox.read(tmp.resolve("supervisord/supervisord.log"))
                + "--- droverd.log\n" + Sandbox.read(tmp.resolve("log/droverd.log"))
                + "--- droverbeat.log\n" + Sandbox.read(tmp.resolve("log/droverbeat.log"));
    }

    /** Waits until supervisord says RUNNING for a process other than {@code not}; returns its pid. */
    long awaitRunning(String program, Long not) {
        return Sandbox.await(program + " RUNNING" + (not == null ? "" : " with a pid other than " + not), () -> {
            ProgramState s = status(program);
            return s.state().equals("RUNNING") && s.pid() != null && !s.pid().equals(not) ? s.pid() : null;
        }, this::detail);
    }

    /** The log from the line where the node with this pid started, or "" until that line is there. */
    String logSince(String file, long pid) {
        String log = Sandbox.read(tmp.resolve("log/" + file));
        int at = log.indexOf("starting (pid " + pid + ",");
        return at < 0 ? "" : log.substring(at);
    }

    void stopAndAssertWarm(String program, String log, Path pidfile, long pid) {
        Sandbox.Result r = box.run(List.of(supervisorctl.toString(), "-c", conf.toString(), "stop", program), Map.of(), false);
        assertTrue(r.out().contains(program + ": stopped"), r + detail());
        Sandbox.awaitGone(pid, Duration.ofSeconds(10));
        assertEquals("STOPPED", status(program).state());
        String since = logSince(log, pid);
        assertTrue(since.contains("warm shutdown (SIGTERM)"), program + " was not stopped warm:\n" + detail());
        assertTrue(since.contains(" stopped"), detail());
        assertFalse(Files.exists(pidfile), "the pidfile should be removed on a warm shutdown");
    }

    @Test
    void supervisord_runs_the_node_restarts_it_after_kill_9_and_stops_it_with_a_warm_shutdown() throws IOException {
        assumeTrue(Sandbox.isRoot(), "the programs switch to user nobody, which needs root");
        render();
        daemon = box.spawn(List.of(supervisord.toString(), "-n", "-c", conf.toString()), Map.of(), false,
                tmp.resolve("supervisord.out"));
        Path pidfile = tmp.resolve("run/droverd.pid");

        long pid = awaitRunning("droverd", null);
        assertEquals(pid, Sandbox.awaitPidfile(pidfile, null, this::detail), "the pidfile names the process supervisord runs");
        assertEquals(daemon.pid(), Sandbox.parentOf(pid), "supervisord is the node's parent: the node did not detach");
        assertEquals(65534, Sandbox.uidOf(pid), "the node runs as the program's user=");
        assertTrue(Sandbox.cmdline(pid).contains("worker -n droverd@%h"), Sandbox.cmdline(pid));
        Sandbox.await("droverd to be ready", () -> logSince("droverd.log", pid).contains("droverd@" + host + " ready"), this::detail);

        Sandbox.kill9(pid);
        long again = awaitRunning("droverd", pid);
        assertEquals(again, Sandbox.awaitPidfile(pidfile, pid, this::detail));
        assertEquals(daemon.pid(), Sandbox.parentOf(again));
        assertTrue(Sandbox.gone(pid));
        // Its pidfile comes before its signal handlers: TERM is a warm shutdown once it is ready.
        Sandbox.await("the restarted droverd to be ready", () -> logSince("droverd.log", again).contains("droverd@" + host + " ready"),
                this::detail);

        stopAndAssertWarm("droverd", "droverd.log", pidfile, again);
    }

    @Test
    void supervisord_runs_beat_and_stops_it_with_a_warm_shutdown() throws IOException {
        assumeTrue(Sandbox.isRoot(), "the programs switch to user nobody, which needs root");
        render();
        daemon = box.spawn(List.of(supervisord.toString(), "-n", "-c", conf.toString()), Map.of(), false,
                tmp.resolve("supervisord.out"));
        Path pidfile = tmp.resolve("run/beat.pid");

        long pid = awaitRunning("droverbeat", null);
        assertEquals(pid, Sandbox.awaitPidfile(pidfile, null, this::detail));
        assertEquals(daemon.pid(), Sandbox.parentOf(pid));
        Sandbox.await("beat to run a job", () -> logSince("droverbeat.log", pid).contains("tick: demo.tick ran"), this::detail);
        assertTrue(Files.exists(tmp.resolve("lib/beat.schedule")), "beat should keep its schedule where the program says");

        stopAndAssertWarm("droverbeat", "droverbeat.log", pidfile, pid);
    }

    /**
     * The three files as shipped, on a root directory that has only what Debian gives (/run, and
     * /var/log/supervisor from the supervisor package) and what drover.tmpfiles creates there:
     * supervisord must start both programs without a directory made by hand.
     */
    @Test
    void the_shipped_files_need_no_directory_but_debian_s_and_drover_tmpfiles() throws IOException {
        assumeTrue(Sandbox.isRoot(), "the programs switch to user nobody, which needs root");
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("run"));
        Files.createDirectories(root.resolve("var/log/supervisor"));
        Path tmpfiles = Files.createDirectories(root.resolve("etc/tmpfiles.d")).resolve("drover.conf");
        Sandbox.write(tmpfiles, Files.readString(dist.resolve("extra/systemd/drover.tmpfiles"))
                .replace("drover drover", NOBODY_ID + " " + NOBODY_ID));
        box.ok(Sandbox.requireProgram("systemd-tmpfiles", "systemd").toString(), "--create", "--root=" + root, tmpfiles.toString());
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path etc = Files.createDirectories(root.resolve("etc/drover"));
        for (String file : List.of("supervisord.conf", "droverd.conf", "droverbeat.conf")) {
            String text = Files.readString(dist.resolve("extra/supervisord/" + file))
                    .replaceAll("(?<![\\w.])/(run|var)/", root + "/$1/")
                    .replace("/usr/local/bin/drover", dist.resolve("bin/drover").toString())
                    .replace("user=drover", "user=" + NOBODY)
                    .replace(";environment=JAVA_HOME=\"/usr/lib/jvm/java-17-openjdk-amd64\"",
                            "environment=JAVA_HOME=\"" + Sandbox.javaHome() + "\"");
            Sandbox.write(etc.resolve(file), text);
        }
        conf = etc.resolve("supervisord.conf");
        daemon = box.spawn(List.of(supervisord.toString(), "-n", "-c", conf.toString()), Map.of(), false,
                tmp.resolve("supervisord.out"));
        java.util.function.Supplier<String> why = () -> "--- supervisord.out\n" + Sandbox.read(tmp.resolve("supervisord.out"))
                + "--- supervisord-drover.log\n" + Sandbox.read(root.resolve("var/log/supervisor/supervisord-drover.log"))
                + "--- droverd.log\n" + Sandbox.read(root.resolve("var/log/drover/droverd.log"));
        for (String program : List.of("droverd", "droverbeat")) {
            Sandbox.await(program + " RUNNING", () -> status(program).state().equals("RUNNING") ? program : null, why);
        }
        long node = Sandbox.awaitPidfile(root.resolve("run/drover/droverd.pid"), null, why);
        Sandbox.await("droverd to be ready", () -> Sandbox.read(root.resolve("var/log/drover/droverd.log"))
                .contains("droverd@" + host + " ready") ? node : null, why);
        Sandbox.awaitPidfile(root.resolve("run/drover/beat.pid"), null, why);
    }

    @Test
    void supervisord_runs_multi_supervise_which_restarts_a_killed_node_and_stops_every_node_warmly() throws IOException {
        assumeTrue(Sandbox.isRoot(), "the programs switch to user nobody, which needs root");
        render();
        // only this program: two nodes sup1, sup2 (other tests run drover1.. at the same time)
        Path etc = tmp.resolve("etc");
        Sandbox.write(etc.resolve("drover-supervise.conf"), Render.replace(
                Files.readString(dist.resolve("extra/supervisord/drover-supervise.conf")), Render.map(
                        "/usr/local/bin/drover", dist.resolve("bin/drover").toString(),
                        "multi supervise 3 ", "multi supervise 2 --range-prefix=sup --backoff=0.2 ",
                        "/run/drover/", tmp + "/run/",
                        "/var/log/drover/", tmp + "/log/",
                        "/var/lib/drover", tmp + "/lib",
                        "user=drover", "user=" + NOBODY,
                        "environment=DROVER_STATE_DIR=\"", "environment=JAVA_HOME=\"" + Sandbox.javaHome()
                                + "\",DROVER_STATE_DIR=\""), "drover-supervise.conf"));
        Sandbox.write(conf, Render.replace(Files.readString(conf), Render.map(
                "files=droverd.conf droverbeat.conf", "files=drover-supervise.conf"), "supervisord.conf"));
        // the nodes, run as nobody, write their own logfiles there
        Files.setOwner(tmp.resolve("log"), tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NOBODY));
        daemon = box.spawn(List.of(supervisord.toString(), "-n", "-c", conf.toString()), Map.of(), false,
                tmp.resolve("supervisord.out"));
        Path log = tmp.resolve("log/drover-supervise.log");

        long supervise = awaitRunning("drover-supervise", null);
        Sandbox.await("both nodes ready", () -> Sandbox.read(log).contains("all nodes ready"),
                () -> detail() + Sandbox.read(log));
        long one = Sandbox.awaitPidfile(tmp.resolve("run/sup1.pid"), null, this::detail);
        long two = Sandbox.awaitPidfile(tmp.resolve("run/sup2.pid"), null, this::detail);
        assertEquals(supervise, Sandbox.parentOf(one), "supervise is the node's parent");
        assertEquals(65534, Sandbox.uidOf(one), "the node runs as the program's user=");

        Sandbox.kill9(one);
        long again = Sandbox.awaitPidfile(tmp.resolve("run/sup1.pid"), one, this::detail);
        assertEquals(supervise, awaitRunning("drover-supervise", null), "supervisord saw supervise end");
        Sandbox.await("the restarted sup1 ready", () -> logSince("sup1.log", again).contains("sup1@" + host + " ready"),
                () -> Sandbox.read(log));

        Sandbox.Result r = box.run(List.of(supervisorctl.toString(), "-c", conf.toString(), "stop", "drover-supervise"),
                Map.of(), false);
        assertTrue(r.out().contains("drover-supervise: stopped"), r + detail());
        for (long pid : List.of(again, two)) {
            Sandbox.awaitGone(pid, Duration.ofSeconds(10));
        }
        assertTrue(logSince("sup1.log", again).contains("warm shutdown (SIGTERM)"), Sandbox.read(log));
        assertTrue(logSince("sup2.log", two).contains("warm shutdown (SIGTERM)"), Sandbox.read(log));
        assertTrue(Sandbox.read(log).contains("every node stopped"), Sandbox.read(log));
        assertFalse(Files.exists(tmp.resolve("run/sup1.pid")));
        assertFalse(Files.exists(tmp.resolve("run/sup2.pid")));
    }
}
