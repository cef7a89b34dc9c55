package io.drover.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The width help is wrapped to: {@code COLUMNS}, else the terminal's, else 80. */
final class Terminal {
    private Terminal() {}

    static final int DEFAULT_WIDTH = 80;
    /** Narrower than this, two columns of help no longer fit: lines are then allowed to run over. */
    static final int MINIMUM_WIDTH = 40;

    static int width() {
        Integer columns = parse(System.getenv("COLUMNS"));
        if (columns == null && System.console() != null) {
            columns = ttyColumns();
        }
        return Math.max(MINIMUM_WIDTH, columns == null ? DEFAULT_WIDTH : columns);
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
