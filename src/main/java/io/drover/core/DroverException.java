package io.drover.core;

/**
 * A failure the user can act on: its message is the one line printed on stderr, its exit code
 * the process's status. No stack trace is shown for it unless {@code --verbose} is given.
 */
public class DroverException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public DroverException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public DroverException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
