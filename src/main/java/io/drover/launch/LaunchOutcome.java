package io.drover.launch;

/** What became of a node's start ({@link Launcher#start}). */
public sealed interface LaunchOutcome {
    /**
     * The node reported ready; {@code pid} is the process spawned, which holds the pidfile.
     * {@code heartbeat} reads the node's heartbeat when one was asked for; null otherwise.
     */
    record Ready(long pid, HandshakeReader heartbeat) implements LaunchOutcome {
        public Ready(long pid) {
            this(pid, null);
        }
    }

    /** Another live node holds the pidfile: {@code pid} is its holder, as the lock table says. */
    record AlreadyRunning(long pid) implements LaunchOutcome {}

    /**
     * The node did not start; {@code reason} is the node's own words when it had any, and
     * {@code trace} the stack trace the node sent with them (null when there is none).
     */
    record Failed(int exitCode, String reason, String trace) implements LaunchOutcome {
        public Failed(int exitCode, String reason) {
            this(exitCode, reason, null);
        }
    }
}
