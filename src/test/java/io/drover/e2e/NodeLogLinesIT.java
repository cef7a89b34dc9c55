package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 30, items 1 and 2: every line of a node's log has a time and a source, what the
 * application prints to System.out included ({@code io.drover.fixtures.PrintingApp}); JSON lines;
 * the node rotates its own logfile, {@code logs -f} follows it, and the JVM's own output (a
 * thread dump on SIGQUIT) goes to the active file after a rotation.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NodeLogLinesIT extends DroverTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** A line of drover's text format: the time, the level and thread, the logger. */
    private static final String STAMP = "\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}: ";
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");

    /** The node, then {@code -A PrintingApp} with its class path, then {@code more}. */
    private String[] app(String node, String... more) {
        List<String> args = new ArrayList<>(List.of(node, "-A", "io.drover.fixtures.PrintingApp", "--classpath=" + Drover.testClasses()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /**
     * Before the change the application's lines were in the log as printed, with no time and no
     * source, and the partial line was lost or glued to the next.
     */
    @Test
    void what_an_application_prints_to_system_out_and_err_gets_the_nodes_time_and_logger() {
        String node = "r30lg1";
        Drover.Result r = drover.multi(FORCE_ROOT, "start", app(node));
        assertEquals(0, r.exitCode(), r::toString);
        r = drover.multi(FORCE_ROOT, "stopwait", node);
        assertEquals(0, r.exitCode(), r::toString);
        String log = drover.log(node);
        assertTrue(Pattern.compile("(?m)^" + STAMP + "WARN/drover-app-start\\] stdout: out line 1$").matcher(log).find(), log);
        assertTrue(Pattern.compile("(?m)^" + STAMP + "WARN/drover-app-start\\] stderr: err line 1$").matcher(log).find(), log);
        // printed without a newline as the application stopped: logged as the node ends
        assertTrue(Pattern.compile("(?m)^" + STAMP + "WARN/main\\] stdout: partial tail$").matcher(log).find(), log);
        for (String line : log.split("\n")) {
            // the exception's frames are the one multi-line event
            assertTrue(line.matches(STAMP + ".*") || line.startsWith("\t") || line.startsWith("java.lang.IllegalStateException"),
                    "a line without a time: " + line + "\n" + log);
        }
    }

    /** Before the change, --log-format was an unknown option: multi refused it. */
    @Test
    void json_lines_each_parse_and_carry_time_level_logger_thread_message_and_the_exception() throws Exception {
        String node = "r30lg2";
        Drover.Result r = drover.multi(FORCE_ROOT, "start", app(node, "--log-format=json"));
        assertEquals(0, r.exitCode(), r::toString);
        r = drover.multi(FORCE_ROOT, "stopwait", node);
        assertEquals(0, r.exitCode(), r::toString);
        Path log = drover.logfile(node);
        String check = String.join("\n",
                "import json, sys",
                "keys = {'time', 'level', 'node', 'logger', 'thread', 'message'}",
                "seen = set()",
                "for n, line in enumerate(open(sys.argv[1], encoding='utf-8'), 1):",
                "    o = json.loads(line)",
                "    missing = keys - o.keys()",
                "    assert not missing, 'line %d lacks %s: %s' % (n, missing, line)",
                "    seen.add((o['logger'], o['message']))",
                "    if 'exception' in o: seen.add(('exception', o['exception'].splitlines()[0]))",
                "need = {('stdout', 'out line 1'), ('stderr', 'err line 1'), ('stdout', 'partial tail'),",
                "        ('exception', 'java.lang.IllegalStateException: fixture failure')}",
                "assert need <= seen, 'not in the log: %s' % (need - seen)",
                "print('parsed', n)");
        Process p = new ProcessBuilder("python3", "-c", check, log.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> out + "\n" + drover.log(node));
    }

    /**
     * A node printing batches of lines as fast as it can, with {@code --log-max-size=10K
     * --log-keep=3}: the files rotate at the size, three gzip'ed ones are kept, {@code logs -f}
     * prints every line once and in order, and a thread dump asked with SIGQUIT after the
     * rotations is in the active file. Before the change the options were unknown; with the
     * rotation but without the {@code dup2}, the dump went to the rotated file.
     */
    @Test
    void a_node_rotates_at_the_size_keeps_n_gzip_files_and_logs_follow_loses_nothing() throws Exception {
        String node = "r30lg3";
        Path go = Files.createDirectory(dir.resolve("go"));
        int batch = 60; // about 6.6K a batch: at most one rotation a batch
        int batches = 12;
        Drover.Result r = drover.multi(FORCE_ROOT, "start",
                app(node, "--log-max-size=10K", "--log-keep=3", drover.pidfileOption(), drover.logfileOption(),
                        "--", go.toString(), Integer.toString(batch)));
        assertEquals(0, r.exitCode(), r::toString);
        Process follow = drover.spawn(Map.of(), "follow", "multi", "logs", "-f", "-n", "1", node, drover.logfileOption());
        Path followed = dir.resolve("follow.out");
        // the log's last line printed: logs -f follows from there
        Procs.waitUntil("logs -f to start", DEADLINE, () -> read(followed).contains(node + "@"), () -> tail(followed));
        for (int k = 1; k <= batches; k++) {
            Files.createFile(go.resolve("go." + k));
            long last = (long) k * batch;
            // the test goes on once logs -f printed the batch: a follower that looks between two
            // rotations, as it does at every poll unless a node fills --log-max-size faster
            Procs.waitUntil("logs -f to print line " + last, DEADLINE,
                    () -> read(followed).contains(String.format("n=%06d ", last)), () -> tail(followed));
        }
        List<String> problems = check(read(followed), 1, (long) batch * batches);
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems) + "\n" + tail(followed));
        Procs.waitUntil("three gzip'ed files", DEADLINE, () -> rotated(node).equals(List.of(".1.gz", ".2.gz", ".3.gz")),
                () -> "files: " + rotated(node));
        for (String suffix : List.of(".1.gz", ".2.gz", ".3.gz")) {
            String old = gunzip(dir.resolve(node + ".log" + suffix));
            assertTrue(old.length() >= 10 * 1024 && old.length() < 12 * 1024, suffix + " holds " + old.length() + " bytes");
        }
        assertTrue(Files.size(drover.logfile(node)) < 12 * 1024, "the active file is " + Files.size(drover.logfile(node)));

        new ProcessBuilder("kill", "-QUIT", Long.toString(drover.pid(node))).start().waitFor();
        Procs.waitUntil("a thread dump in the active logfile", DEADLINE, () -> drover.log(node).contains("Full thread dump"),
                () -> drover.log(node));
        assertFalse(gunzip(dir.resolve(node + ".log.1.gz")).contains("Full thread dump"));
        follow.destroy();
        r = drover.multi(FORCE_ROOT, "stopwait", node);
        assertEquals(0, r.exitCode(), r::toString);
    }

    /**
     * Root's node told to rotate {@code /dev/null} would rename the device out of {@code /dev}: it
     * does not start, and says why. Before the change the option was unknown (64, another line).
     */
    @Test
    void a_device_is_never_rotated() throws IOException {
        Drover.Result r = drover.multi("start", "r30lg4", "--logfile=/dev/null", "--log-max-size=1K");
        assertEquals(64, r.exitCode(), r::toString);
        assertTrue(r.output().contains("--log-max-size and --log-rotate rotate a regular file; /dev/null is not one"), r::toString);
        assertTrue(Files.readAttributes(Path.of("/dev/null"), java.nio.file.attribute.PosixFileAttributes.class).isOther());
        assertFalse(Files.exists(Path.of("/dev/null.1")));
    }

    private List<String> rotated(String node) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(node + ".log."))
                    .map(n -> n.substring((node + ".log").length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Pattern NUMBERED = Pattern.compile("stdout: n=(\\d+) batch=");

    /** What is missing, twice, or out of order among lines first..last of what logs -f printed. */
    private static List<String> check(String output, long first, long last) {
        List<String> problems = new ArrayList<>();
        Matcher m = NUMBERED.matcher(output);
        long expected = first;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            if (n != expected && problems.size() < 10) {
                problems.add("line " + n + " where line " + expected + " was due");
            }
            expected = n + 1;
        }
        if (expected != last + 1) {
            problems.add("the last line printed is " + (expected - 1) + ", not " + last);
        }
        return problems;
    }

    private static String gunzip(Path gz) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        return LogRotationIT.read(p);
    }

    private static String tail(Path p) {
        return LogRotationIT.tail(p);
    }
}
