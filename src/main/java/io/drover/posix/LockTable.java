package io.drover.posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Who holds a file's lock, in the kernel's words: {@code /proc/locks}, read without native
 * code. A pidfile's content is whatever its directory's owner wrote; the pid in the lock table
 * is the process that really holds the lock (docs/security.md, S6).
 */
final class LockTable {
    private LockTable() {}

    private static final Path LOCKS = Path.of("/proc/locks");

    /**
     * Whether the kernel publishes its lock table here (Linux). Elsewhere (a foreground node
     * on macOS) a held lock is all drover can know, as before it read the table.
     */
    static boolean available() {
        return Files.isReadable(LOCKS);
    }

    /**
     * The pid holding a POSIX (fcntl) write or read lock on the file, if the kernel lists one.
     * Lines look like {@code 1: POSIX  ADVISORY  WRITE 4242 fd:01:1311 0 EOF}; blocked waiters
     * ({@code 1: -> POSIX ...}) and open-file-description locks (pid -1) do not count.
     */
    static OptionalLong holder(Pidfile.FileIdentity file) {
        String text;
        try {
            text = io.drover.core.ProcFiles.text(LOCKS.toString());
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        // status --all looks up each node's lock in the whole table: only the lines with this
        // inode are split (a line's fields are "... MAJ:MIN:INODE START END")
        String inode = ":" + file.ino() + " ";
        for (int at = text.indexOf(inode); at >= 0; at = text.indexOf(inode, at + 1)) {
            int end = text.indexOf('\n', at);
            String line = text.substring(text.lastIndexOf('\n', at) + 1, end < 0 ? text.length() : end);
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || f[1].equals("->") || !f[1].equals("POSIX")) {
                continue;
            }
            if (sameFile(f[5], file)) {
                try {
                    long pid = Long.parseLong(f[4]);
                    if (pid > 0) {
                        return OptionalLong.of(pid);
                    }
                } catch (NumberFormatException e) {
                    // not a line of the format above
                }
            }
        }
        return OptionalLong.empty();
    }

    /** The kernel prints major and minor in hex with at least two digits; compare by value. */
    private static boolean sameFile(String field, Pidfile.FileIdentity file) {
        String[] a = field.split(":");
        if (a.length != 3) {
            return false;
        }
        try {
            return Long.parseLong(a[0], 16) == major(file.dev()) && Long.parseLong(a[1], 16) == minor(file.dev())
                    && Long.parseLong(a[2]) == file.ino();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** glibc's gnu_dev_major: the device number's major part. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    /** glibc's gnu_dev_minor. */
    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }
}
