package io.drover.core;

import io.drover.posix.Identity;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Creates the directories pidfiles and logfiles go in, as celery's CELERY_CREATE_DIRS does. */
public final class Dirs {
    private Dirs() {}

    /** Creates the parent directories of {@code file} (mode 0755) if they are missing. */
    public static void createParents(Path file) {
        createParents(file, null, null);
    }

    /**
     * Creates the parent directories of {@code file} (mode 0755) if they are missing, and gives
     * the ones it created to {@code uid}/{@code gid} when those are not null (root starting a
     * node that drops to another user, which must then write its pidfile there).
     *
     * @throws DroverException (exit 73) naming the directory and the OS's reason
     */
    public static void createParents(Path file, Integer uid, Integer gid) {
        String who = (uid == null ? "" : "uid " + uid) + (uid != null && gid != null ? ", " : "")
                + (gid == null ? "" : "gid " + gid);
        createParents(file, uid, gid, who);
    }

    /**
     * {@link #createParents(Path, Integer, Integer)} for the user a node drops to (null: keep
     * ours); a directory that cannot be given to that user is named with the user.
     */
    public static void createParents(Path file, Identity owner) {
        if (owner == null) {
            createParents(file, null, null, null);
        } else {
            createParents(file, owner.uid(), owner.gid(), owner.toString());
        }
    }

    private static void createParents(Path file, Integer uid, Integer gid, String who) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        List<Path> created = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            created.add(0, p);
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            for (Path p : created) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                try {
                    chown(p, uid, gid);
                } catch (IOException e) {
                    // A root that cannot give away files (a user namespace mapping only root,
                    // NFS with root_squash) made directories the node could not write in: they
                    // go again, so a failed start leaves nothing behind.
                    removeAll(created);
                    throw new DroverException(ExitCode.CANT_CREATE, "cannot give directory " + p + " to " + who
                            + " (--uid/--gid): " + io.drover.posix.Pidfile.reason(e));
                }
            }
        } catch (FileAlreadyExistsException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + dir + ": "
                    + e.getFile() + " exists and is not a directory");
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + dir + ": "
                    + io.drover.posix.Pidfile.reason(e));
        }
    }

    private static void removeAll(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                // not empty or not ours: leave it, the error above is the one to report
            }
        }
    }

    /** Gives a path to uid/gid (either may be null to keep it), without native code. */
    public static void chown(Path path, Integer uid, Integer gid) throws IOException {
        if (uid != null) {
            Files.setAttribute(path, "unix:uid", uid);
        }
        if (gid != null) {
            Files.setAttribute(path, "unix:gid", gid);
        }
    }
}
