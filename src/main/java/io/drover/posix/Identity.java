package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;

/**
 * The user and group a node drops to.
 *
 * @param uid the numeric user id
 * @param gid the numeric primary group id
 * @param user the login name, whose groups become the supplementary groups; null for a bare uid
 */
public record Identity(int uid, int gid, String user) {

    /**
     * Refuses a bare uid without {@code --gid}. A number with no passwd entry is a legitimate
     * user (containers run such uids), but it has no primary group: the node would keep the
     * caller's group, which for root is group 0, and dropping to a user while keeping root's
     * group is not a drop.
     *
     * @param uidOption {@code --uid} as given, or null
     * @param gidOption {@code --gid} as given, or null
     * @return this
     * @throws DroverException exit 67, naming the uid and the fix
     */
    public Identity requireGroup(String uidOption, String gidOption) {
        if (uidOption != null && gidOption == null && user == null) {
            throw new DroverException(ExitCode.NO_USER, "--uid " + uidOption
                    + ": no such user in the passwd database, so no group to run it with; give --gid too (a number is fine)");
        }
        return this;
    }

    @Override
    public String toString() {
        return (user == null ? "uid " + uid : user + " (uid " + uid + ")") + ", gid " + gid;
    }
}
