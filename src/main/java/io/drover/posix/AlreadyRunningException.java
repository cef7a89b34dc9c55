package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.nio.file.Path;

/** A live node holds the pidfile; starting another would make two. */
public final class AlreadyRunningException extends DroverException {
    private static final long serialVersionUID = 1L;
    private final long pid;

    public AlreadyRunningException(Path pidfile, long pid) {
        super(ExitCode.NODE_FAILED, "already running (pid " + pid + ", pidfile " + pidfile + ")");
        this.pid = pid;
    }

    public long pid() {
        return pid;
    }
}
