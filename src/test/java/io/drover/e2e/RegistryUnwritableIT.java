package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 27, item 9: a node registry that cannot take the record of a start (here a read-only
 * file system, in a mount namespace of the test's own) refuses the start before any node runs.
 * On 250a267 start said OK with a warning, and status --all then said "no node recorded" while
 * the node ran.
 */
class RegistryUnwritableIT extends DroverTest {

    @Test
    void a_read_only_registry_refuses_start_with_exit_73_and_starts_nothing() throws Exception {
        String mount = dir.resolve("ro").toString();
        String script = String.join("\n",
                "set -e",
                "mkdir -p " + mount,
                "mount -t tmpfs -o size=64k tmpfs " + mount,
                "mkdir -m 700 " + mount + "/state",
                "mount -o remount,ro " + mount,
                "export DROVER_STATE_DIR=" + mount + "/state",
                "set +e",
                Drover.launcher() + " multi start ru1 " + drover.pidfileOption() + " " + drover.logfileOption(),
                "echo \"exit $?\"");
        Process p = new ProcessBuilder(List.of("unshare", "-m", "bash", "-c", script))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS), "start did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(out.contains("exit 73"), out);
        assertTrue(out.contains("drover: cannot write the node registry " + mount + "/state: "), out);
        assertTrue(out.contains("no node started"), out);
        assertFalse(Files.exists(drover.pidfile("ru1")), out);
        assertTrue(drover.processes().stream().noneMatch(pid -> Procs.cmdline(pid).contains(" ru1@")), out);
    }

    @Test
    void a_registry_it_can_write_starts_as_before() throws IOException {
        Drover.Result start = drover.multi("start", "ru2");
        assertEquals(0, start.exitCode(), start::toString);
        assertEquals(0, drover.multi("stopwait", "ru2").exitCode());
    }
}
