package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 29, item 6: stop means the whole node. A node leads its own session; the KILL that
 * ends it (kill, stop -KILL, supervise's kill at --timeout) goes to its process group, so a child
 * its application started does not survive it holding its ports (supervisord #1101, PM2
 * #6084), and status names what a KILL of the node alone left. On the code before, each child
 * here outlived its node.
 */
class GroupKillIT extends DroverTest {
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");
    private static final String HOST = Drover.hostname();
    private static final String APP = "io.drover.fixtures.KeepsAChildApp";

    /**
     * The children the fixtures started (each wrote its pid to a {@code .child} file), killed
     * here even when the test failed early: their command lines do not name the test's directory.
     */
    @AfterEach
    void killTheChildren() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".child")).toList()) {
                long pid = Long.parseLong(Files.readString(file).trim());
                if (Procs.alive(pid) && Procs.cmdline(pid).startsWith("sleep ")) {
                    Procs.signal(pid, "KILL");
                }
            }
        }
    }

    /** Starts node NAME running the fixture; returns the pid of the child it started. */
    private long startWithAChild(String name) {
        Path file = dir.resolve(name + ".child");
        Drover.Result start = drover.multi(FORCE_ROOT, "start", name, drover.pidfileOption(), drover.logfileOption(),
                "-A", APP, "--classpath=" + Drover.testClasses(), "--", file.toString());
        assertEquals(0, start.exitCode(), start::toString);
        return childOf(file, drover.pid(name));
    }

    /** The child's pid from {@code file}, checked to be in the node's process group. */
    private long childOf(Path file, long node) {
        Procs.waitUntil(file + " written", Procs.PATIENCE, () -> Files.exists(file));
        long child;
        try {
            child = Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(Procs.alive(child), "the fixture's child is not running");
        assertEquals(node, Procs.sessionId(child), "the child is not in the node's session");
        return child;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node is gone, and so is the child its application started. */
    private static void awaitBothGone(long node, long child) {
        awaitGone(node, "the node");
        awaitGone(child, "the node's child");
    }

    private static void awaitGone(long pid, String what) {
        Procs.waitUntil(what + " (pid " + pid + ") gone", Procs.PATIENCE, () -> !Procs.alive(pid),
                () -> "still running: " + Procs.cmdline(pid));
    }

    @Test
    void a_node_that_ignores_term_outlives_stopwait_timeout_and_kill_then_ends_it_with_its_child() {
        long child = startWithAChild("gk1");
        long node = drover.pid("gk1");

        Drover.Result stopwait = drover.multi("stopwait", "gk1", "--timeout=1");
        assertEquals(1, stopwait.exitCode(), stopwait::toString);
        assertTrue(Procs.alive(node) && Procs.alive(child), "TERM goes to the node alone: " + stopwait);

        Drover.Result kill = drover.multi("kill", "gk1");
        assertEquals(0, kill.exitCode(), kill::toString);
        // the output is kill's as it always was: the node's pid, killed
        assertTrue(kill.stdout().contains("gk1@" + HOST + ": KILL -> " + node), kill::toString);
        awaitBothGone(node, child);
    }

    @Test
    void stop_kill_ends_the_node_with_its_child() {
        long child = startWithAChild("gk2");
        long node = drover.pid("gk2");
        Drover.Result stop = drover.multi("stop", "gk2", "-KILL");
        assertEquals(0, stop.exitCode(), stop::toString);
        awaitBothGone(node, child);
    }

    @Test
    void supervise_s_kill_at_timeout_ends_the_node_with_its_child() throws Exception {
        Path file = dir.resolve("gk3.child");
        Process sv = drover.spawn(FORCE_ROOT, "supervise", "multi", "supervise", "gk3", drover.pidfileOption(),
                drover.logfileOption(), "--timeout=1", "-A", APP, "--classpath=" + Drover.testClasses(), "--",
                file.toString());
        Path said = dir.resolve("supervise.out");
        // ready, not only spawned: a node still starting ends on the TERM at once
        Procs.waitUntil("gk3 ready", Procs.PATIENCE, () -> Files.exists(said) && read(said).contains("all nodes ready"));
        long node = drover.pid("gk3");
        long child = childOf(file, node);
        Procs.signal(sv.pid(), "TERM");
        assertTrue(sv.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS), "supervise did not exit");
        assertEquals(1, sv.exitValue(), "the node ignored TERM: supervise killed it and exits 1");
        awaitBothGone(node, child);
    }

    @Test
    void status_of_a_node_killed_alone_names_what_is_left_of_its_group() {
        long child = startWithAChild("gk4");
        long node = drover.pid("gk4");
        Procs.signal(node, "KILL"); // the node alone, behind drover's back
        awaitGone(node, "the node");

        Drover.Result status = drover.multi("status", "gk4");
        assertEquals(1, status.exitCode(), status::toString);
        String line = status.lineFor("gk4@" + HOST);
        assertTrue(line.contains(": dead: ") && line.contains("; 1 process of its group left (pid " + child + "); rss -"),
                status::toString);
        Drover.Result json = drover.multi("status", "gk4", "--json");
        assertTrue(json.stdout().contains("\"leftover\":[" + child + "]"), json::toString);

        // kill acts on a running node only: the leftover is the operator's to end (its pids are named)
        Procs.signal(child, "KILL");
        awaitGone(child, "the leftover");
        Drover.Result after = drover.multi("status", "gk4", "--json");
        assertTrue(after.stdout().contains("\"leftover\":[]"), after::toString);
    }

    /**
     * {@code NAMESPACE THREAD ARGS...}: makes itself a session leader, starts a child in its group
     * ({@code child PID}), then becomes a process that looks, from /proc, like a ready drover node
     * of ARGS's nodename in NAMESPACE ({@code up}): a session leader of nobody's posing as root's node.
     */
    private static final String POSES_WITH_A_GROUP = String.join("\n",
            "import os, subprocess, sys",
            "os.setsid()",
            "child = subprocess.Popen(['sleep', '1000'], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)",
            "pose = 'import time\\nopen(\"/proc/self/comm\", \"w\").write(%r)\\nprint(\"child %d\", flush=True)\\n' \\",
            "    'print(\"up\", flush=True)\\nwhile True:\\n    time.sleep(3600)\\n' % (sys.argv[2], child.pid)",
            "os.execve(sys.executable, [sys.executable, '-c', pose] + sys.argv[3:],",
            "          dict(os.environ, DROVER_NAMESPACE=sys.argv[1]))");

    @Test
    void a_session_leader_of_nobody_s_posing_as_root_s_node_never_has_its_group_killed_by_root() throws IOException {
        String nodename = "gk5@" + HOST;
        String namespace = io.drover.core.Namespace.of(dir.resolve(".state").toString()).dir();
        try (Attacker poser = Attacker.start(dir.resolve("poser.out"), POSES_WITH_A_GROUP, namespace,
                io.drover.core.NodeProtocol.READY_THREAD, "io.drover.cli.Main", "worker", "-n", nodename,
                "--pidfile=" + drover.pidfile("gk5"))) {
            poser.awaitLine("up");
            long child = poser.lines().stream().filter(l -> l.startsWith("child ")).mapToLong(l -> Long.parseLong(
                    l.substring("child ".length()))).findFirst().orElseThrow();
            Files.writeString(dir.resolve("gk5.child"), child + "\n"); // for killTheChildren
            assertEquals(poser.pid(), Procs.sessionId(child), "the poser's child is not in its session");

            Drover.Result kill = drover.multi("kill", "gk5");
            assertTrue(kill.stdout().contains(nodename + ": not running"), kill::toString);
            Drover.Result stop = drover.multi("stop", "gk5", "-KILL");
            assertTrue(stop.stdout().contains(nodename + ": not running"), stop::toString);
            assertTrue(poser.alive() && Procs.alive(child), "root killed nobody's group: " + kill + stop);
        }
    }
}
