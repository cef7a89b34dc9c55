package io.drover.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The terminal drover writes to: whether standard output is one, and the width help is wrapped
 * to ({@code COLUMNS}, else the terminal's, else 80).
 */
final class Terminal {
    private Terminal() {}

    static final int DEFAULT_WIDTH = 80;
    /** Narrower than this, two columns of help no longer fit: lines are then allowed to run over. */
    static final int MINIMUM_WIDTH = 40;

    static int width() {
        Integer columns = parse(System.getenv("COLUMNS"));
        // standard output decides, as for colour: System.console() is null also when only
        // standard input is redirected, and the help was then wrapped to 80 on a wide terminal
        if (columns == null && stdoutIsTerminal()) {
            columns = ttyColumns();
        }
        return Math.max(MINIMUM_WIDTH, columns == null ? DEFAULT_WIDTH : columns);
    }

    /** {@code S_IFMT} and {@code S_IFCHR} of stat(2)'s mode. */
    private static final int FILE_TYPE = 0170000;
    private static final int CHARACTER_DEVICE = 0020000;
    /** Linux's memory devices ({@code /dev/null}, {@code /dev/zero}, {@code /dev/full}, {@code /dev/urandom}). */
    private static final long MEMORY_DEVICES_MAJOR = 1;

    /**
     * Whether standard output is a terminal, asked of standard output itself, as {@code ls}
     * does: {@code System.console()} is null also when only standard input is redirected
     * ({@code drover multi logs --all < /dev/null} at a terminal), and then a log line's escape
     * sequences went to the terminal raw. Without native code ({@code status} and {@code logs}
     * load none): the file descriptor 1 names, through {@code /proc/self/fd/1}, is a character
     * device other than a memory device. Any other character device counts as a terminal, so a
     * doubt leads to escaping, never to raw text on a screen. Where {@code /proc} cannot say,
     * {@code System.console()} decides.
     */
    static boolean stdoutIsTerminal() {
        try {
            Map<String, Object> stat = Files.readAttributes(Path.of("/proc/self/fd/1"), "unix:mode,rdev");
            if (((Integer) stat.get("mode") & FILE_TYPE) != CHARACTER_DEVICE) {
                return false;
            }
            long rdev = (Long) stat.get("rdev");
            // glibc's major(): bits 8-19 and 32-43 of the device number
            long major = (rdev >>> 8 & 0xfff) | (rdev >>> 32 & ~0xfffL);
            return major != MEMORY_DEVICES_MAJOR;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return System.console() != null;
        }
    }

    /**
     * Whether standard error is the very file standard output is (the same terminal, as at an
     * interactive shell): then a line written to both shows twice. Asked as {@link
     * #stdoutIsTerminal} is, of {@code /proc/self/fd}: the two descriptors' files' device and
     * inode ({@code fileKey}), so {@code /dev/pts/3} opened twice is one file, and a doubt (no
     * {@code /proc}) says no, which prints the line on both as before.
     */
    static boolean stderrIsStdout() {
        try {
            Object out = Files.readAttributes(Path.of("/proc/self/fd/1"), BasicFileAttributes.class).fileKey();
            Object err = Files.readAttributes(Path.of("/proc/self/fd/2"), BasicFileAttributes.class).fileKey();
            return out != null && out.equals(err);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static Integer parse(String text) {
        return text != null && text.matches("[1-9][0-9]{0,3}") ? Integer.valueOf(text) : null;
    }

    /**
     * The terminal's columns from {@code stty size} (rows, then columns), which reads the
     * terminal on its stdin: the one way to ask without native code that works on Linux and
     * the BSDs alike. Only help pays for it.
     */
    private static Integer ttyColumns() {
        try {
            Process p = new ProcessBuilder("stty", "size")
                    .redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(2, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            String[] parts = out.split("\\s+");
            return parts.length == 2 ? parse(parts[1]) : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
