package io.drover.core;

/**
 * Why a logfile is not opened, in one place for the two that open one: the spawner, for a node
 * that keeps its user, and a node in the foreground. Both refuse what another user could have
 * put at the name in a directory others may write, such as a sticky {@code /tmp}
 * (docs/security.md, class 8).
 */
public final class LogfileRefusal {
    private LogfileRefusal() {}

    /** The logfile, then why. */
    public static final String MESSAGE = "cannot open logfile %s: %s";
    public static final String SYMLINK = "it is a symbolic link";
    public static final String NOT_A_FILE = "it is not a regular file nor a character device";
    /** The file's owner, then the writer's uid. */
    public static final String ANOTHER_USERS = "it belongs to uid %d, not to uid %d who writes it";
    /** The file's count of hard links. */
    public static final String HARD_LINKS = "it has %d hard links";
}
