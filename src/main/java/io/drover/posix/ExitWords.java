package io.drover.posix;

import io.drover.core.Signals;

/**
 * How drover words a node's end, wherever it shows it ({@code status}'s "last exit", the node
 * registry, {@code multi supervise}): one format, so a record written by one command reads the
 * same in another. Numbers only, no signal names: {@code status} words a zombie's end, and a
 * signal's name would load jnr's table ({@code status} loads no jnr class).
 */
public final class ExitWords {
    private ExitWords() {}

    /** "status 1" for an exit, "signal 9" for a death by signal (then {@code status} is not used). */
    public static String of(int status, int signal) {
        return signal == 0 ? "status " + status : "signal " + signal;
    }

    /** {@link #of} of a status word in waitpid's form (as {@code /proc/PID/stat}'s {@code exit_code} is). */
    public static String ofWaitStatus(int wstatus) {
        return Posix.ChildExit.ofWaitStatus(0, wstatus).describe();
    }

    /**
     * A node that ended after drover sent it {@code signal}, when its status went to its parent
     * rather than to drover: "after TERM from drover". The signal's name is known here: the
     * command that sent it already loaded the native layer.
     */
    public static String afterSignalFromDrover(int signal) {
        return "after " + Signals.name(signal) + " from drover";
    }
}
