package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: a node has one heartbeat thread, which serves both who listen to it: {@code /live}
 * of {@code --health-port} and supervise's {@code --heartbeat}. Two threads asked the
 * application twice and could disagree about a hang.
 */
class HeartbeatThreadIT extends DroverTest {
    /** The kernel keeps 15 characters of a thread's name ({@code TASK_COMM_LEN} less its NUL). */
    private static final String COMM = "drover-heartbeat".substring(0, 15);

    @Test
    void a_supervised_node_with_a_health_port_runs_one_heartbeat_thread() throws Exception {
        int port = HealthPortIT.freePort();
        Path out = dir.resolve("supervise.out");
        drover.spawn(Map.of(), "supervise", "multi", "supervise", "1", "--range-prefix=hbt", drover.pidfileOption(),
                drover.logfileOption(), "--heartbeat=0.3", "--health-port=" + port);
        // supervise says started once it read READY, after which the node beats to it
        Procs.waitUntil("supervise to start hbt1", Procs.PATIENCE, () -> read(out).contains(": started (pid "),
                () -> read(out));
        Procs.waitUntil("hbt1 to answer /ready", Procs.PATIENCE, () -> HealthPortIT.status(port, "/ready") == 200,
                () -> read(out));
        long pid = drover.pid("hbt1");
        List<String> names = threadNames(pid);
        assertEquals(1, names.stream().filter(COMM::equals).count(), names::toString);
        assertEquals(200, HealthPortIT.status(port, "/live"), "the one thread beats for /live too");
    }

    private static List<String> threadNames(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    names.add(Files.readString(task.resolve("comm")).trim());
                } catch (IOException e) {
                    // that thread ended
                }
            }
        }
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
