package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.drover.extra.InitScriptsIT.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Issue 25, class 7: the init scripts, run by root under dash as {@link InitScriptsIT} runs
 * them, attacked by a real process of the nodes' user {@code nobody} ({@code setpriv} and
 * {@code /usr/bin/python3}, inotify through ctypes, every swap one
 * {@code renameat2(RENAME_EXCHANGE)}).
 *
 * <ul>
 *   <li>A per-node directory ({@code run/%n/node.pid}) in {@code run}, which nobody owns: the
 *       moment root's {@code mkdir} makes {@code run/w1}, nobody swaps it for a symbolic link to
 *       {@code rootonly} (root, 0700). The scripts' {@code chmod} and {@code chown} by path gave
 *       {@code rootonly} to nobody.
 *   <li>The configuration file {@code DROVER_DEFAULTS} names, root's and 0644, in {@code conf},
 *       which nobody owns: nobody swaps it with a file of its own as fast as it can. The check
 *       saw root's file and the {@code .} sourced nobody's: its payload ran as root.
 * </ul>
 *
 * Both race; each prints its attempts and the attacker's wins, and fails on any win.
 * {@code -Ddrover.it.attack.attempts=N} changes the number of attempts (default 10 for the
 * directories, four times that for the configuration, whose swap wins about one time in five).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@Isolated // runs the init scripts as root in /tmp, with racing attackers
class InitScriptsAttackIT {
    private static final int ATTEMPTS = Integer.getInteger("drover.it.attack.attempts", 10);
    private static final String NOBODY = "nobody";
    private static final String NOGROUP = "nogroup";

    /**
     * inotify through ctypes and the atomic swap of two names: {@code DIR NAME TARGET}, the
     * moment directory DIR/NAME appears it trades places with a symbolic link to TARGET made
     * ahead of time (root's directory moves aside to {@code .atkN}). Prints {@code watching},
     * then {@code swapped NAME} per win.
     */
    private static final String SWAP_NEW_DIRECTORY = """
            import ctypes, os, struct, sys
            libc = ctypes.CDLL(None, use_errno=True)
            IN_CREATE, IN_ISDIR, AT_FDCWD, RENAME_EXCHANGE = 0x100, 0x40000000, -100, 2
            d, victim, target = sys.argv[1:4]
            fd = libc.inotify_init1(0)
            if fd < 0 or libc.inotify_add_watch(fd, d.encode(), IN_CREATE) < 0:
                sys.exit("inotify on %s: %s" % (d, os.strerror(ctypes.get_errno())))
            n = 0
            def ready():
                global n
                n += 1
                link = os.path.join(d, ".atk%d" % n)
                os.symlink(target, link)
                return link
            link = ready()
            print("watching", flush=True)
            while True:
                buf = os.read(fd, 65536)
                i = 0
                while i < len(buf):
                    _, mask, _, size = struct.unpack_from("iIII", buf, i)
                    name = buf[i + 16:i + 16 + size].rstrip(b"\\0").decode()
                    i += 16 + size
                    if not mask & IN_ISDIR or name != victim:
                        continue
                    if libc.renameat2(AT_FDCWD, link.encode(), AT_FDCWD, os.path.join(d, name).encode(), RENAME_EXCHANGE):
                        print("missed %s: %s" % (name, os.strerror(ctypes.get_errno())), flush=True)
                        continue
                    print("swapped " + name, flush=True)
                    link = ready()
            """;

    /** {@code A B}: trades the names A and B, over and over. Prints {@code swapping} once it has begun. */
    private static final String SWAP_FOREVER = """
            import ctypes, os, sys
            libc = ctypes.CDLL(None, use_errno=True)
            a, b = (p.encode() for p in sys.argv[1:3])
            if libc.renameat2(-100, a, -100, b, 2):
                sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
            print("swapping", flush=True)
            while True:
                libc.renameat2(-100, a, -100, b, 2)
            """;

    private Path tmp;
    private Path rootonly;
    private final List<Process> attackers = new ArrayList<>();

    @BeforeAll
    static void findTheDistribution() throws IOException {
        InitScriptsIT.findTheDistribution();
    }

    @BeforeEach
    void layout() throws IOException {
        InitScriptsIT.requireRoot();
        tmp = Files.createTempDirectory(Path.of("/tmp"), "drover-initd-attack-").toRealPath();
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        rootonly = Files.createDirectory(tmp.resolve("rootonly"));
        Files.setPosixFilePermissions(rootonly, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void killWhatThisTestStarted() throws IOException {
        for (Process attacker : attackers) {
            attacker.destroyForcibly();
        }
        for (Process attacker : attackers) {
            await(attacker);
        }
        List<Long> left = InitScriptsIT.processesMentioning(tmp.toString());
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        left.forEach(InitScriptsIT::awaitGone);
        deleteTree(tmp);
        assertEquals(List.of(), left, "the test left these processes running; they were killed");
    }

    // ---- create_dir

    @ParameterizedTest(name = "{0} start with {2}")
    @CsvSource({
        "droverd,    w1,   DROVERD_NODES=w1 DROVERD_USER=nobody DROVERD_GROUP=nogroup DROVERD_PID_FILE={RUN}/%n/node.pid"
            + " DROVERD_LOG_FILE={LOG}/%n%I.log DROVER_CREATE_DIRS=1",
        "droverbeat, beat, DROVERBEAT_USER=nobody DROVERBEAT_GROUP=nogroup DROVERBEAT_PID_FILE={RUN}/%n/beat.pid"
            + " DROVERBEAT_LOG_FILE={LOG}/beat.log DROVER_CREATE_DIRS=1"})
    void swapping_a_per_node_directory_root_creates_never_gives_a_root_directory_to_nobody(String script, String node,
                                                                                         String settings) throws IOException {
        Path run = ownedByNobody(tmp.resolve("run"));
        Path config = rootsConfig(tmp.resolve("drover.conf"), "DROVER_BIN=" + InitScriptsIT.launcher + " "
                // placeholders no setting's name holds: "LOG" would have replaced DROVERD_LOG_FILE's
                // own name, and the script then made /var/log/drover for nobody on the host
                + settings.replace("{RUN}", run.toString()).replace("{LOG}", tmp.resolve("log").toString()));
        Path said = tmp.resolve("attacker-dir.out");
        attack(said, "watching", SWAP_NEW_DIRECTORY, run.toString(), node, rootonly.toString());

        List<String> violations = new ArrayList<>();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Result start = InitScriptsIT.run(script, "start", config);
            String taken = rootonlyTaken();
            if (taken != null) {
                violations.add("attempt " + attempt + ": " + taken + "\n" + start);
                restoreRootonly();
            }
            InitScriptsIT.run(script, "stop", config);
            List<Long> left = InitScriptsIT.processesMentioning("=" + run + "/");
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            left.forEach(InitScriptsIT::awaitGone);
            clearDirectory(run);
        }
        System.out.println(script + " create_dir: " + ATTEMPTS + " attempts, " + count(said, "swapped ")
                + " swaps won, " + violations.size() + " root directories given to nobody");
        assertEquals(List.of(), violations);
    }

    // ---- DROVER_DEFAULTS

    @Test
    void a_configuration_nobody_swaps_after_its_check_is_never_sourced_as_root() throws IOException {
        Path conf = ownedByNobody(tmp.resolve("conf"));
        Path config = rootsConfig(conf.resolve("drover.conf"), "DROVER_BIN=/bin/true DROVERD_NODES=w1");
        Path pwned = rootonly.resolve("pwned");
        Path evil = conf.resolve("evil.conf");
        asNobody(tmp.resolve("attacker-write.out"), "open(sys.argv[1], 'w').write(sys.argv[2])", evil.toString(),
                "echo \"root sourced nobody's configuration\" >> '" + pwned + "'\nDROVER_BIN=/bin/true\n");
        Path said = tmp.resolve("attacker-swap.out");
        attack(said, "swapping", SWAP_FOREVER, config.toString(), evil.toString());

        int attempts = 4 * ATTEMPTS;
        int won = 0;
        int refused = 0;
        String firstRefusal = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Result status = InitScriptsIT.run(InitScriptsIT.DROVERD, "status", config);
            if (Files.exists(pwned, LinkOption.NOFOLLOW_LINKS)) {
                won++;
                Files.delete(pwned);
            }
            if (status.code() == 4) {
                refused++;
                firstRefusal = firstRefusal == null ? status.output() : firstRefusal;
            }
        }
        System.out.println("DROVER_DEFAULTS swap: " + attempts + " attempts, " + won + " sourced as root, " + refused
                + " refused");
        assertEquals(0, won, "root ran nobody's configuration");
        assertEquals(attempts, refused, "a configuration in a directory nobody can write is refused, each time");
        assertTrue(firstRefusal.contains("refusing to use the configuration file '" + config + "': '" + conf
                + "' is owned by uid 65534, not by root"), firstRefusal);
    }

    // ---- the attacker

    /** Runs SCRIPT as nobody in the background until the test ends; waits until it printed {@code ready}. */
    private void attack(Path output, String ready, String script, String... args) {
        Process p = start(output, script, args);
        attackers.add(p);
        long deadline = System.nanoTime() + InitScriptsIT.WAIT_DEADLINE.toNanos();
        while (!lines(output).contains(ready)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                fail("the attacker did not print '" + ready + "': " + lines(output));
            }
            pause();
        }
    }

    /** Runs SCRIPT as nobody to its end. */
    private void asNobody(Path output, String script, String... args) {
        Process p = start(output, "import sys\n" + script, args);
        await(p);
        assertEquals(0, p.exitValue(), () -> "the attacker failed: " + lines(output));
    }

    private static Process start(Path output, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOGROUP,
                "--clear-groups", "/usr/bin/python3", "-c", script));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the attacker " + command, e);
        }
    }

    private static void await(Process p) {
        try {
            if (!p.waitFor(InitScriptsIT.WAIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                fail("the attacker " + p.pid() + " did not end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> lines(Path output) {
        try {
            return Files.readAllLines(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long count(Path output, String prefix) {
        return lines(output).stream().filter(l -> l.startsWith(prefix)).count();
    }

    private static void pause() {
        try {
            Thread.sleep(InitScriptsIT.POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- the layout

    /** A configuration file of root's, 0644, one setting a line. */
    private static Path rootsConfig(Path file, String settings) throws IOException {
        Files.writeString(file, "# written by InitScriptsAttackIT\n" + String.join("\n", settings.split(" ")) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** What root did to {@code rootonly} for nobody, or null if nothing. */
    private String rootonlyTaken() throws IOException {
        List<String> wrong = new ArrayList<>();
        Object owner = Files.getAttribute(rootonly, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(0)) {
            wrong.add(rootonly + " is owned by uid " + owner);
        }
        int mode = (Integer) Files.getAttribute(rootonly, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        if (mode != 0700) {
            wrong.add(rootonly + " is mode " + Integer.toOctalString(mode));
        }
        return wrong.isEmpty() ? null : String.join("; ", wrong);
    }

    private void restoreRootonly() throws IOException {
        Files.setAttribute(rootonly, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(rootonly, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(rootonly, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
    }

    /** {@code install -d -o nobody -g nogroup PATH}. */
    private static Path ownedByNobody(Path path) throws IOException {
        Files.createDirectory(path);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        var lookup = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, lookup.lookupPrincipalByName(NOBODY));
        Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(lookup.lookupPrincipalByGroupName(NOGROUP));
        return path;
    }

    /** Empties a directory but for the symlink the attacker has ready ({@code .atkN}); links are removed, never followed. */
    private static void clearDirectory(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                if (!(p.getFileName().toString().startsWith(".atk") && Files.isSymbolicLink(p))) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
