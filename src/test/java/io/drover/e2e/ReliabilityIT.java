package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, items 1-3: signals at their defaults, failed starts that clean up, nodes that end a
 * start nobody waits for. It runs beside other classes: each test starts one node, {@code rel1},
 * a name no other test uses, in its own registry and directory.
 */
class ReliabilityIT extends DroverTest {
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");

    private String[] neverReady(String... more) {
        List<String> args = new ArrayList<>(List.of("1", "--range-prefix=rel", "-A", "io.drover.fixtures.NeverReadyApp",
                "--classpath=" + Drover.testClasses()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static long mask(long pid, String field) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith(field + ":"))
                .map(l -> Long.parseLong(l.substring(field.length() + 1).trim(), 16)).findFirst().orElseThrow();
    }

    @Test
    void a_node_started_from_a_shell_that_ignores_int_hup_and_term_gets_every_signal_at_its_default() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' INT HUP TERM; exec \"$0\" \"$@\"",
                Drover.launcher().toString(), "multi", "start", "1", "--range-prefix=rel", drover.pidfileOption(),
                drover.logfileOption()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("DROVER_STATE_DIR", dir.resolve(".state").toString());
        Process start = pb.start();
        String out = new String(start.getInputStream().readAllBytes());
        assertTrue(start.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS), out);
        assertEquals(0, start.exitValue(), out);
        long pid = drover.pid("rel1");
        long ignored = mask(pid, "SigIgn");
        long hupIntTerm = (1L << (1 - 1)) | (1L << (2 - 1)) | (1L << (15 - 1));
        assertEquals(0, ignored & hupIntTerm, "the node inherited ignored signals: SigIgn " + Long.toHexString(ignored));
        assertEquals(0, mask(pid, "SigBlk"), "the node inherited blocked signals");
        Drover.Result stop = drover.multi("stopwait", "1", "--range-prefix=rel", "-INT", "--timeout=60");
        assertEquals(0, stop.exitCode(), stop::toString);
        assertTrue(Procs.exited(pid), "INT did not stop the node");
    }

    @Test
    void a_start_killed_by_the_start_timeout_leaves_no_pidfile_and_status_says_stopped() {
        Drover.Result start = drover.multi(FORCE_ROOT, "start", neverReady("--start-timeout=2"));
        assertEquals(1, start.exitCode(), start::toString);
        assertFalse(Files.exists(drover.pidfile("rel1")), "the failed start left its pidfile");
        Drover.Result status = drover.multi("status", "1", "--range-prefix=rel");
        assertEquals(3, status.exitCode(), status::toString);
        assertTrue(status.stdout().contains("stopped"), status::toString);
    }

    @Test
    void a_node_killed_before_it_was_ready_leaves_no_pidfile() {
        Process start = drover.spawn(FORCE_ROOT, "start", "multi", "start", "1", "--range-prefix=rel", drover.pidfileOption(),
                drover.logfileOption(), "-A", "io.drover.fixtures.NeverReadyApp", "--classpath=" + Drover.testClasses(),
                "--start-timeout=120");
        Procs.waitUntil("the node's pidfile", Procs.PATIENCE, () -> Files.exists(drover.pidfile("rel1")));
        long pid = drover.pid("rel1");
        Procs.signal(pid, "KILL");
        Procs.waitUntil("multi start to give up", Procs.PATIENCE, () -> !start.isAlive());
        assertEquals(1, start.exitValue());
        Procs.waitUntil("no pidfile", Procs.PATIENCE, () -> !Files.exists(drover.pidfile("rel1")));
        Drover.Result status = drover.multi("status", "1", "--range-prefix=rel");
        assertEquals(3, status.exitCode(), status::toString);
    }

    @Test
    void a_node_whose_starter_died_is_shown_starting_and_ends_itself_at_its_start_timeout() {
        Process start = drover.spawn(FORCE_ROOT, "start", "multi", "start", "1", "--range-prefix=rel", drover.pidfileOption(),
                drover.logfileOption(), "-A", "io.drover.fixtures.NeverReadyApp", "--classpath=" + Drover.testClasses(),
                "--start-timeout=6");
        Procs.waitUntil("the node's pidfile", Procs.PATIENCE, () -> Files.exists(drover.pidfile("rel1")));
        long pid = drover.pid("rel1");
        start.destroyForcibly();
        Drover.Result status = drover.multi("status", "1", "--range-prefix=rel");
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.lineFor("rel1@" + Drover.hostname()).contains("starting"), status::toString);
        Procs.waitUntil("the node to end itself", Procs.PATIENCE, () -> Procs.exited(pid));
        Procs.waitUntil("its pidfile to go", Procs.PATIENCE, () -> !Files.exists(drover.pidfile("rel1")));
        assertTrue(drover.log("rel1").contains("did not become ready"), drover.log("rel1"));
        Drover.Result after = drover.multi("status", "1", "--range-prefix=rel");
        assertEquals(3, after.exitCode(), after::toString);
    }
}
