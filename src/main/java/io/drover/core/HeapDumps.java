package io.drover.core;

import java.nio.file.Path;
import java.util.List;

/**
 * A node's heap dumps on OutOfMemoryError (issue 30, item 4): the one rule for where they go,
 * which the node's command line ({@code -XX:HeapDumpPath=}), the node (which makes the directory
 * and prunes it) and the parent that saw the node end (its last exit) all follow.
 *
 * <p>HotSpot writes {@code java_pidPID.hprof} into the directory, then
 * {@code -XX:+ExitOnOutOfMemoryError} ends the JVM with status {@value #EXIT_STATUS}; the next
 * start of the node keeps the newest {@code --heap-dump-keep} and removes the others, so a
 * dump survives the restart that follows it.
 */
public final class HeapDumps {
    private HeapDumps() {}

    /** {@code --heap-dump-dir}'s default, under the logfile's directory: one directory a node. */
    public static final String DEFAULT_SUBDIR = "heapdump/%n";
    /** {@code --heap-dump-dir} values that turn the dumps off. */
    public static final List<String> OFF = List.of("", "none");
    /** {@code --heap-dump-keep}'s default. */
    public static final int DEFAULT_KEEP = 2;
    /** How a JVM run with {@code -XX:+ExitOnOutOfMemoryError} exits on its first OutOfMemoryError. */
    public static final int EXIT_STATUS = 3;
    /** The JVM option that names the directory; the last one on the command line wins. */
    public static final String PATH_OPTION = "-XX:HeapDumpPath=";
    /** What a heap dump's file name starts and ends with, the pid between ({@code java_pid1234.hprof}). */
    public static final String PREFIX = "java_pid";
    public static final String SUFFIX = ".hprof";

    /**
     * The dump directory's template: {@code given} ({@code --heap-dump-dir}), else
     * {@link #DEFAULT_SUBDIR} in the logfile's directory (made absolute here, as the launcher's
     * working directory is not the node's); null when the dumps are off, or there is no logfile
     * to put them beside.
     */
    public static String template(String given, String logfile) {
        if (given != null) {
            return OFF.contains(given) ? null : given;
        }
        if (logfile == null) {
            return null;
        }
        Path parent = Path.of(logfile).toAbsolutePath().normalize().getParent();
        return (parent == null ? "" : parent.toString()) + "/" + DEFAULT_SUBDIR;
    }

    /** {@link #template} expanded for the node's main process: the directory itself, or null. */
    public static String dir(String given, String logfile, NodeName node) {
        String t = template(given, logfile);
        return t == null ? null : Templates.expandForProcess(t, node, Templates.MAIN_PROCESS, "--heap-dump-dir");
    }

    /** The JVM options that make a node dump its heap into {@code dir} on OutOfMemoryError; none for null. */
    public static List<String> jvmOptions(String dir) {
        return dir == null ? List.of() : List.of("-XX:+HeapDumpOnOutOfMemoryError", PATH_OPTION + dir);
    }

    /**
     * The directory a JVM command line {@code argv} dumps its heap into: the last
     * {@link #PATH_OPTION} among its options (before drover's main class: what follows is the
     * node's own arguments), or null.
     */
    public static String dirIn(List<String> argv) {
        String dir = null;
        for (String arg : argv) {
            if (arg.equals(Install.MAIN_CLASS)) {
                break;
            }
            if (arg.startsWith(PATH_OPTION)) {
                dir = arg.substring(PATH_OPTION.length());
            }
        }
        return dir == null || dir.isEmpty() ? null : dir;
    }

    /** A file in {@code dir}, for {@code Posix.prepareDirectory}, which makes the directory a file goes in. */
    public static String fileIn(String dir) {
        return dir + "/" + fileName(0);
    }

    /** The file HotSpot writes for the JVM {@code pid}. */
    public static String fileName(long pid) {
        return PREFIX + pid + SUFFIX;
    }

    /** A node's last exit when it ended of OutOfMemoryError and left {@code dump}. */
    public static String words(Path dump) {
        return "out of memory, heap dump " + dump;
    }

    /** {@code --heap-dump-keep}: a count of 1 or more. */
    public static int keep(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new UsageException("--heap-dump-keep: not a count of 1 or more: '" + Printable.of(value) + "'");
    }
}
