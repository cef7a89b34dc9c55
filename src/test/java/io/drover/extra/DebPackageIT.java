package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * target/drover_VERSION_all.deb installed on this machine with dpkg, as a user of the package
 * would: a fresh login user finds drover on the PATH, its man pages, and runs nodes in their own
 * default places; the drover user and its directories exist; the units verify; dpkg -r leaves the
 * conffiles alone, dpkg -P nothing at all. One install for the class (the tests before the last
 * look at it), and the machine is left as it was found, also when a test fails: @AfterAll purges
 * and removes the users the test made. It refuses to run (skips) where a drover package, a
 * /usr/bin/drover or a drover user is there already: it would remove them. Its directories,
 * when they hold files, are moved aside for the test and put back.
 */
@Isolated // installs into the host: /usr/bin/drover, a system user, /var/lib/drover are everyone's
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebPackageIT {
    static final String PREFIX = "r30deb";
    static final List<String> OWNED_DIRS = List.of("/var/lib/drover", "/var/log/drover", "/run/drover");

    @TempDir
    static Path tmp;

    static Sandbox box;
    static Path deb;
    static String user;
    static Process lintian;
    static Path lintianOut;
    /** What the package holds that was not on this machine before the install. */
    static final Set<String> newPaths = new LinkedHashSet<>();
    static boolean installTried;
    /** The package's directories that were there, empty, before it: made again as they were. */
    static final Map<Path, PosixFileAttributes> emptyBefore = new java.util.LinkedHashMap<>();
    /** Root's default directories that held files before the install, and where they are kept meanwhile. */
    static final Map<Path, Path> setAside = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void install() throws IOException {
        box = new Sandbox(tmp);
        refuseUnless(Sandbox.isRoot(), "installing a package needs root (CI runs the tests as root)");
        refuseUnless(Sandbox.program("dpkg").isPresent(), "no dpkg here: not a Debian system");
        Path target = Sandbox.dist().getParent();
        try (Stream<Path> files = Files.list(target)) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("drover_.*_all\\.deb")).toList();
            assertEquals(1, debs.size(), "one package in target/, made by mvn package: " + debs);
            deb = debs.get(0);
        }
        // What would be lost: a drover installed otherwise, its user, data or logs.
        Sandbox.Result status = box.run(List.of("dpkg-query", "-W", "-f=${db:Status-Status}", "drover"), Map.of(), false);
        refuseUnless(status.code() != 0 || status.out().equals("not-installed"),
                "a drover package is installed on this machine (" + status.out() + "): not touching it");
        refuseUnless(!Files.exists(Path.of("/usr/bin/drover"), LinkOption.NOFOLLOW_LINKS),
                "/usr/bin/drover exists and is not this package's: not touching it");
        refuseUnless(box.run(List.of("getent", "passwd", "drover"), Map.of(), false).code() != 0,
                "a drover user exists: the package would adopt it and the clean-up remove it");
        // They are root's default places too (/run/drover, /var/log/drover): a test that ran
        // nodes there may leave them empty, which a purge may remove and the clean-up makes again.
        // One that holds files (another test's leftovers, an operator's nodes of a root drover)
        // is moved aside whole and put back after the purge: the class runs alone (@Isolated), so
        // no test uses it meanwhile, and skipping would leave the package untested in CI.
        for (String dir : OWNED_DIRS) {
            Path path = Path.of(dir);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                refuseUnless(Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS), dir + " is not a directory: not touching it");
                boolean empty;
                try (Stream<Path> entries = Files.list(path)) {
                    empty = entries.findAny().isEmpty();
                }
                if (empty) {
                    emptyBefore.put(path, Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
                } else {
                    Path aside = Path.of(dir + ".debit-aside");
                    refuseUnless(!Files.exists(aside, LinkOption.NOFOLLOW_LINKS),
                            dir + " is not empty and " + aside + " (where it would be kept meanwhile) exists");
                    Files.move(path, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    setAside.put(path, aside);
                    System.out.println("DebPackageIT: " + dir + " held files: kept in " + aside + " until the purge");
                }
            }
        }
        Sandbox.requireProgram("lintian", "lintian");

        // lintian reads the file, not the installation: it runs meanwhile (it takes ~20 s)
        lintianOut = tmp.resolve("lintian.out");
        lintian = box.spawn(List.of(Sandbox.requireProgram("lintian", "lintian").toString(), deb.toString()),
                Map.of(), false, lintianOut);

        for (String line : box.run(List.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -t", "sh", deb.toString()),
                Map.of(), false).out().lines().toList()) {
            String path = line.replaceFirst("^\\./", "/").replaceFirst("(.)/$", "$1");
            if (!path.equals("/") && !Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS)) {
                newPaths.add(path);
            }
        }
        assertTrue(newPaths.contains("/usr/bin/drover"), newPaths::toString);

        user = PREFIX + "u" + ProcessHandle.current().pid() % 100000;
        box.ok("useradd", "--create-home", "--shell", "/bin/sh", "--user-group", user);

        installTried = true;
        long start = System.nanoTime();
        Sandbox.Result install = box.run(List.of("dpkg", "-i", deb.toString()), Map.of(), false, Duration.ofMinutes(3));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, install.code(), install::toString);
        System.out.printf("DebPackageIT: %s, %d KiB, installed in %d ms (dpkg -i, the CDS archives included)%n",
                deb.getFileName(), Files.size(deb) / 1024, millis);
    }

    /** A skip, said on the console too: failsafe shows a class skipped in @BeforeAll as 0 tests run. */
    static void refuseUnless(boolean ok, String why) {
        if (!ok) {
            System.out.println("DebPackageIT: skipped: " + why);
        }
        assumeTrue(ok, why);
    }

    @AfterAll
    static void leaveTheMachineAsFound() {
        if (box == null) {
            return;
        }
        try {
            if (user != null) {
                killProcessesOf(user);
            }
            if (installTried) {
                Sandbox.Result status = box.run(List.of("dpkg-query", "-W", "-f=${db:Status-Status}", "drover"),
                        Map.of(), false);
                if (status.code() == 0 && !status.out().equals("not-installed")) {
                    Sandbox.Result purge = box.run(List.of("dpkg", "--purge", "drover"), Map.of(), false, Duration.ofMinutes(2));
                    assertEquals(0, purge.code(), purge::toString);
                }
                // the package keeps its user (Debian's policy): the test made it, the test removes it
                if (box.run(List.of("getent", "passwd", "drover"), Map.of(), false).code() == 0) {
                    box.ok("userdel", "drover");
                }
                if (box.run(List.of("getent", "group", "drover"), Map.of(), false).code() == 0) {
                    box.ok("groupdel", "drover");
                }
            }
            if (user != null) {
                box.ok("userdel", "--force", "--remove", user);
            }
            for (Map.Entry<Path, PosixFileAttributes> dir : emptyBefore.entrySet()) {
                PosixFileAttributes was = dir.getValue();
                if (!Files.exists(dir.getKey(), LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(dir.getKey());
                }
                Files.setOwner(dir.getKey(), was.owner());
                Files.getFileAttributeView(dir.getKey(), java.nio.file.attribute.PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).setGroup(was.group());
                Files.setPosixFilePermissions(dir.getKey(), was.permissions());
            }
            for (Map.Entry<Path, Path> dir : setAside.entrySet()) {
                // the purge removed the package's; an empty one made since goes, the old one comes back
                if (Files.isDirectory(dir.getKey(), LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(dir.getKey());
                }
                Files.move(dir.getValue(), dir.getKey(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            box.close();
        }
    }

    /** Runs a command line as the test's user, in a login shell: their PATH, home and no JAVA_HOME. */
    static Sandbox.Result asUser(String commandLine) {
        return box.run(List.of("runuser", "-l", user, "-c", commandLine), Map.of(), true);
    }

    /** Minimized images (Ubuntu's) tell dpkg to install no man page at all: path-exclude=/usr/share/man/*. */
    static boolean manPagesExcluded() {
        return box.run(List.of("sh", "-c", "grep -Eqs '^path-exclude[= ]+/usr/share/man' /etc/dpkg/dpkg.cfg.d/*"),
                Map.of(), false).code() == 0;
    }

    static void killProcessesOf(String name) {
        Sandbox.Result id = box.run(List.of("id", "-u", name), Map.of(), false);
        if (id.code() != 0) {
            return;
        }
        int uid = Integer.parseInt(id.out().trim());
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::valueOf).filter(pid -> !Sandbox.gone(pid) && Sandbox.uidOf(pid) == uid).forEach(pids::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pids.forEach(Sandbox::kill9);
        pids.forEach(pid -> Sandbox.awaitGone(pid, Duration.ofSeconds(10)));
    }

    @Test
    @Order(1)
    void a_new_user_finds_drover_and_its_man_pages_and_runs_nodes_in_their_own_places() {
        Sandbox.Result which = asUser("command -v drover");
        assertEquals("/usr/bin/drover", which.out().trim(), which::toString);
        for (String page : List.of("drover", "drover-multi", "drover-multi-start")) {
            if (manPagesExcluded()) {
                System.out.println("DebPackageIT: dpkg leaves out /usr/share/man on this machine (a minimized image): man -w not checked");
                break;
            }
            Sandbox.Result man = asUser("man -w " + page);
            assertEquals("/usr/share/man/man1/" + page + ".1.gz", man.out().trim(), man::toString);
        }
        // zsh's and fish's completion ask bash's, found from the drover on the PATH as they find it
        Sandbox.Result words = asUser("s=$(dirname \"$(realpath \"$(command -v drover)\")\")/../extra/completion/drover.bash;"
                + " realpath \"$s\"; bash --norc --noprofile -c '. \"$1\"; COMP_LINE=\"drover multi st\"; COMP_POINT=${#COMP_LINE};"
                + " _drover_complete; printf \"%s\\n\" \"${COMPREPLY[@]}\"' complete \"$s\"");
        List<String> lines = words.out().lines().toList();
        assertEquals("/usr/share/bash-completion/completions/drover", lines.isEmpty() ? "" : lines.get(0), words::toString);
        assertEquals(List.of("start", "status", "stop", "stopwait"), lines.stream().skip(1).sorted().toList(), words::toString);
        Sandbox.Result help = asUser("drover help");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.out().contains("Usage: drover"), help::toString);
        // postinst built the archives: the user's drover uses them and writes nothing in /usr/lib/drover
        assertFalse(help.err().contains("class-data"), help::toString);

        String nodes = "2 --range-prefix=" + PREFIX;
        try {
            Sandbox.Result start = asUser("drover multi start " + nodes);
            assertEquals(0, start.code(), start::toString);
            assertFalse(start.err().contains("class-data"), start::toString);
            Path home = Path.of(asUser("printf %s \"$HOME\"").out());
            for (int i = 1; i <= 2; i++) {
                Path pidfile = home.resolve(".local/state/drover/run/" + PREFIX + i + ".pid");
                long pid = Sandbox.awaitPidfile(pidfile, null, start::toString);
                assertTrue(Sandbox.cmdline(pid).contains("-XX:SharedArchiveFile=/usr/lib/drover/lib/node.jsa"),
                        () -> "the node maps the archive postinst built: " + Sandbox.cmdline(pid));
            }
        } finally {
            Sandbox.Result stop = asUser("drover multi stopwait " + nodes);
            assertEquals(0, stop.code(), stop::toString);
        }
    }

    @Test
    @Order(2)
    void postinst_made_the_drover_user_and_its_directories_and_enabled_nothing() throws IOException {
        String[] entry = box.ok("getent", "passwd", "drover").out().trim().split(":");
        assertTrue(Integer.parseInt(entry[2]) < 1000, "a system user: " + String.join(":", entry));
        assertEquals("/var/lib/drover", entry[5]);
        assertEquals("/usr/sbin/nologin", entry[6]);
        for (String dir : OWNED_DIRS) {
            PosixFileAttributes a = Files.readAttributes(Path.of(dir), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertTrue(a.isDirectory(), dir);
            assertEquals("drover", a.owner().getName(), dir);
            assertEquals("drover", a.group().getName(), dir);
            assertEquals(dir.equals("/var/lib/drover") ? "rwxr-x---" : "rwxr-xr-x",
                    PosixFilePermissions.toString(a.permissions()), dir);
        }
        for (String archive : List.of("cli.jsa", "node.jsa")) {
            PosixFileAttributes a = Files.readAttributes(Path.of("/usr/lib/drover/lib", archive), PosixFileAttributes.class);
            assertEquals("root", a.owner().getName(), archive);
            assertFalse(PosixFilePermissions.toString(a.permissions()).substring(3).contains("w"), archive);
        }
        // the units' settings name the package's launcher, not the tarball's /usr/local/bin/drover
        assertTrue(Files.readAllLines(Path.of("/etc/conf.d/drover")).contains("DROVER_BIN=\"/usr/bin/drover\""));
        // the init scripts are registered disabled: stop (K) links only, no start (S) link
        Sandbox.Result enabled = box.run(List.of("sh", "-c",
                "ls -d /etc/systemd/system/*.wants/*drover* /etc/rc?.d/S*drover* 2>/dev/null"), Map.of(), false);
        assertEquals("", enabled.out(), "nothing is enabled on install");
    }

    @Test
    @Order(3)
    void a_package_changing_a_jdk_in_usr_lib_jvm_has_the_archives_built_again() throws IOException {
        // dpkg-trigger marks every package interested in the path: only drover may be, or the
        // test would leave another package's trigger pending
        List<String> others = Files.readAllLines(Path.of("/var/lib/dpkg/triggers/File")).stream()
                .map(l -> l.split("\\s+")).filter(f -> f.length == 2 && "/usr/lib/jvm".startsWith(f[0]) && !f[1].startsWith("drover/"))
                .map(f -> String.join(" ", f)).toList();
        assumeTrue(others.isEmpty(), "other packages watch /usr/lib/jvm: " + others);
        Path lib = Path.of("/usr/lib/drover/lib");
        for (String archive : List.of("cli.jsa", "node.jsa", "cds.java")) {
            Files.delete(lib.resolve(archive));
        }
        box.ok("dpkg-trigger", "--no-await", "/usr/lib/jvm");
        Sandbox.Result triggered = box.run(List.of("dpkg", "--triggers-only", "drover"), Map.of(), false, Duration.ofMinutes(2));
        assertEquals(0, triggered.code(), triggered::toString);
        for (String archive : List.of("cli.jsa", "node.jsa", "cds.java")) {
            assertTrue(Files.isRegularFile(lib.resolve(archive)), archive + " again after the trigger: " + triggered);
        }
    }

    @Test
    @Order(4)
    void the_installed_units_pass_systemd_analyze_verify() {
        List<String> args = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (String unit : List.of("drover.service", "drover@w1.service", "droverbeat.service", "drover-supervise.service")) {
            args.add("/lib/systemd/system/" + unit);
        }
        Sandbox.Result r = box.run(args, Map.of(), false);
        assertEquals(0, r.code(), r::toString);
        // verify exits 0 on some errors (an unknown Type= is "ignored"): no line about our units
        assertFalse(r.err().contains("drover"), r::toString);
        assertFalse(r.out().contains("drover"), r::toString);
    }

    @Test
    @Order(6)
    void lintian_reports_no_error() throws Exception {
        Sandbox.await("lintian to finish", Duration.ofMinutes(3), () -> !lintian.isAlive(), () -> Sandbox.read(lintianOut));
        String out = Sandbox.read(lintianOut);
        List<String> errors = out.lines().filter(l -> l.startsWith("E:")).toList();
        assertEquals(List.of(), errors, out);
        assertEquals(0, lintian.exitValue(), out);
        System.out.println("DebPackageIT: lintian's warnings:\n" + out);
    }

    @Test
    @Order(5)
    void the_maintainer_scripts_are_posix_sh_and_shellcheck_clean() {
        Path control = tmp.resolve("control");
        box.ok("dpkg-deb", "--control", deb.toString(), control.toString());
        List<String> args = new ArrayList<>(List.of(Sandbox.requireProgram("shellcheck", "shellcheck").toString(), "--shell=sh"));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertEquals("#!/bin/sh", Sandbox.read(control.resolve(script)).lines().findFirst().orElse(""), script);
            args.add(control.resolve(script).toString());
        }
        Sandbox.Result r = box.run(args, Map.of(), false);
        assertEquals(0, r.code(), r::toString);
    }

    @Test
    @Order(7)
    void dpkg_r_removes_every_file_but_the_conffiles_and_dpkg_p_those_and_the_users_directories() {
        Set<String> conffiles = new LinkedHashSet<>();
        for (String line : box.ok("dpkg-query", "-W", "-f=${Conffiles}", "drover").out().lines().toList()) {
            if (!line.isBlank()) {
                conffiles.add(line.trim().split("\\s+")[0]);
            }
        }
        assertEquals(Set.of("/etc/conf.d/drover", "/etc/default/droverd", "/etc/default/droverbeat",
                "/etc/init.d/droverd", "/etc/init.d/droverbeat", "/etc/logrotate.d/drover"), conffiles);

        Sandbox.Result remove = box.run(List.of("dpkg", "-r", "drover"), Map.of(), false, Duration.ofMinutes(2));
        assertEquals(0, remove.code(), remove::toString);
        assertFalse(remove.out().contains("not empty") || remove.err().contains("not empty"), remove::toString);
        List<String> left = new ArrayList<>();
        for (String path : newPaths) {
            boolean keep = conffiles.stream().anyMatch(c -> c.equals(path) || c.startsWith(path + "/"));
            if (keep != Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS)) {
                left.add((keep ? "missing " : "left ") + path);
            }
        }
        assertEquals(List.of(), left, "after dpkg -r");
        assertFalse(Files.exists(Path.of("/usr/lib/drover")), "the archives postinst built went with the package");

        Sandbox.Result purge = box.run(List.of("dpkg", "-P", "drover"), Map.of(), false, Duration.ofMinutes(2));
        assertEquals(0, purge.code(), purge::toString);
        for (String path : newPaths) {
            assertFalse(Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS), "after dpkg -P: " + path);
        }
        for (String dir : OWNED_DIRS) {
            assertFalse(Files.exists(Path.of(dir), LinkOption.NOFOLLOW_LINKS), "after dpkg -P: " + dir);
        }
        // Debian's policy keeps a package's system user (files it owns may be elsewhere): so do we
        assertEquals(0, box.run(List.of("getent", "passwd", "drover"), Map.of(), false).code(), "the drover user stays");
    }
}
