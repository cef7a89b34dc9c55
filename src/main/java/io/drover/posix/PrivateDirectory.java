package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.OsErrors;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A directory for files the caller writes and root then installs elsewhere ({@code multi
 * export}'s {@code --out}, copied into /etc/systemd/system): it must be the caller's alone
 * (docs/security.md, round three, 6). In a directory another user can write, that user could
 * plant a symbolic link for root to write through, or a file of their own for root to install.
 *
 * <p>The path to it passes {@link DirTrust#unsafe}'s rule for the caller, as {@link DirWalk}
 * checks a pid directory; it and every directory below it on the way to a file must pass
 * {@link DirTrust#strict}. Missing directories are created, 0755.
 *
 * <p>Pure Java, by path, and still race-free: the walk goes from {@code /} down, and looks at a
 * name only once the directory holding it has passed the rule, so nobody but root and the
 * caller can change that name any more (a sticky directory keeps even its other writers off
 * their entries). A symbolic link on the way is followed only in a directory only root or the
 * caller can write ({@code /var/run -> /run}); below the top directory, never. So the paths
 * used afterwards name what was checked, and {@code multi export} need not load jnr.
 */
public final class PrivateDirectory {
    private PrivateDirectory() {}

    private static final int MAX_LINKS = 40;

    /**
     * Makes sure the directory {@code file} goes in exists, below {@code top}, and that nobody
     * but root and the caller can write it, {@code top}, anything between, or (but sticky) any
     * directory above.
     *
     * @throws DroverException exit 77 naming the directory and why, 73 if it cannot be made
     */
    public static void prepare(Path file, Path top) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        Path given = top.toAbsolutePath().normalize();
        if (dir == null || !dir.startsWith(given)) {
            throw new IllegalArgumentException(file + " is not below " + top);
        }
        Caller me = Caller.self();
        List<Path> created = new ArrayList<>();
        boolean done = false;
        try {
            Path real = walk(given, file, me, created);
            Attrs a = Attrs.of(real);
            if (!DirTrust.strict(a.uid, a.mode, me.euid)) {
                throw unsafe(file, given + DirTrust.notStrict(a.uid, a.gid, a.mode, me.euid));
            }
            Path shown = given;
            for (Path name : given.relativize(dir)) {
                if (name.toString().isEmpty()) {
                    continue;
                }
                real = real.resolve(name.toString());
                shown = shown.resolve(name.toString());
                a = Attrs.of(real);
                if (a == null) {
                    a = create(real, shown, file, me, created);
                }
                if (a.kind() == DirTrust.S_IFLNK) {
                    throw unsafe(file, shown + " is a symbolic link; refusing to write through it");
                }
                if (a.kind() != DirTrust.S_IFDIR) {
                    throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + dir + ": " + shown
                            + ": Not a directory");
                }
                if (!DirTrust.strict(a.uid, a.mode, me.euid)) {
                    throw unsafe(file, shown + DirTrust.notStrict(a.uid, a.gid, a.mode, me.euid));
                }
            }
            done = true;
        } finally {
            if (!done) {
                // nothing half done: the directories made for this file go
                for (int i = created.size() - 1; i >= 0; i--) {
                    try {
                        Files.deleteIfExists(created.get(i));
                    } catch (IOException e) {
                        // not empty or gone: leave it
                    }
                }
            }
        }
    }

    /** From / to {@code target} as DirWalk walks, by path; the real path reached (no link left in it). */
    private static Path walk(Path target, Path file, Caller me, List<Path> created) {
        Deque<String> todo = new ArrayDeque<>(components(target));
        Path current = Path.of("/");
        Attrs here = Attrs.of(current);
        check(here, current, file, me);
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                // current has no link in it: its parent is the directory above
                current = current.getParent() == null ? current : current.getParent();
                here = Attrs.of(current);
                continue;
            }
            Path next = current.resolve(name);
            Attrs a = Attrs.of(next);
            if (a == null) {
                a = create(next, next, file, me, created);
            }
            if (a.kind() == DirTrust.S_IFLNK) {
                if (!DirTrust.strict(here.uid, here.mode, me.euid) || ++links > MAX_LINKS) {
                    throw unsafe(file, next + " is a symbolic link in a directory that "
                            + (links > MAX_LINKS ? "loops" : "another user can write") + "; refusing to follow it");
                }
                Path link;
                try {
                    link = Files.readSymbolicLink(next);
                } catch (IOException e) {
                    throw new DroverException(ExitCode.CANT_CREATE, "cannot read " + next + ": " + OsErrors.reason(e));
                }
                List<String> parts = components(link);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.push(parts.get(i));
                }
                if (link.isAbsolute()) {
                    current = Path.of("/");
                    here = Attrs.of(current);
                }
                continue;
            }
            if (a.kind() != DirTrust.S_IFDIR) {
                throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + target + ": " + next
                        + ": Not a directory");
            }
            check(a, next, file, me);
            current = next;
            here = a;
        }
        return current;
    }

    /** Creates {@code dir} (its parent has passed the rule), 0755 whatever the umask. */
    private static Attrs create(Path dir, Path shown, Path file, Caller me, List<Path> created) {
        try {
            Files.createDirectory(dir);
            created.add(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (FileAlreadyExistsException e) {
            // made meanwhile, by root or the caller (no one else can write the parent): looked at below
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + shown + ": " + OsErrors.reason(e));
        }
        Attrs a = Attrs.of(dir);
        if (a == null) {
            throw unsafe(file, shown + " was removed while drover created it");
        }
        return a;
    }

    private static void check(Attrs a, Path shown, Path file, Caller me) {
        String why = DirTrust.unsafe(a.uid, a.gid, a.mode, me.uids(), me.gids(), "root or the caller");
        if (why != null) {
            throw unsafe(file, shown + why);
        }
    }

    private static DroverException unsafe(Path file, String why) {
        return new DroverException(ExitCode.NO_PERMISSION, "refusing " + file + ": " + why
                + " (docs/security.md: unsafe layout)");
    }

    private static List<String> components(Path path) {
        List<String> out = new ArrayList<>();
        for (Path part : path) {
            if (!part.toString().isEmpty()) {
                out.add(part.toString());
            }
        }
        return out;
    }

    /** A name's owner, group and mode (file type included), not following a link; null if there is none. */
    private record Attrs(int uid, int gid, int mode) {
        int kind() {
            return mode & DirTrust.S_IFMT;
        }

        static Attrs of(Path p) {
            try {
                Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
                return new Attrs((Integer) a.get("uid"), (Integer) a.get("gid"), (Integer) a.get("mode"));
            } catch (java.nio.file.NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw new DroverException(ExitCode.CANT_CREATE, "cannot look at " + p + ": " + OsErrors.reason(e));
            }
        }
    }

    /** The effective uid and gid of this process: the owner of its /proc directory, on Linux. */
    private record Caller(int euid, int egid) {
        static Caller self() {
            try {
                Map<String, Object> a = Files.readAttributes(Path.of("/proc/self"), "unix:uid,gid");
                return new Caller((Integer) a.get("uid"), (Integer) a.get("gid"));
            } catch (IOException | UnsupportedOperationException e) {
                throw new DroverException(ExitCode.NO_PERMISSION, "cannot tell which user runs drover (/proc/self): "
                        + e.getMessage());
            }
        }

        Set<Integer> uids() {
            return Set.copyOf(List.of(0, euid));
        }

        Set<Integer> gids() {
            return Set.copyOf(List.of(0, egid));
        }
    }
}
