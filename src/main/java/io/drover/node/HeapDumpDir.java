package io.drover.node;

import io.drover.core.HeapDumps;
import io.drover.core.OsErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;

/**
 * The node's side of its heap dumps ({@link HeapDumps}): the directory its own command line
 * names ({@code -XX:HeapDumpPath=}, the one HotSpot writes into), made before the application
 * runs (HotSpot does not make it), closed to other users (a dump holds whatever the heap held),
 * and pruned to the newest {@code --heap-dump-keep} dumps, as the node's user.
 */
final class HeapDumpDir {
    private HeapDumpDir() {}

    /**
     * The directory this JVM dumps its heap into ({@link HeapDumps#dirIn}), or null. Read from
     * {@code /proc/self/cmdline}, so it is what the JVM was given, whoever computed it.
     */
    static String ofThisJvm() {
        byte[] cmdline;
        try {
            cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        } catch (IOException e) {
            return null;
        }
        return HeapDumps.dirIn(List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0")));
    }

    /**
     * As the node's user, after the drop: makes the directory if it is missing (0700) and closes
     * one made for it by root (0755, as every directory root makes for a node) to other users.
     *
     * @return null, or why it could not be made: the node runs on, without dumps (HotSpot says
     *     so in the log if one is asked for), as a dump is forensics, not the node's work
     */
    static String make(String dir) {
        Path p = Path.of(dir);
        try {
            // a directory of another user's is left as it is (EPERM): the dumps are theirs to guard
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException | UnsupportedOperationException e) {
            // missing (made below), or not ours
        }
        try {
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            return "cannot make the heap dump directory " + dir + " (--heap-dump-dir): " + OsErrors.reason(e);
        }
        return null;
    }

    /**
     * Removes all but the newest {@code keep} heap dumps in {@code dir}: regular files named as
     * HotSpot names them, looked at without following a link (a link is not a dump, and is left).
     */
    static void prune(String dir, int keep, Logger log) {
        record Dump(Path path, long modified) {}
        List<Dump> dumps = new ArrayList<>();
        // names compared as strings, not a glob: a glob compiles a regular expression at every start
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(dir))) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!name.startsWith(HeapDumps.PREFIX) || !name.endsWith(HeapDumps.SUFFIX)) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile()) {
                    dumps.add(new Dump(f, a.lastModifiedTime().toMillis()));
                }
            }
        } catch (IOException e) {
            log.warn("cannot look at the heap dumps in {}: {}", dir, OsErrors.reason(e));
            return;
        }
        dumps.sort(Comparator.comparingLong(Dump::modified).reversed());
        for (Dump d : dumps.subList(Math.min(keep, dumps.size()), dumps.size())) {
            try {
                Files.delete(d.path());
                log.info("removed the heap dump {}: --heap-dump-keep is {}", d.path(), keep);
            } catch (IOException e) {
                log.warn("cannot remove the heap dump {}: {}", d.path(), OsErrors.reason(e));
            }
        }
    }
}
