package io.drover.core;

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
                chown(p, uid, gid);
            }
        } catch (FileAlreadyExistsException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + dir + ": "
                    + e.getFile() + " exists and is not a directory");
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + dir + ": "
                    + io.drover.posix.Pidfile.reason(e));
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
