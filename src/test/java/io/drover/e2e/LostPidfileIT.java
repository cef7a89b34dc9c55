package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 27, item 1: one node is one process, whatever happens to its pidfile. On 250a267, with a
 * running node's pidfile removed, status said stopped (exit 3), stopwait said "not running", and
 * start said OK and ran a second JVM of the same nodename, the first invisible to every command.
 */
class LostPidfileIT extends DroverTest {
    private static final String NAME = "lp1@" + Drover.hostname();

    /** The live JVMs of this test that run node lp1. */
    private Set<Long> nodeProcesses() {
        return drover.processes().stream().filter(pid -> Procs.cmdline(pid).contains("-n " + NAME))
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void a_node_whose_pidfile_was_removed_is_found_by_status_refused_a_twin_by_start_and_stopped_by_stopwait()
            throws IOException {
        Drover.Result start = drover.multi("start", "lp1");
        assertEquals(0, start.exitCode(), start::toString);
        long pid = drover.pid("lp1");
        Files.delete(drover.pidfile("lp1"));

        Drover.Result status = drover.multi("status", "lp1");
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.stdout().contains(NAME + ": running (pid " + pid), status::toString);
        assertTrue(status.stdout().contains("pidfile missing"), status::toString);

        Drover.Result again = drover.multi("start", "lp1");
        assertEquals(1, again.exitCode(), again::toString);
        assertTrue(again.stdout().contains("already runs as pid " + pid + ", but its pidfile"), again::toString);
        assertEquals(Set.of(pid), nodeProcesses(), "one process of " + NAME);

        Drover.Result stop = drover.multi("stopwait", "lp1");
        assertEquals(0, stop.exitCode(), stop::toString);
        Procs.waitUntilGone(pid);
        assertEquals(Set.of(), nodeProcesses());
    }

    /**
     * {@code NAMESPACE ARGS...}: execs itself with {@code DROVER_NAMESPACE=NAMESPACE} and ARGS as
     * its command line, names its thread as a ready node's, and waits: a process of nobody's that
     * looks, from /proc, like the node whose pidfile is gone.
     */
    private static final String FORGER = String.join("\n",
            "import os, sys",
            "if os.environ.get('DROVER_NAMESPACE') != sys.argv[1]:",
            "    env = dict(os.environ, DROVER_NAMESPACE=sys.argv[1])",
            "    script = open('/proc/self/cmdline').read().split('\\0')[2]",
            "    os.execve(sys.executable, [sys.executable, '-c', script] + sys.argv[1:], env)",
            "open('/proc/self/comm', 'w').write('" + io.drover.core.NodeProtocol.READY_THREAD + "')",
            "print('up', flush=True)",
            "import time",
            "while True:",
            "    time.sleep(3600)");

    @Test
    void a_process_of_nobody_posing_as_the_node_without_a_pidfile_is_never_signalled_by_root() {
        String namespace = io.drover.core.Namespace.of(dir.resolve(".state").toString()).dir();
        try (Attacker forger = Attacker.start(dir.resolve("forger.out"), FORGER, namespace, "io.drover.cli.Main",
                "worker", "-n", NAME, "--pidfile=" + drover.pidfile("lp1"))) {
            forger.awaitLine("up");

            Drover.Result status = drover.multi("status", "lp1");
            assertEquals(3, status.exitCode(), status::toString);
            assertTrue(status.stdout().contains(NAME + ": stopped"), status::toString);
            Drover.Result stop = drover.multi("stopwait", "lp1");
            assertEquals(0, stop.exitCode(), stop::toString);
            assertTrue(stop.stdout().contains(NAME + ": not running"), stop::toString);
            assertTrue(forger.alive(), "root signalled nobody's process: " + stop);
        }
    }
}
