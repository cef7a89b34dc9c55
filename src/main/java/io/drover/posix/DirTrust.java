package io.drover.posix;

import java.util.Set;

/**
 * Who may write a directory on a path root uses (docs/security.md, rule 4): the one rule, for
 * {@link DirWalk}'s walk by descriptor and {@link PrivateDirectory}'s. Pure: no jnr, so a
 * command that only writes its own files need not load it.
 */
final class DirTrust {
    private DirTrust() {}

    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;
    private static final int S_IWGRP = 0020;
    private static final int S_IWOTH = 0002;
    private static final int S_ISVTX = 01000;

    /**
     * Why a directory of this owner, group and mode could be written by someone not trusted, to
     * follow its name; null when it cannot: owned by one of {@code uids}, world-writable only
     * with the sticky bit (another user cannot rename or remove the trusted users' entries in
     * it), group-writable only by one of {@code gids}.
     *
     * @param trusted who {@code uids} are, in words ("root or the caller")
     */
    static String unsafe(int uid, int gid, int mode, Set<Integer> uids, Set<Integer> gids, String trusted) {
        if (!uids.contains(uid)) {
            return " is owned by uid " + uid + ", not by " + trusted;
        }
        if ((mode & S_IWOTH) != 0 && (mode & S_ISVTX) == 0) {
            return " is writable by every user and not sticky";
        }
        if ((mode & S_IWGRP) != 0 && !gids.contains(gid)) {
            return " is writable by group " + gid;
        }
        return null;
    }

    /**
     * Whether only root or the caller ({@code euid}) can have put anything in a directory: theirs
     * and writable by no group or other user, the sticky bit or not. A symbolic link is followed
     * only in such a directory; a directory whose files root installs must be one.
     */
    static boolean strict(int uid, int mode, int euid) {
        return (uid == 0 || uid == euid) && (mode & (S_IWGRP | S_IWOTH)) == 0;
    }

    /** The words for a directory {@link #strict} refuses, to follow its name. */
    static String notStrict(int uid, int gid, int mode, int euid) {
        if (uid != 0 && uid != euid) {
            return " is owned by uid " + uid + ", not by root or the caller";
        }
        return " is writable by " + ((mode & S_IWOTH) != 0 ? "every user" : "group " + gid) + ", who could put files in it"
                + " (chmod go-w it, or use a directory of your own: mktemp -d)";
    }
}
