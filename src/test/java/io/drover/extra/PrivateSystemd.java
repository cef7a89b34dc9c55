package io.drover.extra;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real, private systemd for one test: {@code systemd --user} in a private mount namespace with
 * its own journald (recipe A of the workspace's recipes/real-systemd.md). PID 1 here is not
 * systemd, so the host's systemctl is useless; this manager is. systemd refuses to start a user
 * manager unless /run/systemd/system exists, so the namespace gets a tmpfs there; its journal
 * goes to a directory of the test (bound over /run/log). The manager runs in a cgroup of its
 * own, made for it and removed afterwards.
 *
 * <p>A user manager cannot switch to another user, so units given to it must have no
 * {@code User=}/{@code Group=}: the units run as the user running the tests (root here).
 */
final class PrivateSystemd implements AutoCloseable {
    static final Path SYSTEMD = Path.of("/lib/systemd/systemd");
    static final Path JOURNALD = Path.of("/lib/systemd/systemd-journald");

    private final Sandbox box;
    private final Path base;
    private final Path units;
    private final Path xdg;
    private final List<Path> cgroups = new ArrayList<>();
    private Process launcher;
    private Long managerPid;
    private Long journaldPid;

    private PrivateSystemd(Sandbox box, Path base) {
        this.box = box;
        this.base = base;
        this.units = base.resolve("units");
        this.xdg = base.resolve("xdg");
    }

    /** The cgroup roots to start from: hybrid (name=systemd v1 plus cgroup2 at unified) or cgroup2 only. */
    private static List<Path> cgroupRoots() {
        Path fs = Path.of("/sys/fs/cgroup");
        if (Files.exists(fs.resolve("cgroup.controllers"))) {
            return List.of(fs);
        }
        List<Path> roots = new ArrayList<>();
        for (String name : new String[] {"systemd", "unified"}) {
            if (Files.exists(fs.resolve(name).resolve("cgroup.procs"))) {
                roots.add(fs.resolve(name));
            }
        }
        return roots;
    }

    /**
     * Boots a manager whose unit path is {@code units} (then the stock user units), with an empty
     * target as its start unit, and waits until it is up.
     *
     * @param unitFiles file name to content
     */
    static PrivateSystemd boot(Sandbox box, Map<String, String> unitFiles) {
        PrivateSystemd s = new PrivateSystemd(box, box.dir.resolve("systemd"));
        try {
            s.start(unitFiles);
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void start(Map<String, String> unitFiles) {
        try {
            Files.createDirectories(units);
            Files.createDirectories(base.resolve("log"));
            Files.createDirectories(xdg);
            Files.setPosixFilePermissions(xdg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Sandbox.write(units.resolve("t-min.target"), "[Unit]\nDescription=drover test start target\n");
            unitFiles.forEach((name, text) -> Sandbox.write(units.resolve(name), text));
            String cg = "drover-it-" + UUID.randomUUID().toString().substring(0, 8);
            List<Path> roots = cgroupRoots();
            if (roots.isEmpty()) {
                fail("no cgroup hierarchy to start systemd in under /sys/fs/cgroup");
            }
            StringBuilder join = new StringBuilder();
            for (Path root : roots) {
                Path dir = root.resolve(cg);
                Files.createDirectory(dir);
                cgroups.add(dir);
                join.append("echo $$ >'").append(dir.resolve("cgroup.procs")).append("'\n");
            }
            Path script = base.resolve("boot.sh");
            // The journal socket appears once journald listens; its wait is bounded (15 s).
            Sandbox.write(script, "set -e\n" + join
                    + "mount -t tmpfs tmpfs /run/systemd\n"
                    + "mkdir /run/systemd/system\n"
                    // What a booting systemd (PID 1) makes and sandboxed units mount over what they
                    // must not see (ProtectHome=, InaccessiblePaths=): root's user manager looks for
                    // them there, where a private /run/systemd has none.
                    + "mkdir -m 0755 /run/systemd/inaccessible\n"
                    + "mkdir -m 0000 /run/systemd/inaccessible/dir\n"
                    + "install -m 0000 /dev/null /run/systemd/inaccessible/reg\n"
                    + "mkfifo -m 0000 /run/systemd/inaccessible/fifo\n"
                    + "mknod -m 0000 /run/systemd/inaccessible/chr c 0 0\n"
                    + "mknod -m 0000 /run/systemd/inaccessible/blk b 0 0\n"
                    + "mount --bind '" + base.resolve("log") + "' /run/log\n"
                    + "SYSTEMD_LOG_TARGET=console " + JOURNALD + " &\n"
                    + "echo $! >'" + base.resolve("journald.pid") + "'\n"
                    + "n=0\n"
                    + "while [ ! -S /run/systemd/journal/stdout ]; do\n"
                    + "  n=$((n + 1)); [ $n -lt 1500 ] || { echo 'journald did not come up' >&2; exit 1; }\n"
                    + "  sleep 0.01\n"
                    + "done\n"
                    + "echo $$ >'" + base.resolve("manager.pid") + "'\n"
                    + "exec " + SYSTEMD + " --user --unit=t-min.target --log-target=journal\n");
            launcher = box.spawn(List.of("setsid", "unshare", "--mount", "--propagation", "private", "/bin/sh", script.toString()),
                    Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", base.toString(),
                            "XDG_RUNTIME_DIR", xdg.toString(), "SYSTEMD_UNIT_PATH", units + ":"),
                    true, base.resolve("manager.log"));
            Sandbox.await("the private systemd to be running", () -> {
                if (journaldPid == null) {
                    journaldPid = Sandbox.pidIn(base.resolve("journald.pid"));
                }
                if (managerPid == null) {
                    managerPid = Sandbox.pidIn(base.resolve("manager.pid"));
                }
                if (!launcher.isAlive() && managerPid == null) {
                    fail("the private systemd did not start:\n" + Sandbox.read(base.resolve("manager.log")));
                }
                String state = managerPid == null ? "" : systemctl("show", "-P", "SystemState").out().trim();
                return state.equals("running") || state.equals("degraded");
            }, () -> Sandbox.read(base.resolve("manager.log")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Sandbox.Result systemctl(String... args) {
        List<String> command = new ArrayList<>(List.of("systemctl", "--user", "--no-pager"));
        command.addAll(List.of(args));
        return box.run(command, Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", base.toString(),
                "XDG_RUNTIME_DIR", xdg.toString()), true);
    }

    /** systemctl succeeds, or the test fails with its output and the journal. */
    void ok(String... args) {
        Sandbox.Result r = systemctl(args);
        if (r.code() != 0) {
            fail("systemctl --user " + String.join(" ", args) + " failed: " + r + "\n--- journal\n" + journal());
        }
    }

    String show(String unit, String property) {
        return systemctl("show", "-P", property, unit).out().trim();
    }

    /** Everything the manager and the units logged, for failure messages. */
    String journal() {
        Sandbox.Result r = box.run(List.of("journalctl", "--no-pager", "-D", base.resolve("log/journal").toString()),
                Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), true);
        return r.out() + r.err();
    }

    /**
     * Stops the manager (TERM: it stops its units, then exits) and journald, SIGKILL for
     * either if it takes too long, then removes the cgroups made for it. Journald goes first: the
     * manager is its parent and reaps it; the manager is the test JVM's child and is reaped too.
     */
    @Override
    public void close() {
        for (Long pid : new Long[] {journaldPid, managerPid}) {
            if (pid == null || Sandbox.gone(pid)) {
                continue;
            }
            Sandbox.term(pid);
            try {
                Sandbox.awaitGone(pid, Duration.ofSeconds(20));
            } catch (AssertionError e) {
                Sandbox.kill9(pid);
                Sandbox.awaitGone(pid, Duration.ofSeconds(10));
            }
        }
        if (launcher != null && launcher.isAlive()) {
            launcher.destroyForcibly();
        }
        // Units the manager could not stop in time are SIGKILLed by the sandbox.
        box.close();
        for (Path cgroup : cgroups) {
            Sandbox.await("cgroup " + cgroup + " to be removed", Duration.ofSeconds(10), () -> removeTree(cgroup),
                    () -> "still there: " + cgroup);
        }
    }

    /** rmdir, deepest first; false while a cgroup still has processes. */
    private static boolean removeTree(Path cgroup) {
        if (!Files.exists(cgroup)) {
            return true;
        }
        try (Stream<Path> walk = Files.walk(cgroup)) {
            for (Path dir : walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(dir);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
