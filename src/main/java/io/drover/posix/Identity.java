package io.drover.posix;

/**
 * The user and group a node drops to.
 *
 * @param uid the numeric user id
 * @param gid the numeric primary group id
 * @param user the login name, whose groups become the supplementary groups; null for a bare uid
 */
public record Identity(int uid, int gid, String user) {

    @Override
    public String toString() {
        return (user == null ? "uid " + uid : user + " (uid " + uid + ")") + ", gid " + gid;
    }
}
