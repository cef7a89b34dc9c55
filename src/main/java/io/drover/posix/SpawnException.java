package io.drover.posix;

import io.drover.core.DroverException;

/** The program could not be started at all (not found, not executable, ...). */
public final class SpawnException extends DroverException {
    private static final long serialVersionUID = 1L;

    public SpawnException(int exitCode, String message) {
        super(exitCode, message);
    }
}
