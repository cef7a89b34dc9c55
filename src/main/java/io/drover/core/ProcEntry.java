package io.drover.core;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one parser of a process's {@code /proc/PID/stat} and {@code /proc/PID/status} (and a
 * thread's {@code /proc/PID/task/TID/stat}): posix's {@code ProcessTable} and
 * {@code ProcessStats} and {@link Host} ask it, each file read once per question. In core
 * because {@link Host} needs it; pure Java, so {@code status} loads no jnr class.
 */
public final class ProcEntry {
    private ProcEntry() {}

    /**
     * {@code /proc/PID/stat}: the fields after the command name, which may hold blanks and
     * parentheses. A field is found when asked for, not by splitting the line: status looks at a
     * few fields of several files per node, and a short command runs interpreted.
     */
    public static final class Stat {
        private final String text;
        /** Where field 3 (the state) begins, or -1 when the line is not in stat's format. */
        private final int start;

        /** Where the line ends, its newline left out. */
        private final int end;

        /** A stat line as the kernel writes it (tests give their own). */
        static Stat parse(String text) {
            return new Stat(text);
        }

        private Stat(String text) {
            int close = text.lastIndexOf(')');
            int last = text.length();
            while (last > 0 && Character.isWhitespace(text.charAt(last - 1))) {
                last--;
            }
            this.text = text;
            this.end = last;
            this.start = close < 0 || close + 2 >= last ? -1 : close + 2;
        }

        /**
         * The stat file in {@code dir}, a process's ({@code /proc/PID}) or a thread's
         * ({@code /proc/PID/task/TID}).
         *
         * @throws java.nio.file.NoSuchFileException the process or thread is gone
         */
        public static Stat read(Path dir) throws IOException {
            Path stat = dir.resolve("stat");
            String text;
            try {
                text = ProcFiles.text(stat.toString());
            } catch (FileNotFoundException e) {
                // a stream says "not found" for any failed open: a process or thread that is
                // gone is told apart from one we may not read, which callers treat otherwise
                if (Files.notExists(stat, LinkOption.NOFOLLOW_LINKS)) {
                    throw new NoSuchFileException(stat.toString());
                }
                throw e;
            }
            return parse(text);
        }

        /** The process's, empty when it is gone or cannot be read. */
        public static Optional<Stat> of(long pid) {
            try {
                return Optional.of(read(Path.of("/proc", Long.toString(pid))));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** The state letter (field 3: R, S, D, Z, X...), '?' when the file is not in that format. */
        public char state() {
            return start < 0 || text.charAt(start) == ' ' ? '?' : text.charAt(start);
        }

        /** A zombie or an exiting task: for drover dead, whoever reaps it (this machine's PID 1 does not). */
        public boolean dead() {
            char s = state();
            return s == 'Z' || s == 'X' || s == 'x';
        }

        /** Whether the kernel wrote field {@code n} (some are Linux 3.5+). */
        public boolean has(int n) {
            return field(n) >= 0;
        }

        /**
         * Field {@code n} as proc(5) numbers them (3 is the state), a number.
         *
         * @throws RuntimeException when it is missing or not a number
         */
        public long number(int n) {
            int at = field(n);
            if (at < 0) {
                throw new IllegalArgumentException("no field " + n + " in stat");
            }
            int blank = text.indexOf(' ', at);
            return Long.parseLong(text.substring(at, blank < 0 || blank > end ? end : blank));
        }

        /** Where field {@code n} begins, or -1 when the line has no such field. */
        private int field(int n) {
            if (start < 0) {
                return -1;
            }
            int at = start;
            for (int i = 3; i < n; i++) {
                at = text.indexOf(' ', at) + 1;
                if (at == 0 || at >= end) {
                    return -1;
                }
            }
            return at < end ? at : -1;
        }
    }

    /** {@code /proc/PID/status}: "Name:\tvalue" lines. */
    public static final class Status {
        private final String text;

        private Status(String text) {
            this.text = text;
        }

        /** The process's, empty when it is gone or cannot be read (or off Linux). */
        public static Optional<Status> of(long pid) {
            return read("/proc/" + pid + "/status");
        }

        /**
         * This process's, through {@code /proc/self}: asking {@link ProcessHandle} for our pid
         * starts its process-reaper machinery, a thread pool's classes, which a short command
         * ({@code names}) would load for nothing.
         */
        public static Optional<Status> ours() {
            return read("/proc/self/status");
        }

        private static Optional<Status> read(String path) {
            try {
                return Optional.of(new Status(ProcFiles.text(path)));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        /** The value of the line {@code name:}, trimmed; empty when there is none (a zombie has no {@code VmRSS}). */
        public Optional<String> field(String name) {
            String key = name + ":";
            int at = text.startsWith(key) ? 0 : text.indexOf("\n" + key);
            if (at < 0) {
                return Optional.empty();
            }
            int start = at == 0 ? key.length() : at + 1 + key.length();
            int end = text.indexOf('\n', start);
            return Optional.of(text.substring(start, end < 0 ? text.length() : end).trim());
        }

        /** A size such as {@code VmRSS}'s ("53124 kB"), in bytes. */
        public Optional<Long> bytes(String name) {
            return field(name).flatMap(v -> {
                try {
                    int blank = v.indexOf(' ');
                    return Optional.of(Long.parseLong(blank < 0 ? v : v.substring(0, blank)) * 1024);
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            });
        }
    }
}
