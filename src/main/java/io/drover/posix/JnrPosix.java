package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Fcntl;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.SpawnAttribute;
import jnr.posix.SpawnFileAction;

/** {@link Posix} through jnr-posix: the only class that touches it. */
final class JnrPosix implements Posix {

    /** Lazy holder: jnr-posix loads when a command first needs a system call. */
    static final class Holder {
        static final Posix INSTANCE = new JnrPosix(POSIXFactory.getNativePOSIX());
    }

    /** glibc's POSIX_SPAWN_SETSID: the child starts its own session, detached from our terminal. */
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final int FD_CLOEXEC = 1;
    private static final int WNOHANG = 1;

    /**
     * Spawning is serialized: between marking every descriptor close-on-exec and the spawn, no
     * other thread may create a pipe another child would inherit (a leaked write end would keep a
     * handshake from ever seeing end-of-file), and umask and working directory are per process.
     */
    private static final Object SPAWN_LOCK = new Object();

    private final POSIX posix;

    private JnrPosix(POSIX posix) {
        this.posix = posix;
    }

    @Override
    public Spawned spawnDetached(List<String> argv, Map<String, String> env, String logfile, Integer umask,
                                 String workdir) {
        List<String> envp = new ArrayList<>();
        env.forEach((k, v) -> envp.add(k + "=" + v));
        synchronized (SPAWN_LOCK) {
            closeOnExecAll();
            int[] pipe = new int[2];
            if (posix.pipe(pipe) != 0) {
                throw new SpawnException(ExitCode.UNAVAILABLE, "cannot create a pipe: " + errno());
            }
            posix.fcntlInt(pipe[0], Fcntl.F_SETFD, FD_CLOEXEC);
            posix.fcntlInt(pipe[1], Fcntl.F_SETFD, FD_CLOEXEC);
            List<SpawnFileAction> actions = List.of(
                    SpawnFileAction.open("/dev/null", 0, OpenFlags.O_RDONLY.intValue(), 0),
                    SpawnFileAction.open(logfile == null ? "/dev/null" : logfile, 1,
                            OpenFlags.O_WRONLY.intValue() | OpenFlags.O_CREAT.intValue() | OpenFlags.O_APPEND.intValue(),
                            0644),
                    SpawnFileAction.dup(1, 2),
                    // dup2 onto fd 3 clears close-on-exec for the copy only: the child gets the
                    // handshake pipe, nothing else of ours.
                    SpawnFileAction.dup(pipe[1], 3));
            String cwd = null;
            int oldUmask = -1;
            try {
                if (workdir != null) {
                    cwd = posix.getcwd();
                    if (posix.chdir(workdir) != 0) {
                        throw new SpawnException(ExitCode.CANT_CREATE, "cannot change to working directory "
                                + workdir + ": " + errno());
                    }
                }
                if (umask != null) {
                    oldUmask = posix.umask(umask);
                }
                long pid = posix.posix_spawnp(argv.get(0), actions,
                        List.of(SpawnAttribute.flags(POSIX_SPAWN_SETSID)), argv, envp);
                if (pid <= 0) {
                    Errno e = Errno.valueOf(posix.errno());
                    posix.close(pipe[0]);
                    throw new SpawnException(e == Errno.ENOENT || e == Errno.EACCES || e == Errno.ENOEXEC
                            ? ExitCode.UNAVAILABLE : ExitCode.CANT_CREATE,
                            "cannot run " + argv.get(0) + ": " + e.description());
                }
                return new Spawned(pid, pipe[0]);
            } finally {
                posix.close(pipe[1]);
                if (oldUmask >= 0) {
                    posix.umask(oldUmask);
                }
                if (cwd != null) {
                    posix.chdir(cwd);
                }
            }
        }
    }

    /** Marks every open descriptor above stderr close-on-exec; the JVM opens its jars without it. */
    private void closeOnExecAll() {
        Path fdDir = Path.of(Files.isDirectory(Path.of("/proc/self/fd")) ? "/proc/self/fd" : "/dev/fd");
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path p : fds) {
                int fd = Integer.parseInt(p.getFileName().toString());
                if (fd > 2) {
                    posix.fcntlInt(fd, Fcntl.F_SETFD, FD_CLOEXEC);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new SpawnException(ExitCode.SOFTWARE, "cannot list open descriptors in " + fdDir + ": " + e);
        }
    }

    @Override
    public boolean kill(long pid, int signal) {
        if (posix.kill((int) pid, signal) == 0) {
            return true;
        }
        Errno e = Errno.valueOf(posix.errno());
        if (e == Errno.ESRCH) {
            return false;
        }
        throw new SpawnException(e == Errno.EPERM ? ExitCode.NO_PERMISSION : ExitCode.NODE_FAILED,
                "cannot signal pid " + pid + ": " + e.description());
    }

    @Override
    public int read(int fd, byte[] buf) {
        while (true) {
            int n = posix.read(fd, buf, buf.length);
            if (n >= 0) {
                return n;
            }
            if (Errno.valueOf(posix.errno()) != Errno.EINTR) {
                return 0;
            }
        }
    }

    @Override
    public void close(int fd) {
        posix.close(fd);
    }

    @Override
    public Integer reap(long pid) {
        int[] status = new int[1];
        long r = posix.waitpid(pid, status, WNOHANG);
        if (r != pid) {
            return null;
        }
        int s = status[0];
        int termsig = s & 0x7f;
        return termsig == 0 ? (s >> 8) & 0xff : 128 + termsig;
    }

    @Override
    public int umask(int mask) {
        return posix.umask(mask);
    }

    @Override
    public void chdir(String dir) {
        if (posix.chdir(dir) != 0) {
            throw new SpawnException(ExitCode.CANT_CREATE, "cannot change to working directory " + dir + ": " + errno());
        }
    }

    @Override
    public Identity identity(String user, String group) {
        Integer uid = null;
        Integer gid = null;
        String name = null;
        if (user != null) {
            jnr.posix.Passwd pw = isNumber(user) ? posix.getpwuid(Integer.parseInt(user)) : posix.getpwnam(user);
            if (pw == null && !isNumber(user)) {
                throw new DroverException(ExitCode.NO_USER, "--uid " + user + ": no such user");
            }
            uid = pw == null ? Integer.parseInt(user) : (int) pw.getUID();
            name = pw == null ? null : pw.getLoginName();
            gid = pw == null ? null : (int) pw.getGID();
        }
        if (group != null) {
            jnr.posix.Group gr = isNumber(group) ? posix.getgrgid(Integer.parseInt(group)) : posix.getgrnam(group);
            if (gr == null && !isNumber(group)) {
                throw new DroverException(ExitCode.NO_USER, "--gid " + group + ": no such group");
            }
            gid = gr == null ? Integer.parseInt(group) : (int) gr.getGID();
        }
        if (uid == null) {
            uid = posix.geteuid();
            jnr.posix.Passwd self = posix.getpwuid(uid);
            name = self == null ? null : self.getLoginName();
        }
        if (gid == null) {
            gid = posix.getegid();
        }
        return new Identity(uid, gid, name);
    }

    @Override
    public void become(Identity id) {
        LibC libc = LibCHolder.LIBC;
        if (posix.geteuid() == 0) {
            int groups = id.user() != null ? libc.initgroups(id.user(), id.gid()) : libc.setgroups(1, new int[] {id.gid()});
            if (groups != 0) {
                throw refused("set the supplementary groups of " + id);
            }
        }
        if (libc.setresgid(id.gid(), id.gid(), id.gid()) != 0) {
            throw refused("change group to gid " + id.gid());
        }
        if (libc.setresuid(id.uid(), id.uid(), id.uid()) != 0) {
            throw refused("change user to " + id);
        }
        if (id.uid() != 0 && (libc.setresuid(-1, 0, -1) == 0 || posix.getuid() != id.uid() || posix.geteuid() != id.uid())) {
            throw new DroverException(ExitCode.NO_PERMISSION, "dropped to " + id + " but root could be regained; refusing to run");
        }
    }

    private DroverException refused(String what) {
        return new DroverException(ExitCode.NO_PERMISSION, "cannot " + what + ": "
                + Errno.valueOf(jnr.ffi.Runtime.getSystemRuntime().getLastError()).description());
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    /** libc through jnr-ffi, bound on first use. */
    private static final class LibCHolder {
        static final LibC LIBC = jnr.ffi.LibraryLoader.create(LibC.class).load("c");
    }

    private String errno() {
        return Errno.valueOf(posix.errno()).description();
    }
}
