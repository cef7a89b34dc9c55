package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 29, items 2-4: the operator's commands reach the nodes a {@code multi supervise} watches
 * through its control socket, so a stop is obeyed (the node stays down) and a restart is one
 * restart, not a crash; only the registry's owner and root may ask; a client that sends nothing
 * holds nothing up; a node given up is tried again after its cool-down.
 */
class SupervisorChannelIT extends DroverTest {
    private static final String HOST = Drover.hostname();
    private static final String PREFIX = "--range-prefix=svc";
    private static final String[] FAST = {"--backoff=0.2", "--backoff-max=30", "--backoff-reset=600"};

    private Process supervise(Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of("multi", "supervise"));
        argv.addAll(List.of(FAST));
        argv.addAll(List.of(args));
        argv.add(PREFIX);
        argv.add(drover.pidfileOption());
        argv.add(drover.logfileOption());
        return drover.spawn(env, "supervise", argv.toArray(String[]::new));
    }

    private String out() {
        try {
            Path p = dir.resolve("supervise.out");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private void awaitLines(String what, String regex, int n) {
        Procs.waitUntil(n + " x " + what, Procs.PATIENCE, () -> count(out(), regex) >= n, this::out);
    }

    private static String full(int i) {
        return "svc" + i + "@" + HOST;
    }

    private static String started(int i) {
        return Pattern.quote(full(i)) + ": started \\(pid";
    }

    private Drover.Result multi(String subcommand, String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.add(PREFIX);
        return drover.multi(subcommand, argv.toArray(String[]::new));
    }

    /** The supervisor's view of node i in {@code status --json}. */
    private String supervisorJson(int i) {
        Drover.Result status = multi("status", "2", "--json");
        Matcher m = Pattern.compile("\"nodename\":\"" + Pattern.quote(full(i)) + "\".*?\"supervisor\":(\\{[^}]*})")
                .matcher(status.stdout());
        assertTrue(m.find(), status::toString);
        return m.group(1);
    }

    @Test
    void stop_keeps_a_supervised_node_down_and_start_brings_it_back_through_supervise() {
        supervise(Map.of(), "2");
        awaitLines("all ready", "all nodes ready", 1);
        long pid = drover.pid("svc1");
        Drover.Result stop = multi("stopwait", "svc1");
        assertEquals(0, stop.exitCode(), stop::toString);
        assertTrue(Procs.exited(pid));
        awaitLines("the stop", Pattern.quote(full(1)) + ": stopped \\(status 0\\)", 1);
        Drover.Result status = multi("status", "svc1");
        assertEquals(3, status.exitCode(), status::toString);
        assertTrue(status.lineFor(full(1)).contains(full(1) + ": stopped; ")
                && status.lineFor(full(1)).contains(", last exit status 0, supervisor pid ")
                && status.lineFor(full(1)).contains(" (stopped by request), pidfile "), status::toString);
        assertTrue(supervisorJson(1).contains("\"stopped_by_request\":true"), this::out);
        assertFalse(out().contains("exited unasked"), "a stop by the operator taken for a crash:\n" + out());
        assertEquals(1, count(out(), started(1)), "started again after the operator stopped it:\n" + out());

        Drover.Result start = multi("start", "svc1");
        assertEquals(0, start.exitCode(), start::toString);
        awaitLines("svc1 started again", started(1), 2);
        Drover.Result after = multi("status", "2");
        assertEquals(0, after.exitCode(), after::toString);
        assertTrue(after.lineFor(full(1)).contains("restarts 1, last exit status 0, supervisor pid "), after::toString);
        assertTrue(after.lineFor(full(1)).contains(" (supervised), pidfile "), after::toString);
        // the node the operator started is the one supervise keeps: killed, it comes back
        Procs.signal(drover.pid("svc1"), "KILL");
        awaitLines("svc1 back after a kill -9", started(1), 3);
    }

    @Test
    void restart_and_kill_of_supervised_nodes_are_obeyed_not_taken_for_crashes() {
        supervise(Map.of(), "2");
        awaitLines("all ready", "all nodes ready", 1);
        long before = drover.pid("svc1");
        Drover.Result restart = multi("restart", "svc1");
        assertEquals(0, restart.exitCode(), restart::toString);
        awaitLines("svc1 restarted", started(1), 2);
        assertTrue(Procs.exited(before));
        assertFalse(out().contains("exited unasked"), "a restart by the operator taken for a crash:\n" + out());
        assertTrue(supervisorJson(1).contains("\"state\":\"supervised\""), this::out);
        assertTrue(multi("status", "svc1").lineFor(full(1)).contains("restarts 1,"));

        long other = drover.pid("svc2");
        Drover.Result kill = multi("kill", "svc2");
        assertEquals(0, kill.exitCode(), kill::toString);
        assertTrue(Procs.exited(other));
        awaitLines("svc2 stopped", Pattern.quote(full(2)) + ": stopped \\(signal 9", 1);
        assertTrue(supervisorJson(2).contains("\"stopped_by_request\":true"), this::out);
        assertEquals(1, count(out(), started(2)), out());
    }

    @Test
    void options_given_to_a_restart_that_supervise_carries_out_are_named_as_not_used() {
        supervise(Map.of(), "1");
        awaitLines("all ready", "all nodes ready", 1);
        Drover.Result restart = multi("restart", "svc1", "-c", "3");
        assertEquals(0, restart.exitCode(), restart::toString);
        assertTrue(restart.output().contains("started by supervise (pid ") && restart.output().contains(
                "the options given here are not used"), restart::toString);
        Drover.Result plain = multi("restart", "svc1");
        assertFalse(plain.output().contains("not used"), plain::toString);
    }

    @Test
    void status_names_a_supervise_that_does_not_answer_and_asks_it_once() {
        Process sv = supervise(Map.of(), "2");
        awaitLines("all ready", "all nodes ready", 1);
        Procs.signal(sv.pid(), "STOP");
        try {
            Drover.Result status = multi("status", "2");
            assertEquals(0, status.exitCode(), status::toString);
            for (int i = 1; i <= 2; i++) {
                assertTrue(status.lineFor(full(i)).contains(" (no answer), pidfile "), status::toString);
            }
        } finally {
            Procs.signal(sv.pid(), "CONT");
        }
    }

    @Test
    void forget_of_a_supervised_node_is_refused_while_it_runs_and_lets_it_go_once_stopped() {
        supervise(Map.of(), "2");
        awaitLines("all ready", "all nodes ready", 1);
        Drover.Result running = multi("forget", "svc1");
        assertEquals(1, running.exitCode(), running::toString);
        assertTrue(running.output().contains("under supervise (pid ") && running.output().contains("stop it first"),
                running::toString);
        assertEquals(0, multi("stopwait", "svc1").exitCode());
        Drover.Result forget = multi("forget", "svc1");
        assertEquals(0, forget.exitCode(), forget::toString);
        Drover.Result status = multi("status", "2");
        assertFalse(status.lineFor(full(1)).contains("supervisor pid"), status::toString);
        assertTrue(status.lineFor(full(2)).contains(" (supervised), pidfile "), status::toString);
        // the name is free: a start is an ordinary start, which supervise does not take back
        assertEquals(0, multi("start", "svc1").exitCode());
        assertEquals(1, count(out(), started(1)), out());
        assertEquals(0, multi("stopwait", "svc1").exitCode());
    }

    @Test
    void a_client_of_another_user_is_refused_even_when_it_can_reach_the_socket() throws Exception {
        Process sv = supervise(Map.of(), "1");
        awaitLines("all ready", "all nodes ready", 1);
        long pid = drover.pid("svc1");
        Path state = dir.resolve(".state");
        Path socket;
        try (Stream<Path> files = Files.list(state)) {
            socket = files.filter(p -> p.getFileName().toString().equals("supervise." + sv.pid() + ".sock"))
                    .findFirst().orElseThrow(() -> new AssertionError("no control socket in " + state));
        }
        // an administrator loosened the modes: only the peer's credentials stand in the way now
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        String script = "import socket,sys\n"
                + "s = socket.socket(socket.AF_UNIX)\n"
                + "s.connect(sys.argv[1])\n"
                + "try:\n"
                + "    s.sendall(('signal " + full(1) + " 9\\n').encode())\n"
                + "    print('answer:' + s.recv(100).decode().strip())\n"
                + "except OSError as e:\n"
                + "    print('answer:closed, ' + type(e).__name__)\n";
        Process attacker = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "/usr/bin/python3", "-c", script, socket.toString()).redirectErrorStream(true).start();
        String said = new String(attacker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        attacker.waitFor();
        assertTrue(said.contains("answer:") && !said.contains("answer:ok"), "nobody got an answer: " + said);
        awaitLines("the refusal", "control socket: refused a client of user nobody", 1);
        assertTrue(Procs.alive(pid), "nobody's request killed the node:\n" + out());
        assertEquals(1, count(out(), started(1)), out());
    }

    @Test
    void clients_that_send_nothing_or_half_a_request_hold_nothing_up() throws Exception {
        Process sv = supervise(Map.of(), "1");
        awaitLines("all ready", "all nodes ready", 1);
        Path socket = dir.resolve(".state").resolve("supervise." + sv.pid() + ".sock");
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.connect(UnixDomainSocketAddress.of(socket));
                if (i % 2 == 0) {
                    c.write(ByteBuffer.wrap("view svc".getBytes(StandardCharsets.UTF_8)));
                }
                idle.add(c);
            }
            Drover.Result status = multi("status", "svc1");
            assertTrue(status.lineFor(full(1)).contains(" (supervised), pidfile "), status::toString);
            Drover.Result stop = multi("stopwait", "svc1");
            assertEquals(0, stop.exitCode(), stop::toString);
            awaitLines("the stop", Pattern.quote(full(1)) + ": stopped", 1);
            assertFalse(out().contains("exited unasked"), out());
        } finally {
            for (SocketChannel c : idle) {
                c.close();
            }
        }
    }

    @Test
    void a_node_given_up_is_tried_again_after_its_cool_down_and_a_stop_ends_the_tries() {
        supervise(Map.of("DROVER_FORCE_ROOT", "1"), "1", "-A", "io.drover.fixtures.FailsWithCauseApp",
                "--classpath=" + Drover.testClasses(), "--max-restarts=1", "--within=600", "--give-up-for=3");
        awaitLines("giving up", "GAVE UP: 1 restarts within 600", 1);
        String json = supervisorJson(1);
        assertTrue(json.contains("\"state\":\"gave_up\"") && json.contains("\"next_try_seconds\":"), json);
        Drover.Result status = multi("status", "svc1");
        assertTrue(status.lineFor(full(1)).contains(" (gave up after 1 restart, next try in "), status::toString);
        awaitLines("the try after the cool-down", "trying again \\(--give-up-for\\)", 1);
        awaitLines("giving up again", "GAVE UP: 1 restarts within 600", 2);
        Drover.Result stop = multi("stop", "svc1");
        assertEquals(0, stop.exitCode(), stop::toString);
        assertTrue(supervisorJson(1).contains("\"stopped_by_request\":true"), this::out);
    }
}
