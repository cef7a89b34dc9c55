package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 25, class 1: the node's application inherits the handshake pipe and writes a node's
 * lines on it, naming a root process ({@link io.drover.fixtures.ForgesHandshakeApp}), or closes
 * it. Which process is the node is the spawn's, verified as the pidfile's lock holder: drover
 * reports that pid, signals only it, and believes no line without the start's key. The node
 * runs as {@code nobody}, the user who writes its application's code.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecurityHandshakeIT extends DroverTest {
    private static final String HOST = Drover.hostname();
    private static final Pattern OK_PID = Pattern.compile("hs1@\\S+: OK \\(pid (\\d+)\\)");

    private Process victim;

    @BeforeEach
    void reachableByNobody() throws IOException {
        assertTrue(Drover.runningAsRoot(), "these tests run the node as nobody: run them as root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        victim = drover.startOther("sleep", "300");
    }

    private String[] node(String... more) {
        String[] base = {"hs1", "--uid", "nobody", "-A", "io.drover.fixtures.ForgesHandshakeApp",
            "--classpath=" + Drover.testClasses(), "--pidfile=" + dir + "/run/%n.pid", "--logfile=" + dir + "/log/%n%I.log"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private Map<String, String> forging(String... more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("FORGE_PID", Long.toString(victim.pid())));
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private long pidfilePid() {
        try {
            return Long.parseLong(Files.readString(dir.resolve("run/hs1.pid")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String log() {
        try {
            Path log = dir.resolve("log/hs1.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts hs1 under the forger, checks what start reported, and stops it, leaving the victim alive. */
    private void startReportsTheSpawnAndStopLeavesTheVictim(Map<String, String> env, String did) {
        Drover.Result start = drover.multi(env, "start", node());
        assertEquals(0, start.exitCode(), start::toString);
        Matcher ok = OK_PID.matcher(start.stdout());
        assertTrue(ok.find(), start::toString);
        long reported = Long.parseLong(ok.group(1));
        assertNotEquals(victim.pid(), reported, () -> "start reported the pid the application wrote\n" + start);
        assertEquals(pidfilePid(), reported, () -> "start reported a pid that does not hold the pidfile\n" + start);
        assertTrue(log().contains(did), this::log);
        assertTrue(log().contains("read 0 bytes from fd 4"), () -> "the application read the key\n" + log());

        Drover.Result status = drover.multi(env, "status", node());
        assertTrue(status.stdout().contains("pid " + reported) || status.stdout().contains(" " + reported + " "), status::toString);
        Drover.Result stop = drover.multi(env, "stopwait", node());
        assertEquals(0, stop.exitCode(), stop::toString);
        assertTrue(Procs.exited(reported), () -> "the node is still alive after stopwait\n" + stop);
        assertTrue(Procs.alive(victim.pid()), () -> "root's process " + victim.pid() + " was signalled\n" + start + stop);
    }

    @Test
    void lines_the_application_writes_on_the_handshake_change_neither_the_pid_reported_nor_what_is_signalled() {
        startReportsTheSpawnAndStopLeavesTheVictim(forging(), "wrote forged lines on fd 3");
    }

    @Test
    void an_application_that_closes_the_handshake_descriptors_is_still_reported_ready_as_the_spawned_pid() {
        startReportsTheSpawnAndStopLeavesTheVictim(forging("FORGE_MODE", "close"), "closed fd 3: 0, fd 4: 0");
    }

    @Test
    void supervise_kills_the_spawned_node_when_it_hangs_though_its_application_writes_beats_and_names_root_s_process() {
        Process sv = drover.spawn(forging("FORGE_HANG", "1"), "supervise", concat("multi", "supervise", node("--heartbeat=0.3")));
        Pattern started = Pattern.compile(Pattern.quote("hs1@" + HOST) + ": started \\(pid (\\d+)");
        Procs.waitUntil("hs1 started", Procs.PATIENCE, () -> started.matcher(out()).find(), this::out);
        Matcher m = started.matcher(out());
        assertTrue(m.find());
        long pid = Long.parseLong(m.group(1));
        assertNotEquals(victim.pid(), pid, this::out);
        // the application hangs its liveness check and forges beats on fd 3: only the key's
        // BEATs count, so supervise finds the node hung and kills the node it spawned
        Procs.waitUntil("hs1 found hung", Procs.PATIENCE, () -> out().contains("hung: no heartbeat"), this::out);
        assertTrue(out().contains("restarting pid " + pid + " (SIGKILL)"), this::out);
        assertTrue(Procs.alive(victim.pid()), () -> "supervise killed root's process\n" + out());
        Procs.signal(sv.pid(), "TERM");
        Procs.waitUntil("supervise gone", Procs.PATIENCE, () -> !sv.isAlive(), this::out);
        assertTrue(Procs.alive(victim.pid()), () -> "supervise's stop signalled root's process\n" + out());
    }

    /**
     * An {@code --executable} wrapper that runs java as its child rather than exec-ing it: the
     * spawned pid is the wrapper's, and the node, the pidfile's holder, is that pid's child.
     */
    @Test
    void a_node_under_an_executable_wrapper_that_does_not_exec_is_reported_as_the_jvm_holding_its_pidfile() throws IOException {
        Path wrapper = dir.resolve("javawrap");
        Files.writeString(wrapper, "#!/bin/sh\n\"" + ProcessHandle.current().info().command().orElse("java") + "\" \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        String[] args = {"hs2", "--executable=" + wrapper, "--pidfile=" + dir + "/run/%n.pid", "--logfile=" + dir + "/log/%n%I.log"};
        Drover.Result start = drover.multi("start", args);
        assertEquals(0, start.exitCode(), start::toString);
        Matcher ok = Pattern.compile("hs2@\\S+: OK \\(pid (\\d+)\\)").matcher(start.stdout());
        assertTrue(ok.find(), start::toString);
        long reported = Long.parseLong(ok.group(1));
        try {
            assertEquals(reported, Long.parseLong(Files.readString(dir.resolve("run/hs2.pid")).trim()), start::toString);
        } finally {
            Drover.Result stop = drover.multi("stopwait", args);
            assertEquals(0, stop.exitCode(), stop::toString);
        }
        assertTrue(Procs.exited(reported), "the JVM still runs after stopwait");
    }

    private static String[] concat(String a, String b, String[] rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    private String out() {
        try {
            Path p = dir.resolve("supervise.out");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
