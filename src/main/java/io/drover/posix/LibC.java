package io.drover.posix;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The libc calls jnr-posix does not wrap, bound through jnr-ffi (which jnr-posix brings). Only
 * the {@code posix} package uses it.
 */
public interface LibC {
    int initgroups(String user, int group);

    int setgroups(long size, int[] list);

    int setresuid(int ruid, int euid, int suid);

    int setresgid(int rgid, int egid, int sgid);

    /** Opens {@code path} relative to the directory {@code dirfd}: no look-up above it. */
    int openat(int dirfd, String path, int flags, int mode);

    int mkdirat(int dirfd, String path, int mode);

    /** With {@code AT_REMOVEDIR} (0x200), rmdir relative to {@code dirfd}. */
    int unlinkat(int dirfd, String path, int flags);

    long readlinkat(int dirfd, String path, @Out byte[] buf, long size);

    /** An fcntl (POSIX record) lock, as {@code java.nio} takes them: {@code F_TLOCK} is 2. */
    int lockf(int fd, int cmd, long len);

    int fchmod(int fd, int mode);

    int fchown(int fd, int uid, int gid);

    int dup2(int oldfd, int newfd);

    int close(int fd);

    /** glibc's: releases free memory at the top of the heap and in its arenas; 1 if any was. */
    int malloc_trim(long pad);

    long write(int fd, @In byte[] buf, long count);

    int fsync(int fd);

    // posix_spawn(3) with the attributes jnr-posix does not support (signal defaults, mask).
    // Each returns an error number rather than setting errno.

    int posix_spawnp(@Out jnr.ffi.byref.IntByReference pid, String file, jnr.ffi.Pointer fileActions,
                     jnr.ffi.Pointer attr, jnr.ffi.Pointer argv, jnr.ffi.Pointer envp);

    int posix_spawnattr_init(jnr.ffi.Pointer attr);

    int posix_spawnattr_destroy(jnr.ffi.Pointer attr);

    int posix_spawnattr_setflags(jnr.ffi.Pointer attr, short flags);

    int posix_spawnattr_setsigdefault(jnr.ffi.Pointer attr, jnr.ffi.Pointer set);

    int posix_spawnattr_setsigmask(jnr.ffi.Pointer attr, jnr.ffi.Pointer set);

    int sigfillset(jnr.ffi.Pointer set);

    int sigemptyset(jnr.ffi.Pointer set);

    int posix_spawn_file_actions_init(jnr.ffi.Pointer actions);

    int posix_spawn_file_actions_destroy(jnr.ffi.Pointer actions);

    int posix_spawn_file_actions_addopen(jnr.ffi.Pointer actions, int fd, String path, int oflag, int mode);

    int posix_spawn_file_actions_adddup2(jnr.ffi.Pointer actions, int fd, int newfd);

    // sd_notify(3)'s datagram, without libsystemd.

    int socket(int domain, int type, int protocol);

    long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] addr, int addrlen);

    // supervise: child subreaper, pidfds for processes that are not our children

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    long syscall(long number, long arg1, long arg2);

    /** {@code fds} is an array of struct pollfd (int fd, short events, short revents). */
    int poll(@In @Out byte[] fds, long nfds, int timeout);
}
