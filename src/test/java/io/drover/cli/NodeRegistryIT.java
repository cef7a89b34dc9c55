package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.e2e.Drover;
import io.drover.e2e.Drover.Result;
import io.drover.e2e.Procs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12's acceptance list, end to end through the launcher with real nodes: the node
 * registry ({@code D/.state}, the harness's {@code DROVER_STATE_DIR}) gives start and restart
 * the options a node was started with, {@code --all} acts on every recorded node whatever
 * pidfile template started it, status shows the figures of {@code /proc}, logs tails and
 * follows, a corrupt record is named and skipped.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NodeRegistryIT {
    private static final String HOST = Drover.hostname();

    @TempDir
    Path dir;
    private Drover drover;

    @BeforeEach
    void newDrover() {
        drover = new Drover(dir);
    }

    @AfterEach
    void killWhatIsLeft() {
        drover.cleanup();
    }

    /**
     * The nodes' names: not drover's default, so other tests on this machine that start
     * drover1@HOST at the same time do not collide with these (one process per nodename).
     */
    private static final String PREFIX = "regnode";

    private static String node(int i) {
        return PREFIX + i + "@" + HOST;
    }

    /** {@code drover multi ARGS} with the harness's pidfile and logfile and this class's node names. */
    private Result dm(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--range-prefix=" + PREFIX);
        return drover.multi(all.get(0), all.subList(1, all.size()).toArray(String[]::new));
    }

    private static void assertExit(int expected, Result r) {
        assertEquals(expected, r.exitCode(), r::toString);
    }

    private static void assertContains(String haystack, String needle, Result context) {
        assertTrue(haystack.contains(needle), () -> "expected '" + needle + "' in '" + haystack + "'\n" + context);
    }

    private static List<String> after(List<String> argv, String option) {
        int at = argv.indexOf(option);
        return at < 0 || at + 1 >= argv.size() ? List.of() : argv.subList(at, at + 2);
    }

    /** {@code drover multi ARGS} exactly as given: --all takes no --pidfile or --logfile. */
    private Result multi(String... args) {
        List<String> argv = new ArrayList<>(List.of("multi"));
        argv.addAll(List.of(args));
        return drover.run(Map.of(), argv);
    }

    /** Live processes that run this nodename (its {@code -n NODENAME}), whatever their pidfile. */
    private static Set<Long> processesOf(String nodename) {
        return Procs.pidsWithCmdlineContaining(" -n " + nodename + " ");
    }

    @Test
    void restart_with_no_options_brings_a_killed_node_back_with_its_recorded_options_and_restarts_the_running_ones() {
        assertExit(0, dm("start", "3", "-c", "3", "-Q", "a"));
        long p1 = drover.pid(PREFIX + "1");
        long p2 = drover.pid(PREFIX + "2");
        long p3 = drover.pid(PREFIX + "3");
        Procs.signal(p2, "KILL");
        Procs.waitUntilGone(p2);

        Result restart = dm("restart", "3");

        assertExit(0, restart);
        for (int i = 1; i <= 3; i++) {
            List<String> argv = Procs.argv(drover.pid(PREFIX + i));
            assertEquals(List.of("-c", "3"), after(argv, "-c"), () -> "restarted without -c 3: " + argv);
            assertEquals(List.of("-Q", "a"), after(argv, "-Q"), () -> "restarted without -Q a: " + argv);
        }
        // restart restarts running nodes too (docs/cli.md): new pids for 1 and 3
        assertNotEquals(p1, drover.pid(PREFIX + "1"));
        assertNotEquals(p3, drover.pid(PREFIX + "3"));
        assertTrue(Procs.alive(drover.pid(PREFIX + "2")), restart::toString);
        // the registry counted the restarts and kept how node 2 ended
        Result status = dm("status", "3");
        assertExit(0, status);
        for (int i = 1; i <= 3; i++) {
            assertContains(status.lineFor(node(i)), "restarts 1", status);
        }
        assertContains(status.lineFor(node(2)), "last exit signal 9", status);
    }

    @Test
    void start_with_no_options_starts_a_dead_node_with_its_recorded_options() {
        assertExit(0, dm("start", "2", "-c", "2", "-Q", "a,b"));
        long p1 = drover.pid(PREFIX + "1");
        long p2 = drover.pid(PREFIX + "2");
        Procs.signal(p2, "KILL");
        Procs.waitUntilGone(p2);

        Result start = dm("start", "2");

        assertExit(0, start);
        assertContains(start.lineFor(node(1)), "already running (pid " + p1 + ")", start);
        List<String> argv = Procs.argv(drover.pid(PREFIX + "2"));
        assertEquals(List.of("-Q", "a,b"), after(argv, "-Q"), () -> "started without -Q a,b: " + argv);
        assertEquals(List.of("-c", "2"), after(argv, "-c"), () -> "started without -c 2: " + argv);
    }

    @Test
    void options_given_replace_the_record_and_the_ones_dropped_are_named() {
        assertExit(0, dm("start", "2", "-c", "3", "-Q", "a,b"));

        Result restart = dm("restart", "2", "-c", "1");

        assertExit(0, restart);
        for (int i = 1; i <= 2; i++) {
            assertTrue(restart.stdout().contains("> " + node(i) + ": -Q a,b dropped"), restart::toString);
            List<String> argv = Procs.argv(drover.pid(PREFIX + i));
            assertEquals(List.of("-c", "1"), after(argv, "-c"), argv::toString);
            assertFalse(argv.contains("-Q"), argv::toString);
        }
        // the record is the new command line: a plain restart keeps -c 1 and names nothing
        Result again = dm("restart", "2");
        assertExit(0, again);
        assertFalse(again.stdout().contains("dropped"), again::toString);
        assertEquals(List.of("-c", "1"), after(Procs.argv(drover.pid(PREFIX + "1")), "-c"));
    }

    @Test
    void restart_under_another_pidfile_template_is_refused_and_never_runs_a_second_process_of_a_nodename() {
        assertExit(0, dm("start", "2", "-c", "1"));
        long p1 = drover.pid(PREFIX + "1");
        long p2 = drover.pid(PREFIX + "2");

        Result restart = dm("restart", "2", "--pidfile=" + dir + "/other/%n.pid");

        assertExit(1, restart);
        assertContains(restart.lineFor(node(1)), "already runs as pid " + p1 + " with pidfile " + dir + "/" + PREFIX + "1.pid", restart);
        assertContains(restart.stderr(), node(2) + ": FAILED: already runs as pid " + p2, restart);
        assertEquals(Set.of(p1), processesOf(node(1)), "one process of drover1");
        assertEquals(Set.of(p2), processesOf(node(2)), "one process of drover2");
        // the registry still holds them at their own pidfiles
        Result status = multi("status", "--all");
        assertExit(0, status);
        assertContains(status.lineFor(node(1)), "running (pid " + p1, status);
        assertContains(status.lineFor(node(1)), "pidfile " + dir + "/" + PREFIX + "1.pid", status);
    }

    @Test
    void status_all_lists_nodes_of_three_pidfile_templates_with_pid_and_rss_as_proc_has_them_and_stopwait_all_stops_them()
            throws IOException {
        assertExit(0, dm("start", "a", "-c", "1", "--pidfile=" + dir + "/one/%n.pid"));
        assertExit(0, dm("start", "b", "-c", "1", "--pidfile=" + dir + "/two/%n-x.pid"));
        assertExit(0, dm("start", "c", "-c", "1", "--pidfile=" + dir + "/three/%N.pid"));
        Map<String, Path> pidfiles = Map.of("a@" + HOST, dir.resolve("one/a.pid"), "b@" + HOST, dir.resolve("two/b-x.pid"),
                "c@" + HOST, dir.resolve("three/c.pid"));

        Result text = multi("status", "--all");
        assertExit(0, text);
        pidfiles.forEach((nodename, pidfile) -> {
            String line = text.lineFor(nodename);
            assertContains(line, "running (pid " + pid(pidfile), text);
            assertContains(line, "pidfile " + pidfile, text);
            assertContains(line, "rss ", text);
        });

        Result json = multi("status", "--all", "--json");
        assertExit(0, json);
        List<Object> nodes = JsonText.array(json.stdout());
        assertEquals(3, nodes.size(), json::toString);
        for (Object o : nodes) {
            Map<String, Object> n = JsonText.object(o);
            for (String key : List.of("nodename", "state", "pid", "uptime_seconds", "rss_bytes", "cpu_percent", "restarts",
                    "last_exit", "pidfile")) {
                assertTrue(n.containsKey(key), () -> key + " missing in " + n);
            }
            Path pidfile = pidfiles.get((String) n.get("nodename"));
            long pid = pid(pidfile);
            assertEquals("running", n.get("state"), json::toString);
            assertEquals(pid, ((Number) n.get("pid")).longValue(), json::toString);
            assertEquals(pidfile.toString(), n.get("pidfile"), json::toString);
            assertEquals(0, ((Number) n.get("restarts")).intValue(), json::toString);
            // a JVM's resident memory moves a little between two looks: the same to a quarter
            long rss = ((Number) n.get("rss_bytes")).longValue();
            long proc = vmRssBytes(pid);
            assertTrue(Math.abs(rss - proc) <= proc / 4, () -> "rss " + rss + " vs /proc " + proc + "\n" + json);
        }

        Result stopwait = multi("stopwait", "--all");
        assertExit(0, stopwait);
        pidfiles.values().forEach(p -> assertFalse(Files.exists(p), p + " left"));
        assertEquals(Set.of(), drover.processes(), "stopwait --all left nodes running");
        Result after = multi("status", "--all");
        assertExit(3, after);
        pidfiles.keySet().forEach(nodename -> assertContains(after.lineFor(nodename), "stopped", after));
    }

    @Test
    void restart_all_restarts_every_recorded_node_at_its_own_pidfile_with_its_own_options_and_forget_all_forgets_them() {
        assertExit(0, dm("start", "a", "-c", "2", "-Q", "qa", "--pidfile=" + dir + "/one/%n.pid"));
        assertExit(0, dm("start", "b", "-c", "1", "-l", "DEBUG", "--pidfile=" + dir + "/two/%n-x.pid"));
        long a = pid(dir.resolve("one/a.pid"));
        long b = pid(dir.resolve("two/b-x.pid"));

        Result restart = multi("restart", "--all");

        assertExit(0, restart);
        long a2 = pid(dir.resolve("one/a.pid"));
        long b2 = pid(dir.resolve("two/b-x.pid"));
        assertNotEquals(a, a2, restart::toString);
        assertNotEquals(b, b2, restart::toString);
        assertEquals(List.of("-Q", "qa"), after(Procs.argv(a2), "-Q"), () -> Procs.cmdline(a2));
        assertEquals(List.of("-c", "2"), after(Procs.argv(a2), "-c"), () -> Procs.cmdline(a2));
        assertEquals(List.of("-l", "DEBUG"), after(Procs.argv(b2), "-l"), () -> Procs.cmdline(b2));
        assertFalse(restart.stdout().contains("dropped"), restart::toString);

        assertExit(1, multi("forget", "--all"));
        assertExit(0, multi("kill", "--all"));
        Result forget = multi("forget", "--all");
        assertExit(0, forget);
        assertContains(forget.lineFor("a@" + HOST), "forgotten", forget);
        assertContains(forget.lineFor("b@" + HOST), "forgotten", forget);
        Result status = multi("status", "--all");
        assertExit(3, status);
        assertContains(status.stderr(), "no node recorded in " + dir.resolve(".state"), status);
    }

    @Test
    void logs_all_follow_shows_lines_written_after_it_started_also_after_a_copytruncate() throws IOException {
        assertExit(0, dm("start", "2", "-c", "1"));
        Path out = dir.resolve("follow.out");
        drover.spawn(Map.of(), "follow", "multi", "logs", "--all", "-f", "-n", "1");
        Procs.waitUntil("logs -f to print the tail of both nodes", Procs.PATIENCE,
                () -> read(out).contains(node(1) + ": ") && read(out).contains(node(2) + ": "), () -> read(out));

        Files.writeString(drover.logfile(PREFIX + "1"), "marker one\n", StandardOpenOption.APPEND);
        Procs.waitUntil("the line written after logs -f started", Procs.PATIENCE,
                () -> read(out).contains(node(1) + ": marker one\n"), () -> read(out));

        // logrotate's copytruncate: the same file, emptied in place, written on
        try (var ch = Files.newByteChannel(drover.logfile(PREFIX + "2"), StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        Files.writeString(drover.logfile(PREFIX + "2"), "marker two\n", StandardOpenOption.APPEND);
        Procs.waitUntil("the line written after the truncation", Procs.PATIENCE,
                () -> read(out).contains(node(2) + ": marker two\n"), () -> read(out));
    }

    @Test
    void logs_prints_the_last_lines_of_each_node_and_names_one_without_a_logfile() throws IOException {
        assertExit(0, dm("start", "1", "-c", "1"));
        Files.writeString(drover.logfile(PREFIX + "1"), "last but one\nlast\n", StandardOpenOption.APPEND);

        Result logs = dm("logs", PREFIX + "1", "nolog", "-n", "2");

        assertExit(1, logs);
        assertEquals(List.of(node(1) + ": last but one", node(1) + ": last"), logs.stdout().lines().toList(), logs::toString);
        assertContains(logs.stderr(), "nolog@" + HOST + ": no logfile " + dir + "/nolog.log", logs);
    }

    @Test
    void logs_never_reads_a_logfile_through_a_symbolic_link_nor_a_fifo() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "the secret\n");
        Files.createSymbolicLink(dir.resolve("link.log"), secret);
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("fifo.log").toString()).start().waitFor());

        Result logs = dm("logs", "link", "fifo");

        assertExit(1, logs);
        assertFalse(logs.stdout().contains("the secret"), logs::toString);
        assertContains(logs.stderr(), "link@" + HOST + ": logfile " + dir + "/link.log cannot be read", logs);
        assertContains(logs.stderr(), "fifo@" + HOST + ": logfile " + dir + "/fifo.log cannot be read", logs);
    }

    @Test
    void a_corrupt_record_is_named_by_status_all_and_the_other_nodes_are_shown() throws IOException {
        assertExit(0, dm("start", "2", "-c", "1"));
        Path record = dir.resolve(".state/" + node(1) + ".node");
        assertTrue(Files.exists(record), "no record " + record);
        Files.writeString(record, "format=99\nnodename=" + node(1) + "\n");
        Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rw-------"));

        Result status = multi("status", "--all");

        assertContains(status.output(), record.toString(), status);
        assertContains(status.lineFor(node(1)), "unknown", status);
        assertContains(status.lineFor(node(2)), "running (pid " + drover.pid(PREFIX + "2"), status);
        assertFalse(status.output().contains("internal error") || status.output().contains("Exception"), status::toString);
        assertExit(1, status);
        Result json = multi("status", "--all", "--json");
        assertEquals(2, JsonText.array(json.stdout()).size(), json::toString);
        // stop --all does not act on it, and names it
        Result stop = multi("stopwait", "--all");
        assertContains(stop.output(), record.toString(), stop);
        assertTrue(Procs.alive(drover.pid(PREFIX + "1")), "a node of an untrusted record was signalled");
    }

    @Test
    void forget_removes_the_record_of_a_stopped_node_and_refuses_a_running_one() {
        assertExit(0, dm("start", "2", "-c", "1"));
        assertExit(0, dm("stopwait", "1"));
        long p2 = drover.pid(PREFIX + "2");

        Result forget = dm("forget", "2");

        assertExit(1, forget);
        assertContains(forget.lineFor(node(1)), "forgotten", forget);
        assertContains(forget.lineFor(node(2)), "FAILED: runs as pid " + p2, forget);
        Result status = multi("status", "--all");
        assertExit(0, status);
        assertTrue(status.linesFor(node(1)).isEmpty(), status::toString);
        assertContains(status.lineFor(node(2)), "running", status);
    }

    @Test
    void status_watch_redraws_until_interrupted() {
        assertExit(0, dm("start", "1", "-c", "1"));
        Path out = dir.resolve("watch.out");
        Process watch = drover.spawn(Map.of(), "watch", "multi", "status", "--all", "--watch=0.2");
        Procs.waitUntil("two rounds of status --watch", Procs.PATIENCE,
                () -> read(out).split("> " + Pattern.quote(node(1)) + ": running", -1).length > 2, () -> read(out));
        assertTrue(watch.isAlive(), "status --watch ended by itself:\n" + read(out));
    }

    @Test
    void status_on_a_terminal_prints_aligned_columns_under_a_header() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) for a terminal");
        assertExit(0, drover.multi("start", "2", "-c", "1", "--range-prefix=longer-h12-"));
        assertExit(0, dm("start", "1", "-c", "1"));
        Path out = dir.resolve("tty.out");
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", Drover.launcher() + " multi status --all", out.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
        pb.environment().put("DROVER_STATE_DIR", dir.resolve(".state").toString());
        pb.environment().remove("NO_COLOR");
        Process script = pb.start();
        assertTrue(script.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS), "status on a terminal hung");

        List<String> lines = read(out).replaceAll("\u001b\\[[0-9;]*m", "").replace("\r", "").lines()
                .filter(l -> l.startsWith("NODENAME") || l.contains("@" + HOST)).toList();
        assertEquals(4, lines.size(), () -> read(out));
        int pidfileColumn = lines.get(0).indexOf("PIDFILE");
        for (String line : lines.subList(1, lines.size())) {
            assertEquals(pidfileColumn, line.indexOf(dir.toString()), () -> "not aligned:\n" + String.join("\n", lines));
        }
    }

    @Test
    void status_all_and_logs_all_load_no_native_code() {
        assertExit(0, dm("start", "1", "-c", "1"));
        for (List<String> command : List.of(List.of("multi", "status", "--all"), List.of("multi", "status", "--all", "--json"),
                List.of("multi", "logs", "--all", "-n", "1"))) {
            Result r = drover.run(Map.of("DROVER_JAVA_OPTS", "-Xlog:class+load=info"), command);
            assertTrue(r.stdout().contains(node(1)), r::toString);
            List<String> loaded = r.output().lines().filter(l -> l.contains(" jnr.") || l.contains("com.kenai.jffi")).toList();
            assertEquals(List.of(), loaded, () -> "jnr classes loaded by " + command);
        }
    }

    @ParameterizedTest(name = "multi {0}")
    @ValueSource(strings = {"status", "stop", "stopwait", "kill", "restart", "logs", "forget"})
    void a_command_given_no_nodes_says_all_exists(String subcommand) {
        Result r = multi(subcommand);

        assertExit(64, r);
        assertContains(r.stderr(), "--all", r);
    }

    private long pid(Path pidfile) {
        String content = read(pidfile);
        Matcher m = Pattern.compile("(\\d+)\n").matcher(content);
        assertTrue(m.matches(), pidfile + ": " + content);
        return Long.parseLong(m.group(1));
    }

    private static long vmRssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
