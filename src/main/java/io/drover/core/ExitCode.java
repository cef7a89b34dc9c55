package io.drover.core;

/**
 * Every exit status drover returns, in one place: sysexits(3) for the commands, LSB for
 * {@code status}. Scripts and init systems read these, so they never change meaning.
 */
public final class ExitCode {
    private ExitCode() {}

    public static final int OK = 0;
    /** A node failed: it did not start, a stop timed out, a signal could not be delivered. */
    public static final int NODE_FAILED = 1;
    /** EX_USAGE: the command line is wrong. */
    public static final int USAGE = 64;
    /** EX_NOUSER: a user or group named on the command line does not exist. */
    public static final int NO_USER = 67;
    /** EX_UNAVAILABLE: a program drover needs (java) cannot be run. */
    public static final int UNAVAILABLE = 69;
    /** EX_SOFTWARE: an internal error; a bug in drover or in the application. */
    public static final int SOFTWARE = 70;
    /** EX_CANTCREAT: a pidfile, logfile or directory cannot be created. */
    public static final int CANT_CREATE = 73;
    /** EX_TEMPFAIL: a node did not answer in time. */
    public static final int TEMPFAIL = 75;
    /** EX_NOPERM: refused for lack of permission (root policy, privilege drop). */
    public static final int NO_PERMISSION = 77;

    /** LSB status: every node runs. */
    public static final int STATUS_RUNNING = 0;
    /** LSB status: a node is dead but its pidfile exists. */
    public static final int STATUS_DEAD_PIDFILE = 1;
    /** LSB status: not running. */
    public static final int STATUS_NOT_RUNNING = 3;
}
