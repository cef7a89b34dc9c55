package io.drover.core;

/**
 * What a node and whoever started it agree on, written once for both sides: the start
 * handshake (docs/design.md, "Data flow") and the mark of a ready node.
 *
 * <p>The spawner passes the write end of a pipe as file descriptor {@value #HANDSHAKE_FD}, named
 * in {@value #HANDSHAKE_FD_ENV}, and the read end of a second pipe as {@value #KEY_FD}, holding
 * a random key and nothing else. The node reads the key once, before its application's code
 * runs, and begins every line it writes with it: {@code KEY UP} once its JVM, logging and
 * pidfile are set up and its application is about to start, then one line: {@code KEY READY},
 * {@code KEY RUNNING} (another node holds the pidfile) or {@code KEY FAILED exitcode
 * message[TAB trace]}, then, when a heartbeat was asked for, {@code KEY BEAT} lines. A node that
 * dies before writing closes the pipe, which the spawner sees as end-of-file at once.
 *
 * <p>Why a key: the application runs in the node's JVM and inherits both descriptors. What it
 * writes on them without the key (it read the key pipe empty) is not the node's word and is
 * ignored, so an application cannot report itself started, failed or alive. No line names a
 * pid: which process is the node is the spawner's to know, from the spawn, verified as the
 * pidfile's lock holder (docs/security.md, class 1).
 */
public final class NodeProtocol {
    private NodeProtocol() {}

    /**
     * The descriptor the handshake pipe has in the node: the first one after stdin, stdout and
     * stderr, so the spawn can place it there without closing anything of the node's.
     */
    public static final int HANDSHAKE_FD = 3;
    /**
     * The descriptor of the key pipe's read end in the node: {@link #KEY_LENGTH} characters,
     * then end-of-file.
     */
    public static final int KEY_FD = 4;
    /** The key's length: 32 hex digits, 128 random bits. */
    public static final int KEY_LENGTH = 32;
    /** The nodename of a {@code worker} given no {@code -n}; its process is found by it too. */
    public static final String WORKER_NAME = "drover@%h";
    /** The nodename of a {@code beat} given no {@code -n}. */
    public static final String BEAT_NAME = "beat@%h";

    /** Names {@link #HANDSHAKE_FD} in a spawned node; absent in a node run by hand. */
    public static final String HANDSHAKE_FD_ENV = "DROVER_HANDSHAKE_FD";
    /** How long, in milliseconds, the spawner waits for the ready report; the node keeps to it too. */
    public static final String START_TIMEOUT_ENV = "DROVER_START_TIMEOUT_MS";
    /**
     * Milliseconds between heartbeats a supervisor asks for (supervise {@code --heartbeat}):
     * after {@code READY} the node keeps the pipe open and writes {@code BEAT} at that interval,
     * each time its application's {@code NodeApp.alive()} answered.
     */
    public static final String HEARTBEAT_ENV = "DROVER_HEARTBEAT_MS";
    /**
     * {@code DROVER_FAKEFORK=1} (celery's {@code C_FAKEFORK}): {@code --detach} and
     * {@code multi start} run each node in the foreground, its output on the terminal.
     */
    public static final String FAKEFORK_ENV = "DROVER_FAKEFORK";
    /**
     * Set to 1 by {@code multi supervise --detach} for the supervise it spawns (which then writes
     * its pidfile); never passed on to a node.
     */
    public static final String SUPERVISOR_ENV = "DROVER_DETACHED_SUPERVISOR";
    /**
     * The node's {@link Namespace}: the directory of the node registry of whoever spawned it,
     * set by the spawner ({@code multi start}, {@code restart}, {@code supervise}, {@code
     * --detach}), read back from {@code /proc/PID/environ} by {@code posix.NodeProcesses}. The
     * environment, not the command line, so that {@code multi show} prints the very argv that runs;
     * {@code /proc/PID/environ} is readable by root and by the process's own user only, who are
     * the only users whose processes can take a nodename (docs/security.md, rule 6).
     */
    public static final String NAMESPACE_ENV = "DROVER_NAMESPACE";

    /**
     * How a node shows the world it has reported ready, without a file: a parked thread of this
     * name, listed in {@code /proc/PID/task/TID/comm}; Linux keeps the first 15 bytes of a
     * thread's name.
     */
    public static final String READY_THREAD = "drover-ready";

    /** The node's start-up is done but its application's: what a start window waits for. */
    public static final String UP = "UP";
    public static final String READY = "READY";
    public static final String RUNNING = "RUNNING";
    public static final String FAILED = "FAILED";
    public static final String BEAT = "BEAT";

    /** The longest trace sent: a deep recursion's would be megabytes, and the log has it all. */
    private static final int MAX_TRACE = 32 * 1024;

    /**
     * A line as the node writes it: the key, a blank, the message. The spawner takes only what
     * follows its key ({@link #message}).
     */
    public static String line(String key, String message) {
        return key + " " + message;
    }

    /**
     * The message of a line the node wrote, or null when the line does not carry {@code key}.
     * The key is looked for anywhere in the line, its last occurrence counts: bytes the
     * application wrote without a newline before the node's line stay in front of it.
     */
    public static String message(String key, String line) {
        int at = line.lastIndexOf(key + " ");
        return at < 0 ? null : line.substring(at + key.length() + 1);
    }

    /**
     * {@code FAILED exitcode message}, and when {@code trace} is not null a tab and the trace
     * with newlines escaped: the line stays one line, and the spawner can show the trace under
     * {@code --verbose} without reading the node's log.
     */
    public static String failed(int exitCode, String message, String trace) {
        String line = FAILED + " " + exitCode + " " + message.replace('\n', ' ').replace('\t', ' ');
        return trace == null ? line : line + "\t" + escape(cut(trace));
    }

    /** The text of a {@code FAILED} line after its exit code: {message, trace or null}. */
    public static String[] failure(String text) {
        int tab = text.indexOf('\t');
        return tab < 0 ? new String[] {text, null} : new String[] {text.substring(0, tab), unescape(text.substring(tab + 1))};
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
}
