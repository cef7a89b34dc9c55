package io.drover.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real process of the untrusted user: {@code /usr/bin/python3} run as {@code nobody:nogroup}
 * with no supplementary groups ({@code setpriv}), the user a node drops to and who owns the
 * node's directories. Its stdout (one line per thing it did) goes to a file the test reads.
 *
 * <p>{@code /usr/bin/python3}, not whatever {@code python3} is on the PATH: root's pyenv shim
 * lives under {@code /root}, which nobody cannot read.
 */
final class Attacker implements AutoCloseable {
    static final String USER = "nobody";
    static final String GROUP = "nogroup";

    /**
     * {@code PIDFILE PID MARKER}: writes PID ({@code self}: its own) into PIDFILE, holds an fcntl
     * lock on it as a node does, prints {@code locked} and waits. Run by root instead, it is the
     * payload: it creates MARKER and exits, the proof that root executed nobody's program.
     */
    static final String HOLD_LOCK = """
            import fcntl, os, sys, time
            pidfile, pid, marker = sys.argv[1:4]
            if os.geteuid() == 0:
                fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.write(fd, b"root ran the attacker's program, pid %d\\n" % os.getpid())
                sys.exit(0)
            fd = os.open(pidfile, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            os.write(fd, (str(os.getpid()) if pid == "self" else pid).encode() + b"\\n")
            fcntl.lockf(fd, fcntl.LOCK_EX)
            print("locked", flush=True)
            while True:
                time.sleep(3600)
            """;

    /** {@code SOURCE LINK}: a hard link, made as nobody (protected_hardlinks allows one's own files). */
    static final String HARD_LINK = """
            import os, sys
            os.link(sys.argv[1], sys.argv[2])
            print("linked", flush=True)
            """;

    /**
     * inotify through ctypes (no package needed), and the atomic swap of two names in one
     * directory ({@code renameat2(RENAME_EXCHANGE)}): root's file or directory and a symlink the
     * attacker prepared beforehand trade places, so the swap succeeds only while root's entry
     * still exists and "swapped" counts only real wins.
     */
    private static final String RACE_PRELUDE = """
            import ctypes, os, struct, sys
            libc = ctypes.CDLL(None, use_errno=True)
            IN_CREATE, IN_ISDIR, AT_FDCWD, RENAME_EXCHANGE = 0x100, 0x40000000, -100, 2
            def watch(d):
                fd = libc.inotify_init1(0)
                if fd < 0 or libc.inotify_add_watch(fd, d.encode(), IN_CREATE) < 0:
                    sys.exit("inotify on %s: %s" % (d, os.strerror(ctypes.get_errno())))
                return fd
            def created(fd):
                while True:
                    buf = os.read(fd, 65536)
                    i = 0
                    while i < len(buf):
                        _, mask, _, n = struct.unpack_from("iIII", buf, i)
                        yield mask, buf[i + 16:i + 16 + n].rstrip(b"\\0").decode()
                        i += 16 + n
            def exchange(a, b):
                if libc.renameat2(AT_FDCWD, a.encode(), AT_FDCWD, b.encode(), RENAME_EXCHANGE) != 0:
                    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
            class Links:
                # a symlink made ahead of time, so the swap is one system call after the event; named
                # after the attacker's pid too, so several attackers can share a directory
                def __init__(self, d, target):
                    self.d, self.target, self.n = d, target, 0
                    self.next()
                def next(self):
                    self.n += 1
                    self.path = os.path.join(self.d, ".atk%d.%d" % (os.getpid(), self.n))
                    os.symlink(self.target, self.path)
            """;

    /**
     * {@code DIR TARGET KEEP}: the moment any file but KEEP appears in DIR (a temporary pidfile
     * {@code .w1.pid.PID.tmp}, or whatever name the code uses), it becomes a symlink to TARGET.
     * Root's file is then removed. Prints {@code watching}, then {@code swapped NAME} per win.
     */
    static final String SWAP_NEW_FILES = RACE_PRELUDE + """
            d, target, keep = sys.argv[1:4]
            fd = watch(d)
            links = Links(d, target)
            print("watching", flush=True)
            for mask, name in created(fd):
                if mask & IN_ISDIR or name == keep or name.startswith(".atk"):
                    continue
                try:
                    exchange(links.path, os.path.join(d, name))
                except OSError as e:
                    print("missed %s: %s" % (name, e.strerror), flush=True)
                    continue
                print("swapped " + name, flush=True)
                try:
                    os.unlink(links.path)
                except OSError:
                    pass
                links.next()
            """;

    /**
     * {@code DIR NAME TARGET}: the moment directory DIR/NAME appears, it becomes a symlink to
     * TARGET (root's directory moves aside to {@code .atkN}). Prints {@code watching}, then
     * {@code swapped NAME} per win.
     */
    static final String SWAP_NEW_DIRECTORY = RACE_PRELUDE + """
            d, victim, target = sys.argv[1:4]
            fd = watch(d)
            links = Links(d, target)
            print("watching", flush=True)
            for mask, name in created(fd):
                if not mask & IN_ISDIR or name != victim:
                    continue
                try:
                    exchange(links.path, os.path.join(d, name))
                except OSError as e:
                    print("missed %s: %s" % (name, e.strerror), flush=True)
                    continue
                print("swapped " + name, flush=True)
                links.next()
            """;

    private final Process process;
    private final Path output;

    private Attacker(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts SCRIPT as nobody with ARGS; its stdout and stderr go to {@code output}. */
    static Attacker start(Path output, String script, String... args) {
        return startAs(USER, GROUP, output, script, args);
    }

    /** Runs SCRIPT as nobody to its end; fails unless it exits 0. */
    static List<String> runOnce(Path output, String script, String... args) {
        try (Attacker a = start(output, script, args)) {
            try {
                if (!a.process.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError("the attacker did not finish: " + a.lines());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (a.process.exitValue() != 0) {
                throw new AssertionError("the attacker failed (exit " + a.process.exitValue() + "): " + a.lines());
            }
            return a.lines();
        }
    }

    /** The setpriv process execs python: this is the attacker's own pid. */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return Procs.alive(pid());
    }

    List<String> lines() {
        try {
            return Files.readAllLines(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** How many lines start with {@code prefix}. */
    long count(String prefix) {
        return lines().stream().filter(l -> l.startsWith(prefix)).count();
    }

    /** Waits until the attacker printed {@code line}; fails at once if it died first. */
    void awaitLine(String line) {
        Procs.waitUntil("the attacker to print '" + line + "'", Procs.PATIENCE, () -> {
            if (lines().contains(line)) {
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the attacker exited (" + process.exitValue() + ") before '" + line + "': "
                        + lines());
            }
            return false;
        }, this::toString);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "attacker pid " + pid() + " said " + lines();
    }

    // ---- issue 25, class 2: a process of any user that looks like a drover node ----------------

    /** The second local user, neither root nor the node's user; no passwd entry is needed. */
    static final String SECOND_USER = "4242";

    /**
     * {@code ARGS...}: prints {@code up} and waits. Its command line is python's own, then ARGS:
     * with {@code io.drover.cli.Main worker -n %z} as ARGS it looks like a drover node with a
     * node name that does not parse, which any local user can run.
     */
    static final String LOOK_LIKE_A_NODE = """
            import time
            print("up", flush=True)
            while True:
                time.sleep(3600)
            """;

    /** {@link #start}, as the user and group given (names or numbers) instead of nobody. */
    static Attacker startAs(String user, String group, Path output, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + group,
                "--clear-groups", "/usr/bin/python3", "-c", script));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            return new Attacker(pb.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the attacker " + command, e);
        }
    }
    // ---- issue 25, classes 8 and 10 (SecurityFilesIT) ------------------------------------

    /** {@code LINK TARGET}: a symbolic link of nobody's. */
    static final String SYMLINK = """
            import os, sys
            os.symlink(sys.argv[2], sys.argv[1])
            print("linked", flush=True)
            """;

    /** {@code PATH TEXT}: a regular file of nobody's, mode 0666, holding TEXT. */
    static final String PLANT_FILE = """
            import os, sys
            fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            os.fchmod(fd, 0o666)
            os.write(fd, sys.argv[2].encode())
            print("planted", flush=True)
            """;

    /**
     * {@code DIR TARGET NAME...}: keeps a symlink to TARGET at every DIR/NAME, planting it again
     * the moment the name is free (after root renamed or removed what was there), and swaps every
     * other new file in DIR for such a link the moment inotify reports it. Prints
     * {@code watching}, then {@code planted NAME} per link made, {@code created NAME} per file
     * of someone else's, {@code swapped NAME} per win, {@code missed NAME: why} per loss.
     */
    static final String REPLANT_AND_SWAP = RACE_PRELUDE + """
            import fcntl, time
            d, target, names = sys.argv[1], sys.argv[2], sys.argv[3:]
            fd = watch(d)
            fcntl.fcntl(fd, fcntl.F_SETFL, os.O_NONBLOCK)
            links = Links(d, target)
            print("watching", flush=True)
            def events():
                try:
                    buf = os.read(fd, 65536)
                except BlockingIOError:
                    return []
                out, i = [], 0
                while i < len(buf):
                    _, mask, _, n = struct.unpack_from("iIII", buf, i)
                    out.append((mask, buf[i + 16:i + 16 + n].rstrip(b"\\0").decode()))
                    i += 16 + n
                return out
            while True:
                for name in names:
                    try:
                        os.symlink(target, os.path.join(d, name))
                        print("planted " + name, flush=True)
                    except FileExistsError:
                        pass
                for mask, name in events():
                    if mask & IN_ISDIR or name in names or name.startswith(".atk"):
                        continue
                    print("created " + name, flush=True)
                    try:
                        exchange(links.path, os.path.join(d, name))
                    except OSError as e:
                        print("missed %s: %s" % (name, e.strerror), flush=True)
                        continue
                    print("swapped " + name, flush=True)
                    links.next()
                time.sleep(0.0005)
            """;

    /**
     * {@code DIR PAYLOAD}: watches DIR for jffi's extracted stub library ({@code jffi*.so}):
     * prints {@code created NAME} when one appears, and each time one is closed after writing
     * with content, moves a copy of PAYLOAD over it ({@code swapped NAME}), so that what root
     * then loads by that name is nobody's. Prints {@code watching} first.
     */
    static final String SWAP_JFFI_STUB = """
            import ctypes, os, shutil, struct, sys
            libc = ctypes.CDLL(None, use_errno=True)
            IN_CLOSE_WRITE, IN_CREATE = 0x8, 0x100
            d, payload = sys.argv[1:3]
            fd = libc.inotify_init1(0)
            if fd < 0 or libc.inotify_add_watch(fd, d.encode(), IN_CREATE | IN_CLOSE_WRITE) < 0:
                sys.exit("inotify on %s: %s" % (d, os.strerror(ctypes.get_errno())))
            print("watching", flush=True)
            n = 0
            while True:
                buf = os.read(fd, 65536)
                i = 0
                while i < len(buf):
                    _, mask, _, ln = struct.unpack_from("iIII", buf, i)
                    name = buf[i + 16:i + 16 + ln].rstrip(b"\\0").decode()
                    i += 16 + ln
                    if not name.startswith("jffi"):
                        continue
                    path = os.path.join(d, name)
                    if mask & IN_CREATE:
                        print("created " + name, flush=True)
                    elif mask & IN_CLOSE_WRITE:
                        try:
                            if os.stat(path).st_size == 0:
                                continue
                            n += 1
                            spare = os.path.join(d, ".payload%d" % n)
                            shutil.copyfile(payload, spare)
                            os.rename(spare, path)
                            print("swapped " + name, flush=True)
                        except OSError as e:
                            print("missed %s: %s" % (name, e.strerror), flush=True)
            """;
    /**
     * {@code PATH HEX [PATH HEX]...}: writes each PATH (created, or truncated; never through a
     * symlink) with the bytes HEX spells, as nobody, then prints {@code written}. Hex, so any
     * byte (an escape sequence, invalid UTF-8) reaches the file whatever the locale.
     */
    static final String WRITE_FILES = """
            import os, sys
            for path, data in zip(sys.argv[1::2], sys.argv[2::2]):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
                os.write(fd, bytes.fromhex(data))
                os.close(fd)
            print("written", flush=True)
            """;

    /** {@code text}'s UTF-8 bytes in hex, for {@link #WRITE_FILES}. */
    static String hex(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append(String.format("%02x", b & 0xff));
        }
        return out.toString();
    }
    /**
     * {@code DIR NAME TICK}: DIR/NAME (a regular file of the attacker's) and a FIFO trade names
     * ({@code renameat2(RENAME_EXCHANGE)}) in a loop that never stops, so whoever looks at
     * DIR/NAME and then opens it may find a regular file and open a FIFO no one writes: an
     * {@code open(O_RDONLY)} that blocks forever (one command in five to ten here). With TICK {@code tick}, a line
     * {@code tick MILLIS} (the wall clock) is appended to the regular file every 100 ms, through a
     * descriptor, whatever its name at the time. Prints {@code flipping}.
     */
    static final String FLIP_FIFO = RACE_PRELUDE + """
            import random, time
            d, name, tick = sys.argv[1:4]
            target, fifo = os.path.join(d, name), os.path.join(d, ".atkfifo")
            os.mkfifo(fifo, 0o644)
            fd = os.open(target, os.O_WRONLY | os.O_APPEND)
            print("flipping", flush=True)
            last = 0.0
            while True:
                exchange(target, fifo)
                # back to back, renames hold the directory's lock so evenly that a look and an
                # open fall on the same side; a little jitter makes every interleaving happen
                for _ in range(random.randrange(4)):
                    pass
                if tick == "tick" and time.monotonic() - last > 0.1:
                    last = time.monotonic()
                    os.write(fd, b"tick %d\\n" % int(time.time() * 1000))
            """;

    /**
     * {@code DIR NAME TARGET PID}: the moment process PID is gone (or a zombie: its node has
     * exited), directory DIR/NAME becomes a symlink to TARGET (root's directory) in one
     * {@code renameat2(RENAME_EXCHANGE)}; the old directory moves aside to {@code .atkN}.
     * Prints {@code waiting}, then {@code swapped NAME} or {@code missed NAME: WHY}, and exits.
     */
    static final String SWAP_DIRECTORY_WHEN_GONE = RACE_PRELUDE + """
            d, victim, target, pid = sys.argv[1:5]
            links = Links(d, target)
            stat = "/proc/%s/stat" % pid
            print("waiting", flush=True)
            while True:
                try:
                    with open(stat) as f:
                        if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                            break
                except (FileNotFoundError, ProcessLookupError):
                    break
            try:
                exchange(links.path, os.path.join(d, victim))
                print("swapped " + victim, flush=True)
            except OSError as e:
                print("missed %s: %s" % (victim, e.strerror), flush=True)
            """;
}
