package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * extra/logrotate.d/drover against a running node: copytruncate is right only because every
 * writer of a node's logfile appends (O_APPEND), so this checks that first, then rotates.
 *
 * <p>It runs beside other classes: its node is {@code lrw1}, a name no other test uses, in its
 * own registry, with its pidfile, logs and logrotate state in the temp dir.
 */
class LogrotateIT {
    /** O_APPEND in /proc/PID/fdinfo's octal flags (Linux, every architecture drover runs on). */
    static final int O_APPEND = 02000;

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

    /** The fds of a process open on a file, with their open flags. */
    static List<int[]> fdsOn(long pid, Path file) throws IOException {
        List<int[]> fds = new ArrayList<>();
        try (var entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : entries.toList()) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (target.equals(file)) {
                    int n = Integer.parseInt(fd.getFileName().toString());
                    String flags = Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + n)).stream()
                            .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
                    fds.add(new int[] {n, Integer.parseInt(flags.substring(6).trim(), 8)});
                }
            }
        }
        return fds;
    }

    @Test
    void after_logrotate_copytruncate_a_running_node_goes_on_logging_into_the_emptied_file() throws IOException {
        Path logrotate = Sandbox.requireProgram("logrotate", "logrotate");
        Path drover = Sandbox.dist().resolve("bin/drover");
        Path log = tmp.resolve("log/lrw1.log");
        box.ok("env", "DROVER_STATE_DIR=" + tmp.resolve("state"), drover.toString(), "multi", "start", "lrw1", "-c", "2",
                "--pidfile=" + tmp + "/run/%n.pid", "--logfile=" + tmp + "/log/%n%I.log");
        long pid = Sandbox.awaitPidfile(tmp.resolve("run/lrw1.pid"), null, () -> Sandbox.read(log));

        // The premise of copytruncate: every descriptor on the log appends. A spawned node's
        // logback writes through its stdout, which its spawner opened on the log (issue 25,
        // class 8: the path is opened once), so stdout and stderr are all there is.
        List<int[]> fds = fdsOn(pid, log);
        List<Integer> numbers = fds.stream().map(f -> f[0]).toList();
        assertTrue(numbers.contains(1) && numbers.contains(2),
                "stdout and stderr, which the log appender writes through, should be open on " + log + ": fds " + numbers);
        for (int[] fd : fds) {
            assertTrue((fd[1] & O_APPEND) != 0, "fd " + fd[0] + " of the node is open on its log without O_APPEND: flags 0"
                    + Integer.toOctalString(fd[1]));
        }

        Sandbox.await("the node to log a few jobs", () -> Sandbox.read(log).contains("job 3 started"), () -> Sandbox.read(log));
        Path conf = tmp.resolve("logrotate.conf");
        // Root owns the temp dir: logrotate works there as root (the shipped rule says drover).
        Sandbox.write(conf, Render.replace(Files.readString(Sandbox.dist().resolve("extra/logrotate.d/drover")),
                Render.map("/var/log/drover/*.log", tmp + "/log/*.log", "su drover drover", "su root root"), "logrotate.d/drover"));
        Sandbox.Result r = box.run(List.of(logrotate.toString(), "-f", "-v", "-s", tmp.resolve("logrotate.state").toString(),
                conf.toString()), Map.of(), false);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("copying " + log) || r.out().contains("copying " + log), r.toString());

        Path rotated = tmp.resolve("log/lrw1.log.1");
        assertTrue(Files.exists(rotated), "delaycompress: the first rotation is lrw1.log.1:\n" + r);
        assertTrue(Files.readString(rotated).contains("job 3 started"), "the rotated copy has the old lines");
        String next = Sandbox.await("new lines in the truncated " + log, () -> {
            String text = Sandbox.read(log);
            return text.contains("\n") && !text.contains("job 3 started") ? text : null;
        }, () -> Sandbox.read(log));
        byte[] bytes = Files.readAllBytes(log);
        for (byte b : bytes) {
            assertFalse(b == 0, "the truncated log has a hole of zero bytes: a writer did not append\n" + next);
        }
        assertTrue(next.startsWith("["), "the truncated log starts with a whole log line:\n" + next);

        box.ok("env", "DROVER_STATE_DIR=" + tmp.resolve("state"), drover.toString(), "multi", "stopwait", "lrw1",
                "--pidfile=" + tmp + "/run/%n.pid");
        assertTrue(Sandbox.read(log).contains("warm shutdown"), "the node logged its shutdown into the new file");
    }
}
