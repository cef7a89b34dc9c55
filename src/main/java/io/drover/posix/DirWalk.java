package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.FileStat;
import jnr.posix.POSIX;

/**
 * Walks from {@code /} to the directory a node's file goes in by descriptor, one
 * {@code openat(O_NOFOLLOW|O_DIRECTORY)} per step, checks that nobody but the trusted users can
 * write any directory on the way, and creates what is missing with {@code mkdirat}, then
 * {@code fchmod}/{@code fchown} on the new directory's own descriptor. No step looks a path up
 * twice, so a user who can write one of these directories cannot swap a step for a symbolic
 * link between drover's check and its use (docs/security.md, S5).
 *
 * <p>A symbolic link on the way is followed only where nobody untrusted could have made it: in
 * a directory owned by root or by the caller that no group or other user can write
 * ({@code /var/run -> /run}). Anywhere else it is refused.
 */
final class DirWalk {
    private static final int MAX_LINKS = 40;
    private static final int DIR_MODE = 0755;
    private static final int AT_REMOVEDIR = 0x200;

    private final POSIX posix;
    private final LibC libc;
    private final Set<Integer> uids;
    private final Set<Integer> gids;
    private final Identity owner;
    private final boolean root;

    /**
     * @param owner the user the node runs as, who gets the directories created and may write
     *     them; null when the node keeps the caller's identity
     */
    DirWalk(POSIX posix, LibC libc, Identity owner) {
        this.posix = posix;
        this.libc = libc;
        this.owner = owner;
        int euid = posix.geteuid();
        int egid = posix.getegid();
        this.root = euid == 0;
        Set<Integer> u = new HashSet<>(List.of(0, euid));
        Set<Integer> g = new HashSet<>(List.of(0, egid));
        if (owner != null) {
            u.add(owner.uid());
            g.add(owner.gid());
        }
        this.uids = Set.copyOf(u);
        this.gids = Set.copyOf(g);
    }

    /**
     * Makes sure {@code file}'s directory exists and is safe, creating the missing steps.
     *
     * @throws DroverException exit 77 for an unsafe layout, 73 for a directory that cannot be made
     */
    void prepare(Path file) {
        walk(file, false);
    }

    /**
     * What {@link #prepare} would refuse, found by the same walk with nothing made: a missing
     * step ends it, once the directory it would be made in is one this process may write (a
     * dry run of a start; nothing is opened for writing, so a look-up by path is enough there).
     *
     * @throws DroverException as {@link #prepare} would
     */
    void check(Path file) {
        walk(file, true);
    }

    private void walk(Path file, boolean dry) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        if (dir == null) {
            return;
        }
        Deque<String> todo = new ArrayDeque<>(components(dir.toString()));
        Deque<Integer> fds = new ArrayDeque<>();
        Deque<String> names = new ArrayDeque<>();
        int links = 0;
        created.clear();
        boolean done = false;
        try {
            fds.push(openRoot());
            check(fds.peek(), "/", file);
            while (!todo.isEmpty()) {
                String name = todo.pop();
                if (name.isEmpty() || name.equals(".")) {
                    continue;
                }
                if (name.equals("..")) {
                    if (fds.size() > 1) {
                        libc.close(fds.pop());
                        names.removeLast();
                    }
                    continue;
                }
                String shown = shown(names, name);
                int next = openDir(fds.peek(), name);
                if (next < 0) {
                    Errno e = errno();
                    if (e == Errno.ENOENT && dry) {
                        couldCreate(names, shown);
                        break;
                    } else if (e == Errno.ENOENT) {
                        next = create(fds.peek(), name, shown, file);
                    } else if (e == Errno.ELOOP || e == Errno.ENOTDIR) {
                        String target = readlink(fds.peek(), name);
                        if (target == null) {
                            throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + dir + ": "
                                    + shown + ": " + Errno.ENOTDIR.description());
                        }
                        if (!strictlyTrusted(fds.peek()) || ++links > MAX_LINKS) {
                            throw unsafe(file, shown + " is a symbolic link in a directory that "
                                    + (links > MAX_LINKS ? "loops" : "another user can write") + "; refusing to follow it");
                        }
                        List<String> parts = components(target);
                        for (int i = parts.size() - 1; i >= 0; i--) {
                            todo.push(parts.get(i));
                        }
                        if (target.startsWith("/")) {
                            while (fds.size() > 1) {
                                libc.close(fds.pop());
                            }
                            names.clear();
                        }
                        continue;
                    } else {
                        throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + dir + ": "
                                + shown + ": " + e.description());
                    }
                }
                fds.push(next);
                names.addLast(name);
                check(next, shown, file);
            }
            done = true;
        } finally {
            if (!done) {
                // a start that fails leaves nothing behind: the directories made for it go
                for (int i = created.size() - 1; i >= 0; i--) {
                    Made m = created.get(i);
                    if (fds.contains(m.parent())) {
                        libc.unlinkat(m.parent(), m.name(), AT_REMOVEDIR);
                    }
                }
            }
            fds.forEach(libc::close);
        }
    }

    /** Whether {@code shown} could be made: its parent (the walk's last step, {@code names}) writable by us. */
    private static void couldCreate(Deque<String> names, String shown) {
        Path parent = Path.of("/" + String.join("/", names));
        if (java.nio.file.Files.isWritable(parent)) {
            return;
        }
        // access(2) is false on a read-only file system even for root: say which, as mkdirat would
        boolean readOnly;
        try {
            readOnly = java.nio.file.Files.getFileStore(parent).isReadOnly();
        } catch (java.io.IOException e) {
            readOnly = false;
        }
        throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + shown + ": "
                + (readOnly ? Errno.EROFS : Errno.EACCES).description());
    }

    /** A directory this walk made: its parent's descriptor and its name. */
    private record Made(int parent, String name) {}

    private final List<Made> created = new ArrayList<>();

    private int create(int parent, String name, String shown, Path file) {
        boolean made = libc.mkdirat(parent, name, DIR_MODE) == 0;
        if (!made && errno() != Errno.EEXIST) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + shown + ": "
                    + errno().description());
        }
        if (made) {
            created.add(new Made(parent, name));
        }
        int fd = openDir(parent, name);
        if (fd < 0) {
            // it was replaced between mkdirat and openat: only someone who can write the parent can
            throw unsafe(file, shown + " was replaced while drover created it");
        }
        FileStat st = posix.fstat(fd);
        if (made && st.uid() == posix.geteuid()) {
            // our own new directory, by its descriptor: the umask must not narrow it, and the
            // node's user must be able to create its files in it
            libc.fchmod(fd, DIR_MODE);
            if (root && owner != null && libc.fchown(fd, owner.uid(), owner.gid()) != 0) {
                Errno e = errno();
                libc.close(fd);
                throw new DroverException(ExitCode.CANT_CREATE, "cannot give directory " + shown + " to " + owner
                        + " (--uid/--gid): " + e.description());
            }
        }
        return fd;
    }

    /** A directory on the way may be written only by root, the caller and the node's user. */
    private void check(int fd, String shown, Path file) {
        FileStat st = posix.fstat(fd);
        String why = DirTrust.unsafe(st.uid(), st.gid(), st.mode(), uids, gids,
                "root" + (owner == null ? " or the caller" : ", the caller or the node's user " + owner));
        if (why != null) {
            throw unsafe(file, shown + why);
        }
    }

    /** Where a link may be trusted: only root or the caller could have put it there. */
    private boolean strictlyTrusted(int fd) {
        FileStat st = posix.fstat(fd);
        return DirTrust.strict(st.uid(), st.mode(), posix.geteuid());
    }

    private int openRoot() {
        int fd = posix.open("/", OpenFlags.O_RDONLY.intValue() | OpenFlags.O_DIRECTORY.intValue()
                | OpenFlags.O_CLOEXEC.intValue(), 0);
        if (fd < 0) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot open /: " + errno().description());
        }
        return fd;
    }

    private int openDir(int parent, String name) {
        return libc.openat(parent, name, OpenFlags.O_RDONLY.intValue() | OpenFlags.O_DIRECTORY.intValue()
                | OpenFlags.O_NOFOLLOW.intValue() | OpenFlags.O_CLOEXEC.intValue(), 0);
    }

    /** The target of a symbolic link {@code name} in {@code parent}, or null if it is not one. */
    private String readlink(int parent, String name) {
        byte[] buf = new byte[4096];
        long n = libc.readlinkat(parent, name, buf, buf.length);
        return n < 0 ? null : new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    private Errno errno() {
        return Errno.valueOf(posix.errno());
    }

    private DroverException unsafe(Path file, String why) {
        return new DroverException(ExitCode.NO_PERMISSION, "refusing " + file + ": " + why
                + " (docs/security.md: unsafe layout)");
    }

    private static String shown(Deque<String> names, String name) {
        return "/" + String.join("/", names) + (names.isEmpty() ? "" : "/") + name;
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }
}
