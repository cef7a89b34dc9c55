package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 30, item 3: forensics before a kill. A node supervise kills as hung, and one
 * {@code stopwait --kill-after-timeout} kills at its timeout, is first asked for a thread dump
 * (SIGQUIT): its log holds HotSpot's "Full thread dump" before the KILL, whole (the heap summary
 * that ends it is there), and {@code status} (the record's last exit) says where it is. On the
 * code before, the hung node was killed at once (no dump in its log, last exit "signal 9"), and
 * {@code --kill-after-timeout} was a usage error (exit 64).
 */
class ForensicsIT extends DroverTest {
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");
    private static final String HOST = Drover.hostname();
    /** What the record's and the lines' "thread dump in LOG at OFFSET (TIME)" say: LOG, OFFSET. */
    private static final Pattern WHERE = Pattern.compile("thread dump in (\\S+) at (\\d+) \\(\\d{4}-\\d\\d-\\d\\dT[0-9:]+Z\\)");

    @Test
    void a_hung_node_under_supervise_heartbeat_leaves_a_thread_dump_in_its_log_before_its_kill_and_status_says_where()
            throws Exception {
        Path out = dir.resolve("supervise.out");
        drover.spawn(FORCE_ROOT, "supervise", "multi", "supervise", "1", "--range-prefix=fxh", drover.pidfileOption(),
                drover.logfileOption(), "-A", "io.drover.fixtures.HangsHeartbeatApp",
                "--classpath=" + Drover.testClasses(), "--heartbeat=0.3", "--backoff=0.2");
        String node = "fxh1@" + HOST;
        // the kill's line comes once the dump is written; the restart's start after it
        Procs.waitUntil("the hung node killed after its thread dump", Procs.PATIENCE,
                () -> read(out).contains(node + ": killing pid "), () -> read(out));
        Procs.waitUntil("the hung node started again", Procs.PATIENCE,
                () -> Pattern.compile(Pattern.quote(node + ": started (pid")).matcher(read(out)).results().count() >= 2,
                () -> read(out));
        String line = read(out).lines().filter(l -> l.contains(node + ": killing pid ")).findFirst().orElseThrow();
        assertTrue(line.contains("(SIGKILL): hung; thread dump in "), line);
        assertDumpAt(WHERE.matcher(line), line);

        Drover.Result status = drover.multi("status", "1", "--range-prefix=fxh");
        String last = status.lineFor(node);
        assertTrue(last.contains("last exit killed: hung, thread dump in " + drover.logfile("fxh1") + " at "), status::toString);
        assertDumpAt(WHERE.matcher(last), last);
    }

    @Test
    void stopwait_kill_after_timeout_kills_a_node_that_outlived_it_after_its_thread_dump_and_exits_0() {
        Drover.Result start = drover.multi(FORCE_ROOT, "start", "1", "--range-prefix=fxs", "-A",
                "io.drover.fixtures.IgnoresTermApp", "--classpath=" + Drover.testClasses());
        assertEquals(0, start.exitCode(), start::toString);
        long pid = drover.pid("fxs1");

        Drover.Result stop = drover.multi("stopwait", "1", "--range-prefix=fxs", "--timeout=2", "--kill-after-timeout");
        assertEquals(0, stop.exitCode(), () -> "the node is gone after its kill: " + stop);
        String line = stop.linesFor("fxs1@" + HOST).stream().filter(l -> l.contains("killing pid")).findFirst()
                .orElseThrow(() -> new AssertionError(stop.toString()));
        assertTrue(line.contains("killing pid " + pid + " (SIGKILL): still running after --timeout; thread dump in "),
                line);
        assertDumpAt(WHERE.matcher(line), line);
        assertFalse(Procs.alive(pid), stop::toString);

        Drover.Result status = drover.multi("status", "1", "--range-prefix=fxs");
        String last = status.lineFor("fxs1@" + HOST);
        assertTrue(last.contains("last exit killed: still running after --timeout, thread dump in "), status::toString);
        assertDumpAt(WHERE.matcher(last), last);
    }

    /**
     * The node's user (nobody) replaces its logfile with a FIFO, and another node's with a link to
     * a FIFO of root's, before root's {@code stopwait --kill-after-timeout}: root neither follows
     * the link nor waits on a FIFO (a plain open of either blocks for ever), names why it did not
     * read them, and still kills both. The nodes are the demo, as nobody; {@code -WINCH} (which
     * a JVM ignores) is the stop that never ends them.
     */
    @Test
    void a_logfile_the_nodes_user_replaced_with_a_fifo_or_a_link_never_makes_root_follow_it_or_hang() throws Exception {
        assumeTrue(Drover.runningAsRoot(), "the attack is nobody's on root's stopwait");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path run = AttackFiles.ownedByNobody(dir.resolve("run"));
        Path log = AttackFiles.ownedByNobody(dir.resolve("log"));
        Path rootonly = Files.createDirectory(dir.resolve("rootonly"));
        Files.setPosixFilePermissions(rootonly, PosixFilePermissions.fromString("rwx------"));
        Path rootFifo = rootonly.resolve("fifo");
        mkfifo(rootFifo);
        String[] files = {"--pidfile=" + run + "/%n.pid", "--logfile=" + log + "/%n.log"};
        Drover.Result start = drover.run(List.of("multi", "start", "2", "--range-prefix=fxa", "--uid=nobody", files[0],
                files[1]).toArray(String[]::new));
        assertEquals(0, start.exitCode(), start::toString);
        long pid1 = Long.parseLong(Files.readString(run.resolve("fxa1.pid")).trim());
        long pid2 = Long.parseLong(Files.readString(run.resolve("fxa2.pid")).trim());

        Attacker.runOnce(dir.resolve("attacker.out"), """
                import os, sys
                fifo_log, link_log, target = sys.argv[1:4]
                os.unlink(fifo_log)
                os.mkfifo(fifo_log, 0o666)
                os.unlink(link_log)
                os.symlink(target, link_log)
                print("replaced", flush=True)
                """, log.resolve("fxa1.log").toString(), log.resolve("fxa2.log").toString(),
                rootFifo.toString());

        Drover.Result stop = drover.run("multi", "stopwait", "2", "--range-prefix=fxa", files[0], files[1], "-WINCH",
                "--timeout=1", "--kill-after-timeout");
        assertEquals(0, stop.exitCode(), stop::toString);
        assertTrue(stop.output().contains("killing pid " + pid1 + " (SIGKILL): still running after --timeout; thread dump"
                + " asked at "), stop::toString);
        assertTrue(stop.output().contains("fxa1.log was not read: "), stop::toString);
        assertTrue(stop.output().contains("fxa2.log was not read: "), stop::toString);
        assertFalse(Procs.alive(pid1) || Procs.alive(pid2), stop::toString);
    }

    /** The log at the offset the words name begins HotSpot's dump, and holds its end: written whole before the KILL. */
    private static void assertDumpAt(Matcher where, String words) {
        assertTrue(where.find(), () -> "no 'thread dump in LOG at OFFSET (TIME)' in: " + words);
        byte[] log;
        try {
            log = Files.readAllBytes(Path.of(where.group(1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int at = Integer.parseInt(where.group(2));
        String dump = new String(log, at, log.length - at, StandardCharsets.ISO_8859_1);
        assertTrue(dump.startsWith("Full thread dump "), () -> "at " + at + ": " + dump.substring(0, Math.min(200,
                dump.length())));
        int end = dump.indexOf("JNI global refs:");
        assertTrue(end > 0 && dump.indexOf(" class space ", end) > 0, "the dump's heap summary, its end, is in the log");
    }

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
