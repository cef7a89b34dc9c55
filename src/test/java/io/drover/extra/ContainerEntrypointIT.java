package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * extra/container/entrypoint as a container runs it: PID 1 of its own PID namespace
 * ({@code unshare --pid --fork}), the nodes under multi supervise, TERM a warm stop of all.
 *
 * <p>It runs beside other classes: its nodes {@code ct1}, {@code ct2} are names no other test
 * runs, in a PID namespace of their own, with their registry, pidfiles and logs in its temp dir.
 */
class ContainerEntrypointIT {
    @TempDir
    Path tmp;

    Sandbox box;

    @BeforeEach
    void sandbox() {
        box = new Sandbox(tmp);
    }

    @AfterEach
    void tearDown() {
        box.close();
    }

    private static Path entrypoint() {
        return Sandbox.dist().resolve("extra/container/entrypoint");
    }

    @Test
    void the_entrypoint_is_shellcheck_clean_posix_sh() {
        Sandbox.requireProgram("shellcheck", "shellcheck");
        Sandbox.Result r = box.run(List.of("shellcheck", "--shell=sh", "--severity=style", entrypoint().toString()),
                Map.of(), false);
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void as_pid_1_of_its_namespace_it_runs_the_nodes_and_term_stops_them_warmly_with_exit_0() throws Exception {
        assumeTrue(Sandbox.isRoot(), "a PID namespace needs root");
        Path unshare = Sandbox.requireProgram("unshare", "util-linux");
        Files.createDirectories(tmp.resolve("run"));
        Files.createDirectories(tmp.resolve("log"));
        Path out = tmp.resolve("entrypoint.out");
        Process container = box.spawn(List.of(unshare.toString(), "--pid", "--fork", "--mount-proc", "--kill-child",
                entrypoint().toString()), Map.of(
                        "DROVER_BIN", Sandbox.dist().resolve("bin/drover").toString(),
                        "DROVER_NODES", "ct1 ct2",
                        "DROVER_RUN_DIR", tmp.resolve("run").toString(),
                        "DROVER_LOG_DIR", tmp.resolve("log").toString(),
                        "DROVER_STATE_DIR", tmp.resolve("state").toString(),
                        "DROVER_SUPERVISE_OPTS", "--max-restarts=3"), false, out);
        Sandbox.await("both nodes ready", () -> Sandbox.read(out).contains("all nodes ready") ? true : null,
                () -> Sandbox.read(out));
        assertTrue(Sandbox.read(out).contains("supervising 2 nodes (pid 1, child subreaper)"), Sandbox.read(out));
        // the namespace's PID 1, as the host sees it: unshare's one child
        long pid1 = Long.parseLong(Files.readString(Path.of("/proc/" + container.pid() + "/task/" + container.pid()
                + "/children")).trim());
        Sandbox.signal(pid1, "TERM");
        assertTrue(container.waitFor(Sandbox.DEADLINE.toSeconds(), TimeUnit.SECONDS), Sandbox.read(out));
        assertEquals(0, container.exitValue(), Sandbox.read(out));
        String text = Sandbox.read(out);
        assertTrue(text.contains("every node stopped"), text);
        for (String node : List.of("ct1", "ct2")) {
            String log = Sandbox.read(tmp.resolve("log/" + node + ".log"));
            assertTrue(log.contains("warm shutdown (SIGTERM)") && log.contains(" stopped"), log);
            assertFalse(Files.exists(tmp.resolve("run/" + node + ".pid")), node + "'s pidfile is left");
        }
    }
}
