package io.drover.cli;

import io.drover.core.DroverException;

/**
 * A node this command spawned did not start: its reason is the message, and {@link #trace} is
 * the stack trace the node sent over the handshake (what the application threw), which
 * {@code --verbose} prints instead of this JVM's own frames.
 */
final class NodeFailedException extends DroverException {
    private static final long serialVersionUID = 1L;
    private final String trace;

    NodeFailedException(int exitCode, String message, String trace) {
        super(exitCode, message);
        this.trace = trace;
    }

    /** The node's stack trace, or null when it sent none. */
    String trace() {
        return trace;
    }
}
