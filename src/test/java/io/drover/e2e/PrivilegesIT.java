package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** --uid/--gid and pidfile integrity through the built launcher, as root. */
class PrivilegesIT extends DroverTest {
    @BeforeEach
    void reachableByNobody() throws Exception {
        assertTrue(Drover.runningAsRoot(), "these tests drop privileges: run them as root");
        // nobody must be able to reach the directories drover creates for it below
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String[] files(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--pidfile=" + dir + "/run/%n.pid",
                "--logfile=" + dir + "/log/%n%I.log"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private long pid(String name) throws Exception {
        return Long.parseLong(Files.readString(dir.resolve("run/" + name + ".pid")).trim());
    }

    private static String status(long pid, String field) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith(field + ":")).findFirst().orElseThrow().substring(field.length() + 1).trim();
    }

    @Test
    void nodes_started_with_uid_nobody_and_gid_nogroup_run_as_nobody_in_every_id_and_root_stops_them() throws Exception {
        Drover.Result start = drover.run(java.util.Map.of(), List.of(concat(new String[] {"multi", "start", "2",
            "--uid", "nobody", "--gid", "nogroup"}, files())));
        assertEquals(0, start.exitCode(), start::toString);
        for (String node : List.of("drover1", "drover2")) {
            long pid = pid(node);
            assertEquals(List.of("65534", "65534", "65534", "65534"), List.of(status(pid, "Uid").split("\\s+")), node);
            assertEquals(List.of("65534", "65534", "65534", "65534"), List.of(status(pid, "Gid").split("\\s+")), node);
            assertFalse(List.of(status(pid, "Groups").split("\\s+")).contains("0"), node + " kept the root group");
            assertEquals("nobody", Files.getOwner(dir.resolve("run/" + node + ".pid")).getName());
        }
        assertEquals("nobody", Files.getOwner(dir.resolve("run")).getName(), "the pidfile directory drover made for nobody");
        Drover.Result stop = drover.run(java.util.Map.of(), List.of(concat(new String[] {"multi", "stopwait", "2"}, files())));
        assertEquals(0, stop.exitCode(), stop::toString);
        assertTrue(drover.processes().isEmpty(), "nodes left: " + drover.processes());
        assertFalse(Files.exists(dir.resolve("run/drover1.pid")));
    }

    @Test
    void restart_and_start_with_no_options_bring_a_uid_nobody_node_back_as_nobody_from_its_record() throws Exception {
        Drover.Result start = drover.run(java.util.Map.of(), List.of(concat(new String[] {"multi", "start", "2",
            "--uid", "nobody"}, files())));
        assertEquals(0, start.exitCode(), start::toString);
        // the record's --uid decides who the node runs as, and whose directories they are: not
        // the empty options of this command line (a root node, or a refused "unsafe layout")
        Drover.Result restart = drover.run(java.util.Map.of(), List.of(concat(new String[] {"multi", "restart", "2"}, files())));
        assertEquals(0, restart.exitCode(), restart::toString);
        for (String node : List.of("drover1", "drover2")) {
            assertEquals("65534", status(pid(node), "Uid").split("\\s+")[0], node + " restarted\n" + restart);
        }
        Procs.signal(pid("drover1"), "KILL");
        Drover.Result again = drover.run(java.util.Map.of(), List.of(concat(new String[] {"multi", "start", "2"}, files())));
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals("65534", status(pid("drover1"), "Uid").split("\\s+")[0], "started again\n" + again);
        // the record says nobody still: the nodes are theirs to stop, not stale pidfiles of root's
        Drover.Result stop = drover.run(java.util.Map.of(), List.of(concat(new String[] {"multi", "stopwait", "2"}, files())));
        assertEquals(0, stop.exitCode(), stop::toString);
        assertFalse(stop.stdout().contains("stale"), stop::toString);
        assertTrue(drover.processes().isEmpty(), () -> "nodes left: " + drover.processes() + "\n" + stop);
    }

    @Test
    void a_user_that_does_not_exist_is_refused_with_exit_67_naming_it_and_nothing_starts() {
        Drover.Result r = drover.run(java.util.Map.of(), List.of(concat(new String[] {"multi", "start", "2",
            "--uid", "no-such-user-here"}, files())));
        assertEquals(67, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("no-such-user-here"), r::toString);
        assertFalse(Files.exists(dir.resolve("run")), "created the pidfile directory anyway");
        assertTrue(drover.processes().isEmpty());
    }

    @Test
    void a_group_that_does_not_exist_is_refused_with_exit_67_naming_it() {
        Drover.Result r = drover.run(java.util.Map.of(), List.of(concat(new String[] {"multi", "start", "1",
            "--gid=no-such-group-here"}, files())));
        assertEquals(67, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("no-such-group-here"), r::toString);
    }

    @Test
    void a_pidfile_that_is_a_symbolic_link_is_never_followed_start_replaces_it_and_the_target_is_untouched() throws Exception {
        Path target = dir.resolve("precious");
        Files.writeString(target, "do not touch\n");
        Files.createSymbolicLink(dir.resolve("drover1.pid"), target);
        Drover.Result status = drover.multi("status", "1");
        assertEquals(1, status.exitCode(), status::toString);
        Drover.Result stop = drover.multi("stop", "1");
        assertEquals(0, stop.exitCode(), stop::toString);
        Drover.Result start = drover.multi("start", "1");
        assertEquals(0, start.exitCode(), start::toString);
        assertTrue(start.stdout().contains("replaced a stale pidfile"), start::toString);
        assertFalse(Files.isSymbolicLink(dir.resolve("drover1.pid")));
        assertEquals("do not touch\n", Files.readString(target));
        assertEquals(drover.pid("drover1") + "\n", Files.readString(dir.resolve("drover1.pid")));
    }

    @Test
    void a_pidfile_is_mode_0644_whatever_the_umask() throws Exception {
        Drover.Result start = drover.multi("start", "1", "--umask=077");
        assertEquals(0, start.exitCode(), start::toString);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("drover1.pid"))));
    }

    @Test
    void a_stop_racing_a_start_leaves_no_node_without_its_pidfile() {
        Process start = drover.spawn(java.util.Map.of(), "start", "multi", "start", "2", drover.pidfileOption(),
                drover.logfileOption());
        while (start.isAlive()) {
            Drover.Result stop = drover.multi("stop", "2");
            assertEquals(0, stop.exitCode(), stop::toString);
        }
        // Whatever survived the race is a node that holds its pidfile, so stopwait finds it.
        Drover.Result stopwait = drover.multi("stopwait", "2");
        assertEquals(0, stopwait.exitCode(), stopwait::toString);
        Procs.waitUntil("no process of this test", Procs.PATIENCE, () -> drover.processes().isEmpty(),
                () -> drover.processes().toString());
        assertTrue(drover.pidfiles().isEmpty(), drover.files().toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
