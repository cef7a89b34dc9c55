package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Issue 13, item 2: multi restart --rolling and supervise's HUP, N nodes at a time. */
class RollingRestartIT extends DroverTest {
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");
    private static final String HOST = Drover.hostname();
    /** Nodes rr1..rrN: other tests on this machine run drover1..droverN at the same time. */
    private static final String PREFIX = "--range-prefix=rr";

    private List<Long> pids(int n) {
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            pids.add(drover.pid("rr" + i));
        }
        return pids;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void a_rolling_restart_of_5_nodes_keeps_at_least_4_ready_at_every_sample_and_restarts_them_all()
            throws Exception {
        Drover.Result start = drover.multi("start", "5", PREFIX, "-c", "1");
        assertEquals(0, start.exitCode(), start::toString);
        List<Long> before = pids(5);
        Process roll = drover.spawn(Map.of(), "roll", "multi", "restart", "5", PREFIX, "--rolling", drover.pidfileOption(),
                drover.logfileOption());
        List<Integer> ready = new ArrayList<>();
        while (roll.isAlive()) {
            Drover.Result status = drover.multi("status", "5", PREFIX, "--json");
            if (!roll.isAlive()) {
                break; // the roll ended while this sample ran
            }
            int running = count(status.stdout(), "\"state\":\"running\"");
            ready.add(running);
            assertTrue(running >= 4, "only " + running + " nodes ready mid-roll: " + status);
            Thread.sleep(50); // the sampling interval, not a synchronization: the loop ends on the roll's exit
        }
        assertTrue(roll.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("roll.out"));
        assertEquals(0, roll.exitValue(), out);
        assertTrue(ready.size() >= 1, "no sample taken during the roll: " + out);
        List<Long> after = pids(5);
        for (int i = 0; i < 5; i++) {
            assertNotEquals(before.get(i), after.get(i), "rr" + (i + 1) + " was not restarted: " + out);
        }
        Drover.Result status = drover.multi("status", "5", PREFIX);
        assertEquals(0, status.exitCode(), status::toString);
    }

    @Test
    void a_node_that_fails_to_come_back_stops_the_roll_is_named_and_the_rest_keep_running() throws IOException {
        Path refuse = dir.resolve("refuse");
        String[] app = {"5", PREFIX, "-A", "io.drover.fixtures.FailsWhenFileApp", "--classpath=" + Drover.testClasses(),
            drover.pidfileOption(), drover.logfileOption(), "--", refuse.toString()};
        Drover.Result start = drover.multi(FORCE_ROOT, "start", app);
        assertEquals(0, start.exitCode(), start::toString);
        List<Long> before = pids(5);
        Files.writeString(refuse, "");
        List<String> args = new ArrayList<>(List.of("--rolling", "--batch=2"));
        args.addAll(List.of(app));
        Drover.Result roll = drover.multi(FORCE_ROOT, "restart", args.toArray(String[]::new));
        assertEquals(1, roll.exitCode(), roll::toString);
        assertTrue(roll.stderr().contains("rr1@" + HOST + ": FAILED"), roll::toString);
        assertTrue(roll.stdout().contains("refusing to start"), roll::toString);
        for (int i = 3; i <= 5; i++) {
            assertEquals(before.get(i - 1), drover.pid("rr" + i), "rr" + i + " was restarted: " + roll);
            assertTrue(Procs.alive(before.get(i - 1)));
            assertTrue(roll.lineFor("rr" + i + "@" + HOST).contains("not restarted"), roll::toString);
        }
    }

    @Test
    void hup_to_supervise_restarts_the_nodes_one_at_a_time_each_back_before_the_next_goes() throws Exception {
        Process sv = drover.spawn(Map.of(), "supervise", "multi", "supervise", "3", PREFIX, drover.pidfileOption(),
                drover.logfileOption());
        Path out = dir.resolve("supervise.out");
        Procs.waitUntil("all nodes ready", Procs.PATIENCE, () -> read(out).contains("all nodes ready"), () -> read(out));
        List<Long> before = pids(3);
        Procs.signal(sv.pid(), "HUP");
        Procs.waitUntil("the rolling restart done", Procs.PATIENCE, () -> read(out).contains("rolling restart done"),
                () -> read(out));
        String text = read(out);
        int previousBack = -1;
        for (int i = 1; i <= 3; i++) {
            String name = Pattern.quote("rr" + i + "@" + HOST);
            Matcher going = Pattern.compile("> " + name + ": rolling restart: restarting pid " + before.get(i - 1)).matcher(text);
            assertTrue(going.find(), text);
            assertTrue(going.start() > previousBack, "rr" + i + " went before the previous node was back:\n" + text);
            Matcher back = Pattern.compile("> " + name + ": started \\(pid (\\d+)\\)").matcher(text);
            assertTrue(back.find(going.end()), text);
            assertNotEquals(before.get(i - 1), Long.parseLong(back.group(1)));
            previousBack = back.start();
        }
        assertTrue(sv.isAlive(), text);
        Procs.signal(sv.pid(), "TERM");
        assertTrue(sv.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, sv.exitValue(), read(out));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
