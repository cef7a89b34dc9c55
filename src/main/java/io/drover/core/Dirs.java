package io.drover.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Creates the directories pidfiles and logfiles go in, as celery's CELERY_CREATE_DIRS does. */
public final class Dirs {
    private Dirs() {}

    /**
     * Creates the parent directories of {@code file} (mode 0755) if they are missing.
     *
     * @throws DroverException (exit 73) naming the directory and the OS's reason
     */
    public static void createParents(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (FileAlreadyExistsException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + dir + ": "
                    + e.getFile() + " exists and is not a directory");
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot create directory " + dir + ": "
                    + io.drover.posix.Pidfile.reason(e));
        }
    }
}
