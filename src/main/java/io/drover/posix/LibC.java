package io.drover.posix;

/**
 * The libc calls jnr-posix does not wrap, bound through jnr-ffi (which jnr-posix brings). Only
 * {@link JnrPosix} uses it.
 */
public interface LibC {
    int initgroups(String user, int group);

    int setgroups(long size, int[] list);

    int setresuid(int ruid, int euid, int suid);

    int setresgid(int rgid, int egid, int sgid);
}
