package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 25, class 2: which processes name a node. Another process's command line is untrusted
 * input: a process of any user that looks like a drover node with a name that does not parse
 * must fail no {@code start}, {@code restart} or {@code forget}; and a nodename is unique within
 * its namespace, the node registry that started it, not on the whole host.
 *
 * <p>The attackers are real processes of {@code nobody} and of a second local user (uid 4242,
 * no passwd entry) run by {@code setpriv} ({@link Attacker#startAs}); drover runs as root.
 *
 * <p>It runs beside other classes: its node run by hand (which holds its name in every
 * namespace) and all its nodes are named {@code id...}, names no other test uses, in its own
 * registries and directories; its decoys' bad name must be skipped by every drover on the host,
 * so another class's start meeting one checks the same fix.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SecurityIdentityIT extends AttackTest {
    /** What any local user can run: a command line that looks like a node's, with a name that does not parse. */
    private static final String[] BAD_NODE_LINE = {"io.drover.cli.Main", "worker", "-n", "%z"};


    // ---- another user's process ---------------------------------------------------------------

    /**
     * Before the fix, {@code NodeProcesses.everyNode} parsed every such process's {@code -n} and
     * its usage error (exit 64) failed every start, restart and forget on the host. For a node
     * that keeps root's user neither attacker's process counts; for one that drops to nobody,
     * nobody's does, and what does not parse is skipped.
     */
    @Test
    void a_node_like_line_with_a_bad_name_run_by_a_second_user_or_nobody_fails_no_start_restart_or_forget() {
        Attacker second = decoy("second-user", Attacker.SECOND_USER, Attacker.SECOND_USER);
        Attacker nobody = decoy("nobody", Attacker.USER, Attacker.GROUP);

        lifecycle("idbad1", dir, List.of(drover.pidfileOption(), drover.logfileOption()));
        lifecycle("idbad2", run, List.of("--uid", "nobody", "--pidfile=" + run + "/%n.pid", "--logfile=" + log + "/%n%I.log"));

        assertTrue(second.alive(), () -> "drover signalled the second user's process " + second);
        assertTrue(nobody.alive(), () -> "drover signalled nobody's process " + nobody);
    }

    /** start, restart, stopwait and forget of one node, each exit 0, the node up after start and restart. */
    private void lifecycle(String name, Path pidDir, List<String> options) {
        String nodename = name + "@" + Drover.hostname();
        Drover.Result start = multi("start", name, options);
        assertEquals(0, start.exitCode(), start::toString);
        long first = pidIn(pidDir.resolve(name + ".pid"));
        assertTrue(Procs.alive(first), start::toString);

        Drover.Result restart = multi("restart", name, options);
        assertEquals(0, restart.exitCode(), restart::toString);
        long second = pidIn(pidDir.resolve(name + ".pid"));
        assertNotEquals(first, second, restart::toString);
        assertTrue(Procs.alive(second), restart::toString);

        Drover.Result stop = multi("stopwait", name, options);
        assertEquals(0, stop.exitCode(), stop::toString);
        Drover.Result forget = multi("forget", name, options);
        assertEquals(0, forget.exitCode(), forget::toString);
        assertTrue(forget.lineFor(nodename).contains("forgotten"), forget::toString);
    }

    // ---- namespaces ---------------------------------------------------------------------------

    /**
     * Two projects, each with its own registry ({@code DROVER_STATE_DIR}) and pidfiles, run
     * {@code idsame1} at once as the same user (root). A node run by hand, outside any registry,
     * keeps its name from both: drover cannot tell which project it belongs to.
     */
    @Test
    void two_registries_run_the_same_nodename_at_once_and_a_node_run_by_hand_keeps_its_name_from_both() throws IOException {
        Project a = new Project(dir.resolve("a"));
        Project b = new Project(dir.resolve("b"));
        String nodename = "idsame1@" + Drover.hostname();

        Drover.Result startA = a.multi("start", "idsame1");
        assertEquals(0, startA.exitCode(), startA::toString);
        Drover.Result startB = b.multi("start", "idsame1");
        assertEquals(0, startB.exitCode(), () -> "a second registry could not have its own idsame1\n" + startB);
        long pidA = a.pid("idsame1");
        long pidB = b.pid("idsame1");
        assertNotEquals(pidA, pidB);
        assertEquals(List.of(pidA, pidB), Procs.living(List.of(pidA, pidB)));
        Drover.Result statusA = a.multi("status", "idsame1");
        assertTrue(statusA.lineFor(nodename).contains("(pid " + pidA + ","), statusA::toString);
        Drover.Result statusB = b.multi("status", "idsame1");
        assertTrue(statusB.lineFor(nodename).contains("(pid " + pidB + ","), statusB::toString);

        Path hand = Files.createDirectory(dir.resolve("hand"));
        drover.spawn(Map.of(), "idhand1", "worker", "-n", "idhand1@%h", "--pidfile=" + hand + "/%n.pid",
                "--logfile=" + hand + "/%n%I.log");
        Path handPidfile = hand.resolve("idhand1.pid");
        Procs.waitUntil("the node run by hand to write its pidfile", Procs.PATIENCE,
                () -> Files.exists(handPidfile) && readOrEmpty(handPidfile).endsWith("\n"), () -> drover.log("idhand1"));
        long handPid = pidIn(handPidfile);
        for (Project p : List.of(a, b)) {
            Drover.Result again = p.multi("start", "idhand1");
            assertEquals(1, again.exitCode(), again::toString);
            assertTrue(again.lineFor("idhand1@" + Drover.hostname()).contains("already runs as pid " + handPid), again::toString);
        }

        for (Project p : List.of(a, b)) {
            Drover.Result stop = p.multi("stopwait", "idsame1");
            assertEquals(0, stop.exitCode(), stop::toString);
        }
        Procs.signal(handPid, "TERM");
        Procs.waitUntilGone(handPid);
    }

    /**
     * Within one registry the rule stays: a second start of a running nodename under another
     * pidfile is refused, naming the running pid, and says how to have other names.
     */
    @Test
    void a_second_start_of_a_running_name_in_one_registry_under_another_pidfile_is_refused_suggesting_other_names() {
        String nodename = "idone1@" + Drover.hostname();
        Drover.Result start = drover.multi("start", "idone1");
        assertEquals(0, start.exitCode(), start::toString);
        long first = drover.pid("idone1");

        Drover.Result again = drover.multi("start", "idone1", "--pidfile=" + dir + "/other/%n.pid");
        assertEquals(1, again.exitCode(), again::toString);
        String line = again.lineFor(nodename);
        assertTrue(line.contains("already runs as pid " + first), again::toString);
        assertTrue(line.contains("--range-prefix"), () -> "the refusal does not say how to choose other names\n" + again);
        assertEquals(Set.of(first), Procs.pidsWithCmdlineContaining("-n " + nodename), again::toString);

        Drover.Result stop = drover.multi("stopwait", "idone1");
        assertEquals(0, stop.exitCode(), stop::toString);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A project: its own registry {@code P/.state} and its pidfiles and logs in {@code P}. */
    private final class Project {
        private final Path root;

        Project(Path root) throws IOException {
            this.root = Files.createDirectory(root);
        }

        Drover.Result multi(String subcommand, String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.add("--pidfile=" + root + "/%n.pid");
            all.add("--logfile=" + root + "/%n%I.log");
            return drover.multi(Map.of("DROVER_STATE_DIR", root.resolve(".state").toString()), subcommand,
                    all.toArray(String[]::new));
        }

        long pid(String name) {
            return pidIn(root.resolve(name + ".pid"));
        }
    }

    /** A process of USER:GROUP whose command line looks like a node's with a bad name; up once this returns. */
    private Attacker decoy(String name, String user, String group) {
        List<String> args = new ArrayList<>(List.of(BAD_NODE_LINE));
        Attacker a = Attacker.startAs(user, group, dir.resolve(name + "-decoy.out"), Attacker.LOOK_LIKE_A_NODE,
                args.toArray(String[]::new));
        attackers.add(a);
        a.awaitLine("up");
        assertTrue(Procs.cmdline(a.pid()).contains(String.join(" ", BAD_NODE_LINE)), a::toString);
        return a;
    }

    private Drover.Result multi(String subcommand, String name, List<String> options) {
        List<String> args = new ArrayList<>();
        args.add(name);
        args.addAll(options);
        return drover.multi(subcommand, args.toArray(String[]::new));
    }

    private static long pidIn(Path pidfile) {
        String content = readOrEmpty(pidfile);
        assertTrue(content.matches("\\d+\n"), () -> pidfile + " holds '" + content + "'");
        return Long.parseLong(content.trim());
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.readString(p);
        } catch (java.nio.file.NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
