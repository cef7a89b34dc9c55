package io.drover.posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        Index now = Index.read();
        return now == null ? OptionalLong.empty() : now.holder(file);
    }

    /**
     * The lock table as read once, its lines by inode: {@code status --all} looks up every
     * node's pidfile in it instead of reading and searching the whole table for each node
     * (among 50 nodes the kernel writes 50 lines fifty times, and a short command runs the
     * search interpreted). {@link #holderNow} says what a table read once may answer.
     */
    static final class Index {
        /** The lines naming each inode (a line's fields are "N: KIND ... PID MAJ:MIN:INODE START END"). */
        private final Map<Long, List<String[]>> byInode = new HashMap<>();

        Index(String text) {
            int from = 0;
            while (from < text.length()) {
                int end = text.indexOf('\n', from);
                if (end < 0) {
                    end = text.length();
                }
                String[] f = fields(text, from, end);
                from = end + 1;
                if (f.length < 6) {
                    continue;
                }
                int colon = f[5].lastIndexOf(':');
                try {
                    byInode.computeIfAbsent(Long.parseLong(f[5].substring(colon + 1)), k -> new ArrayList<>(1)).add(f);
                } catch (NumberFormatException e) {
                    // not a line of the format above (a waiter's "->" shifts its fields: never a holder)
                }
            }
        }

        /** The table as the kernel gives it now; null when it cannot be read. */
        static Index read() {
            try {
                return new Index(io.drover.core.ProcFiles.text(LOCKS.toString()));
            } catch (IOException e) {
                return null;
            }
        }

        /** The holder of {@code file}'s lock by this table, as {@link LockTable#holder} says it. */
        OptionalLong holder(Pidfile.FileIdentity file) {
            List<String[]> lines = byInode.get(file.ino());
            for (int i = 0; lines != null && i < lines.size(); i++) {
                String[] f = lines.get(i);
                if (!f[1].equals("POSIX") || !sameFile(f[5], file)) {
                    continue; // a waiter ("->"), another kind of lock, or another device's inode
                }
                try {
                    long pid = Long.parseLong(f[4]);
                    if (pid > 0) {
                        return OptionalLong.of(pid);
                    }
                } catch (NumberFormatException e) {
                    // not a line of the format above
                }
            }
            return OptionalLong.empty();
        }

        /**
         * The holder of {@code file}'s lock, which {@code named} (the pidfile's pid) is expected to
         * hold: this table's answer when it is {@code named}, else the table read again. A pid held
         * the lock when this table was read and the lock is held now; only that pid letting go of
         * it while it lives, and another taking it, would make the answer old, and the caller still
         * checks that the pid is the node ({@code Pidfile.NodeCheck}). Any other answer (no holder,
         * another pid) is the kernel's word of now, as {@link LockTable#holder} gives it.
         */
        OptionalLong holderNow(Pidfile.FileIdentity file, long named) {
            OptionalLong known = holder(file);
            return known.isPresent() && known.getAsLong() == named ? known : LockTable.holder(file);
        }
    }

    /** The blank-separated fields of {@code text} from {@code from} to {@code end} (one line), without a regular expression. */
    private static String[] fields(String text, int from, int end) {
        List<String> f = new ArrayList<>(8);
        int i = from;
        while (i < end) {
            while (i < end && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < end && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                f.add(text.substring(start, i));
            }
        }
        return f.toArray(new String[0]);
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
