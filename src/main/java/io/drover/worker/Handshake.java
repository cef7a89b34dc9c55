package io.drover.worker;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The node's side of the start handshake. Whoever spawned the node passes the write end of a
 * pipe as a file descriptor named in {@value #ENV}; the node writes one line on it:
 * {@code READY pid}, {@code RUNNING pid} (another node holds the pidfile) or
 * {@code FAILED exitcode message[TAB trace]}. A node that dies before writing closes the pipe,
 * which the spawner sees as end-of-file at once: "OK" is never printed for a node that did not
 * say so.
 */
public final class Handshake {
    public static final String ENV = "DROVER_HANDSHAKE_FD";
    /** How long, in milliseconds, the spawner waits for the ready report; the node keeps to it too. */
    public static final String START_TIMEOUT_ENV = "DROVER_START_TIMEOUT_MS";
    /**
     * Milliseconds between heartbeats a supervisor asks for (supervise {@code --heartbeat}):
     * after {@code READY} the node keeps the pipe open and writes {@code BEAT} at that interval,
     * each time its application's {@link io.drover.api.NodeApp#alive()} answered.
     */
    public static final String HEARTBEAT_ENV = "DROVER_HEARTBEAT_MS";
    /** The longest trace sent: a deep recursion's would be megabytes, and the log has it all. */
    private static final int MAX_TRACE = 32 * 1024;

    private final FileOutputStream out;
    private boolean sent;

    private Handshake(FileOutputStream out) {
        this.out = out;
    }

    /**
     * The handshake this process was spawned with, or null if it was not spawned by drover.
     * Opened at once, while the node still has the credentials it was spawned with: after a
     * privilege drop the kernel no longer lets it open its own /proc/self/fd entries.
     */
    public static Handshake fromEnvironment() {
        String fd = System.getenv(ENV);
        if (fd == null || fd.isEmpty() || !fd.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            // Opening /dev/fd/N reaches the inherited pipe without a native call.
            return new Handshake(new FileOutputStream("/dev/fd/" + fd));
        } catch (IOException e) {
            return null;
        }
    }

    /** The spawner's start timeout, or null if it set none (0 or absent: no limit). */
    public static java.time.Duration startTimeout() {
        String ms = System.getenv(START_TIMEOUT_ENV);
        try {
            long v = ms == null ? 0 : Long.parseLong(ms);
            return v > 0 ? java.time.Duration.ofMillis(v) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public void ready(long pid) {
        send("READY " + pid);
    }

    /**
     * {@code READY pid}, then, when the spawner asked for a heartbeat, {@code BEAT} every interval
     * from a daemon thread for as long as {@code alive} answers true: an application that hangs
     * in it, or a JVM that no longer runs its threads, falls silent and its supervisor restarts it.
     */
    public void ready(long pid, java.util.function.BooleanSupplier alive) {
        long interval = heartbeatMillis();
        if (interval <= 0) {
            ready(pid);
            return;
        }
        synchronized (this) {
            if (sent) {
                return;
            }
            sent = true;
            if (!write("READY " + pid)) {
                return;
            }
        }
        Thread beat = new Thread(() -> {
            try {
                while (alive.getAsBoolean() && write("BEAT")) {
                    Thread.sleep(interval);
                }
            } catch (InterruptedException | RuntimeException e) {
                // silence is the report
            }
        }, "drover-heartbeat");
        beat.setDaemon(true);
        beat.start();
    }

    private static long heartbeatMillis() {
        try {
            String ms = System.getenv(HEARTBEAT_ENV);
            return ms == null ? 0 : Long.parseLong(ms);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private boolean write(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            return false; // the supervisor is gone
        }
    }

    public void alreadyRunning(long pid) {
        send("RUNNING " + pid);
    }

    public void failed(int exitCode, String message) {
        failed(exitCode, message, null);
    }

    /**
     * {@code FAILED exitcode message}, and when {@code cause} is not null a tab and its stack
     * trace with newlines escaped: the line stays one line, and the spawner can show the trace
     * under {@code --verbose} without reading the node's log.
     */
    public void failed(int exitCode, String message, Throwable cause) {
        String line = "FAILED " + exitCode + " " + message.replace('\n', ' ').replace('\t', ' ');
        if (cause != null) {
            line += "\t" + escape(cut(stackTrace(cause)));
        }
        send(line);
    }

    /** The text of a {@code FAILED} line after its exit code: {message, trace or null}. */
    public static String[] failure(String text) {
        int tab = text.indexOf('\t');
        return tab < 0 ? new String[] {text, null} : new String[] {text.substring(0, tab), unescape(text.substring(tab + 1))};
    }

    /** What {@code printStackTrace} prints: the frames and the {@code Caused by} chain. */
    public static String stackTrace(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private static String cut(String trace) {
        return trace.length() <= MAX_TRACE ? trace
                : trace.substring(0, MAX_TRACE) + "\n\t... (cut: the node's log has the whole trace)\n";
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 64);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> { }
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                out.append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private synchronized void send(String line) {
        if (sent) {
            return;
        }
        sent = true;
        try (out) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The spawner is gone (timed out, killed): nobody to tell.
        }
    }
}
