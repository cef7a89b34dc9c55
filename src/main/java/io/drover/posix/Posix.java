package io.drover.posix;

import java.util.List;
import java.util.Map;

/**
 * The system calls drover makes that the JDK cannot: spawning in a new session, signals,
 * pipes, reaping. One real implementation ({@link JnrPosix}); loading it costs ~200 ms of
 * start-up, so it is created only by the commands that spawn or signal.
 */
public interface Posix {
    /** The shell's status of a process killed by signal N is this plus N ({@link #reap}). */
    int KILLED_BY_SIGNAL = 128;
    /**
     * The native implementation, loaded on first use.
     *
     * @throws io.drover.core.DroverException exit 69 when the native layer cannot load: jffi's
     *     stub comes only from the installation's {@code lib/jni} (docs/security.md, class 10),
     *     so a platform it has no stub for, or a damaged installation, says so in one line
     */
    static Posix get() {
        try {
            return JnrPosix.Holder.INSTANCE;
        } catch (LinkageError e) {
            throw new io.drover.core.DroverException(io.drover.core.ExitCode.UNAVAILABLE, String.format(NO_NATIVE_LAYER,
                    System.getProperty("jffi.boot.library.path", "lib/jni"), e), e);
        }
    }

    /** The stub's directory, then the loader's error. */
    String NO_NATIVE_LAYER = "cannot load the native layer (jnr-posix, with jffi's stub from %s): %s";

    /**
     * Starts loading the native layer on a thread of its own, for a command that is about to
     * spawn: its start-up then overlaps the command's own work (grammar, registry, pidfiles)
     * instead of coming before the first spawn. It binds libc by reflection, jnr-ffi's loader
     * without generated call stubs, which cut the whole {@code multi start} command's CPU by
     * ~18% here (docs/performance.md). For drover's own
     * commands only, never in a node JVM: a node's application may use jnr-ffi itself and keeps
     * its generated stubs.
     */
    static void preload() {
        JnrPosix.preload();
    }

    /**
     * Spawns {@code argv} detached: new session, stdin from /dev/null, stdout and stderr appended
     * to {@code logfile} (or /dev/null), the write end of a new pipe as fd {@link io.drover.core.NodeProtocol#HANDSHAKE_FD},
     * the read end of a pipe holding {@code key} and nothing more as fd
     * {@link io.drover.core.NodeProtocol#KEY_FD}, and no other inherited descriptor, with the
     * given umask and working directory. The logfile
     * is opened by this process, as the child would have, never through a symbolic link and only
     * when it is a regular file with one link that belongs to the caller or root (exit 73
     * otherwise): the one open of that path, whatever {@code fs.protected_symlinks} says.
     *
     * @param key the handshake's key (ASCII), which only the node reads
     * @param captureOutput send stdout and stderr to a second pipe instead of opening
     *     {@code logfile}: for a node that opens its logfile itself after dropping privileges
     * @return the child's pid and the read ends of the pipes
     * @throws SpawnException if the program cannot be run
     */
    Spawned spawnDetached(List<String> argv, Map<String, String> env, String logfile, Integer umask, String workdir,
                          boolean captureOutput, String key);

    /**
     * Spawns {@code argv} (a hook of supervise's: {@code /bin/sh -c CMD}) in a session of its
     * own, so that its whole process group can be ended at its deadline: stdin from /dev/null,
     * stdout and stderr to one pipe whose read end is returned, every signal at its default and
     * none blocked, no other inherited descriptor, the environment exactly {@code env}. It runs
     * as this process's user: nothing in it comes from a node's files.
     *
     * @return the child's pid and the read end of its output pipe ({@code handshakeFd} -1)
     * @throws SpawnException if it cannot be run
     */
    Spawned spawnHook(List<String> argv, Map<String, String> env);

    /**
     * Sends {@code signal} to the process group {@code pgid} ({@code kill(-pgid, signal)}); false
     * if there is no such group (ESRCH). The caller has verified the group's leader first.
     */
    boolean killGroup(long pgid, int signal);

    /**
     * Makes sure the directory {@code file} goes in exists and that nobody but root, the caller
     * and {@code owner} can write any directory on its path, creating missing directories
     * (0755, given to {@code owner}) by descriptor, never by a second look-up of a path.
     *
     * @param owner the user the node runs as; null for the caller
     * @throws io.drover.core.DroverException exit 77 for an unsafe layout, 73 if it cannot be made
     */
    void prepareDirectory(java.nio.file.Path file, Identity owner);

    /**
     * What {@link #prepareDirectory} would refuse for {@code file}, with nothing made: a step
     * that is not a directory, one that cannot be made, an unsafe layout ({@code multi dryrun}).
     *
     * @throws io.drover.core.DroverException with the code and message prepareDirectory would throw
     */
    void checkDirectory(java.nio.file.Path file, Identity owner);

    /**
     * Points this process's stdout and stderr at {@code logfile} (appending, created 0644, never
     * through a symbolic link), or at /dev/null when it is null.
     *
     * @throws io.drover.core.DroverException exit 73 if it cannot be opened
     */
    void redirectOutput(String logfile);

    /**
     * Sends {@code state} ("READY=1", "STOPPING=1"...) to the service manager at
     * {@code NOTIFY_SOCKET}, as sd_notify(3) does: one datagram on a UNIX socket.
     *
     * @return false when there is no NOTIFY_SOCKET or the datagram could not be sent
     */
    boolean notifyServiceManager(String socket, String state);

    /** Sends a signal; false if the process does not exist (ESRCH). */
    boolean kill(long pid, int signal);

    /** Reads up to {@code buf.length} bytes; 0 at end of file. Blocks. */
    int read(int fd, byte[] buf);

    void close(int fd);

    /**
     * Reaps a child without blocking.
     *
     * @return its exit status (128+N if killed by signal N), or null if it still runs or is not our child
     */
    Integer reap(long pid);

    /**
     * Makes this process a child subreaper ({@code prctl(PR_SET_CHILD_SUBREAPER)}): orphans of its
     * descendants are re-parented to it instead of to PID 1, so it can reap them.
     *
     * @return false where the kernel has no such call
     */
    boolean becomeChildSubreaper();

    /**
     * Gives the C heap's free pages back to the system ({@code malloc_trim(3)}), for a process that
     * lives on long after a burst of work: the C library otherwise keeps them, counted in its RSS.
     *
     * @return false where the C library has no such call (musl)
     */
    boolean trimNativeHeap();

    /**
     * Waits, blocking, for any child to end and reaps it ({@code waitpid(-1)}).
     *
     * @return how it ended, or null when this process has no child (ECHILD)
     */
    ChildExit awaitAnyChild();

    /**
     * A descriptor that becomes readable once {@code pid} ends ({@code pidfd_open}), for a
     * process that is not our child; -1 if it is already gone or the kernel has no pidfds.
     */
    int openPidfd(long pid);

    /** Blocks until the process behind {@code pidfd} has ended (poll(2) on it). */
    void awaitPidfd(int pidfd);

    /** How a child ended: its exit status, or the signal that killed it (0 if none). */
    record ChildExit(long pid, int status, int signal) {
        /** From a status word in waitpid's form (as {@code /proc/PID/stat}'s {@code exit_code} is, too). */
        public static ChildExit ofWaitStatus(long pid, int wstatus) {
            int signal = wstatus & 0x7f;
            return signal == 0 ? new ChildExit(pid, (wstatus >> 8) & 0xff, 0) : new ChildExit(pid, 0, signal);
        }

        /** In drover's one format for an end ({@link ExitWords}): "status 1", "signal 9". */
        public String describe() {
            return ExitWords.of(status, signal);
        }

        /** As {@link Posix#reap}: the status, or 128+N when killed by signal N. */
        public int code() {
            return signal == 0 ? status : KILLED_BY_SIGNAL + signal;
        }
    }

    /** Sets the process umask; returns the previous one. */
    int umask(int mask);

    /** Changes the process's working directory (for a node running in the foreground). */
    void chdir(String dir);

    /**
     * Resolves {@code --uid}/{@code --gid} (names or numbers). A uid alone takes the user's
     * primary group; a gid alone keeps the current user.
     *
     * @throws io.drover.core.DroverException exit 67 naming a user or group that does not exist
     */
    Identity identity(String user, String group);

    /**
     * Drops to {@code id} for good: supplementary groups from the user's groups (initgroups),
     * then real, effective and saved gid, then uid, in that order because once the uid is gone
     * the process may no longer change its groups. Verifies that root cannot be regained.
     *
     * @throws io.drover.core.DroverException exit 77 if any step is refused
     */
    void become(Identity id);

    /**
     * A spawned process, the read end of its handshake pipe, and the read end of its output
     * pipe (-1 unless the output was captured).
     */
    record Spawned(long pid, int handshakeFd, int outputFd) {}
}
