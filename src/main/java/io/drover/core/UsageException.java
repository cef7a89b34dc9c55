package io.drover.core;

/** The command line is wrong (exit 64); the message says what and where. */
public class UsageException extends DroverException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(ExitCode.USAGE, message);
    }
}
