package io.drover.node;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the application writes to {@code System.out} or {@code System.err}, one log event a line
 * (logger {@code stdout} or {@code stderr}, at WARN as celery's {@code --redirect-stdouts-level}
 * defaults to WARNING), so every line of a node's log has the node's time and a source. What the
 * JVM writes to descriptors 1 and 2 itself (a crash report, {@code -Xlog}, a thread dump on
 * SIGQUIT) does not pass through {@code System.out} and stays as written.
 */
final class LineCapture extends OutputStream {
    /** A line longer than this is cut into events of this many bytes: memory stays bounded. */
    static final int MAX_LINE = 64 * 1024;

    /**
     * Set while this thread logs a captured line: should logback itself print to {@code System.out}
     * or {@code System.err} then (its status messages), that goes to the real descriptor, not
     * round again.
     */
    private static final ThreadLocal<Boolean> LOGGING = new ThreadLocal<>();

    private final Logger logger;
    private final PrintStream real;
    private final Charset charset;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    private LineCapture(String name, PrintStream real, Charset charset) {
        this.logger = LoggerFactory.getLogger(name);
        this.real = real;
        this.charset = charset;
    }

    /**
     * Points {@code System.out} and {@code System.err} at the logger; a line left without its
     * newline is logged when the JVM exits.
     */
    static synchronized void install() {
        Charset charset = Charset.defaultCharset();
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        LineCapture out = new LineCapture("stdout", realOut, charset);
        LineCapture err = new LineCapture("stderr", realErr, charset);
        System.setOut(new PrintStream(out, true, charset));
        System.setErr(new PrintStream(err, true, charset));
        Runnable restore = () -> {
            out.close();
            err.close();
        };
        // an application that calls System.exit itself: its last partial line still logged
        Runtime.getRuntime().addShutdownHook(new Thread(restore, "drover-output-flush"));
        uninstall = () -> {
            restore.run();
            System.setOut(realOut);
            System.setErr(realErr);
        };
    }

    /** Undoes {@link #install}, or null when nothing is installed. */
    private static Runnable uninstall;

    /**
     * Logs the lines not yet ended and gives {@code System.out} and {@code System.err} back, once
     * the node is done: drover's own messages after it (a failed start's line, printed by the
     * command) reach the terminal or the log as they always did, not as log events.
     */
    static synchronized void uninstall() {
        if (uninstall != null) {
            uninstall.run();
            uninstall = null;
        }
    }

    @Override
    public synchronized void write(int b) {
        if (inLogger()) {
            real.write(b);
            return;
        }
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
            if (line.size() >= MAX_LINE) {
                emit();
            }
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        if (inLogger()) {
            real.write(b, off, len);
            return;
        }
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i - start);
                emit();
                start = i + 1;
            } else if (line.size() + (i + 1 - start) >= MAX_LINE) {
                line.write(b, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        line.write(b, start, end - start);
    }

    /** The line not yet ended, if any, as one event: at exit, or when logging stops. */
    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            emit();
        }
    }

    private static boolean inLogger() {
        return LOGGING.get() != null;
    }

    private void emit() {
        int n = line.size();
        byte[] bytes = line.toByteArray();
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        String text = new String(bytes, 0, n, charset);
        line.reset();
        LOGGING.set(Boolean.TRUE);
        try {
            logger.warn(text);
        } finally {
            LOGGING.remove();
        }
    }
}
