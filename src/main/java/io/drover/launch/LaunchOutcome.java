package io.drover.launch;

/** What became of a node's start ({@link Launcher#start}). */
public sealed interface LaunchOutcome {
    /**
     * The node reported ready. {@code channel} is the read end of the handshake pipe, kept open
     * for the node's heartbeat when one was asked for; -1 otherwise.
     */
    record Ready(long pid, int channel) implements LaunchOutcome {
        public Ready(long pid) {
            this(pid, -1);
        }
    }

    /** Another live node holds the pidfile. */
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
