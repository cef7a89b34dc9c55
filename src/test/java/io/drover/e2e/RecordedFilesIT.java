package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 28 item 1: after a start with custom {@code --pidfile}/{@code --logfile}, every
 * subcommand given the same nodes without those options acts on the running nodes (their
 * records' files), and an option given explicitly wins. Run through {@link Drover#run}, which,
 * unlike {@link Drover#multi}, adds no file options of its own.
 */
class RecordedFilesIT extends DroverTest {
    private static final String PREFIX = "--range-prefix=r28f";

    private Path custom() {
        return dir.resolve("custom");
    }

    private Path pidfile(int i) {
        return custom().resolve("r28f" + i + ".pid");
    }

    private String nodename(int i) {
        return "r28f" + i + "@" + Drover.hostname();
    }

    /** {@code drover multi SUBCOMMAND 3 --range-prefix=r28f ARGS...}: no file option unless ARGS give one. */
    private Drover.Result multi(String subcommand, String... args) {
        List<String> argv = new ArrayList<>(List.of("multi", subcommand, "3", PREFIX));
        argv.addAll(List.of(args));
        return drover.run(argv.toArray(String[]::new));
    }

    private Drover.Result startWithCustomFiles() {
        Drover.Result start = multi("start", "--pidfile=" + custom() + "/%n.pid", "--logfile=" + custom() + "/%n%I.log");
        assertEquals(0, start.exitCode(), start::toString);
        return start;
    }

    private List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            pids.add(pid(pidfile(i)));
        }
        return pids;
    }

    private void assertAllRunning(List<Long> pids) {
        assertEquals(pids, Procs.living(pids), () -> "not all nodes run: " + pids);
    }

    private static void assertAllGone(List<Long> pids) {
        pids.forEach(Procs::waitUntilGone);
    }

    @Test
    void status_logs_restart_stop_stopwait_kill_without_file_options_act_on_nodes_started_with_custom_files() {
        startWithCustomFiles();
        List<Long> pids = pids();
        assertAllRunning(pids);

        Drover.Result status = multi("status");
        assertEquals(0, status.exitCode(), status::toString);
        for (int i = 1; i <= 3; i++) {
            String line = status.lineFor(nodename(i));
            assertTrue(line.contains("running (pid " + pids.get(i - 1)), status::toString);
            assertTrue(line.contains("pidfile " + pidfile(i)), status::toString);
        }

        // an option given wins over the record: nothing runs at that pidfile
        Drover.Result elsewhere = multi("status", "--pidfile=" + dir + "/elsewhere/%n.pid");
        assertEquals(3, elsewhere.exitCode(), elsewhere::toString);
        assertTrue(elsewhere.lineFor(nodename(1)).contains("stopped"), elsewhere::toString);

        // every line since the start: the demo logs about two lines a second, and on a loaded
        // machine the ready line is more than 20 lines back by now
        Drover.Result logs = multi("logs", "-n", "500");
        assertEquals(0, logs.exitCode(), logs::toString);
        for (int i = 1; i <= 3; i++) {
            String name = nodename(i);
            assertTrue(logs.stdout().lines().anyMatch(l -> l.startsWith(name + ":") && l.contains(name + " ready")),
                    logs::toString);
        }

        Drover.Result restart = multi("restart");
        assertEquals(0, restart.exitCode(), restart::toString);
        for (int i = 1; i <= 3; i++) {
            String term = "TERM -> " + pids.get(i - 1);
            assertTrue(restart.linesFor(nodename(i)).stream().anyMatch(l -> l.contains(term)), restart::toString);
        }
        assertAllGone(pids);
        List<Long> restarted = pids();
        assertAllRunning(restarted);
        for (int i = 0; i < 3; i++) {
            assertNotEquals(pids.get(i), restarted.get(i));
        }

        Drover.Result stop = multi("stop");
        assertEquals(0, stop.exitCode(), stop::toString);
        for (int i = 1; i <= 3; i++) {
            assertTrue(stop.lineFor(nodename(i)).contains("TERM -> " + restarted.get(i - 1)), stop::toString);
        }
        assertAllGone(restarted);

        // start without options: the recorded files, so the nodes come back where they were
        Drover.Result again = multi("start");
        assertEquals(0, again.exitCode(), again::toString);
        List<Long> second = pids();
        assertAllRunning(second);

        Drover.Result stopwait = multi("stopwait");
        assertEquals(0, stopwait.exitCode(), stopwait::toString);
        for (int i = 1; i <= 3; i++) {
            String down = "down (pid " + second.get(i - 1) + ")";
            assertTrue(stopwait.linesFor(nodename(i)).stream().anyMatch(l -> l.contains(down)), stopwait::toString);
            assertFalse(Files.exists(pidfile(i)), stopwait::toString);
        }
        assertEquals(List.of(), Procs.living(second), stopwait::toString);

        startWithCustomFiles();
        List<Long> third = pids();
        // start finds them running at their recorded pidfiles: no second copy, no "already runs elsewhere"
        Drover.Result running = multi("start");
        assertEquals(0, running.exitCode(), running::toString);
        for (int i = 1; i <= 3; i++) {
            assertTrue(running.lineFor(nodename(i)).contains("already running (pid " + third.get(i - 1) + ")"),
                    running::toString);
        }
        assertEquals(third, pids(), running::toString);

        Drover.Result kill = multi("kill");
        assertEquals(0, kill.exitCode(), kill::toString);
        for (int i = 1; i <= 3; i++) {
            String sent = "KILL -> " + third.get(i - 1);
            assertTrue(kill.linesFor(nodename(i)).stream().anyMatch(l -> l.contains(sent)), kill::toString);
        }
        assertEquals(List.of(), Procs.living(third), kill::toString);

        Drover.Result stopped = multi("status");
        assertEquals(3, stopped.exitCode(), stopped::toString);
        assertTrue(stopped.lineFor(nodename(2)).contains("pidfile " + pidfile(2)), stopped::toString);

        Drover.Result forget = multi("forget");
        assertEquals(0, forget.exitCode(), forget::toString);
        for (int i = 1; i <= 3; i++) {
            assertTrue(forget.lineFor(nodename(i)).contains("forgotten"), forget::toString);
        }
        // no record left: the defaults again
        Drover.Result forgotten = multi("status");
        assertFalse(forgotten.stdout().contains(custom().toString()), forgotten::toString);
    }

    private static long pid(Path pidfile) {
        String content;
        try {
            content = Files.readString(pidfile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = Pattern.compile("(\\d+)\n").matcher(content);
        assertTrue(m.matches(), pidfile + ": " + content);
        return Long.parseLong(m.group(1));
    }
}
