package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.LogfileRefusal;
import io.drover.core.NodeProtocol;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Fcntl;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.SpawnAttribute;

/** {@link Posix} through jnr-posix: the only class that touches it. */
final class JnrPosix implements Posix {

    /** Lazy holder: jnr-posix loads when a command first needs a system call. */
    static final class Holder {
        static final JnrPosix INSTANCE = new JnrPosix(POSIXFactory.getNativePOSIX());
    }

    /** jnr-ffi's choice between generated call stubs (the default) and reflective calls. */
    private static final String ASM_PROPERTY = "jnr.ffi.asm.enabled";

    /** {@link Posix#preload}: a -D given by the operator wins. */
    static void preload() {
        if (System.getProperty(ASM_PROPERTY) == null) {
            System.setProperty(ASM_PROPERTY, "false");
        }
        Thread loader = new Thread(JnrPosix::load, "drover-posix-load");
        loader.setDaemon(true);
        loader.start();
    }

    private static void load() {
        try {
            Objects.requireNonNull(Holder.INSTANCE);
        } catch (LinkageError e) {
            // the command's own first system call meets the same error and reports it
        }
    }

    /** The instance, for the package's own native needs (pidfile creation). */
    static JnrPosix native_() {
        return Holder.INSTANCE;
    }

    /**
     * POSIX_SPAWN_SETSID as glibc and musl define it: the child starts its own session,
     * detached from our terminal. Other systems give the bit other meanings (on macOS 0x80 is
     * "start suspended"), so detaching is refused there ({@link #checkPlatform}).
     */
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final int FD_CLOEXEC = 1;
    private static final int WNOHANG = 1;
    /** lockf(3)'s "lock or fail at once". */
    private static final int F_TLOCK = 2;
    /** A logfile the node creates: its user writes, others may read (umask applies). */
    private static final int LOGFILE_MODE = 0644;

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
                                 String workdir, boolean captureOutput, String key) {
        checkPlatform();
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
            int keyFd = keyPipe(key, pipe);
            int[] output = {-1, -1};
            if (captureOutput) {
                if (posix.pipe(output) != 0) {
                    posix.close(pipe[0]);
                    posix.close(pipe[1]);
                    posix.close(keyFd);
                    throw new SpawnException(ExitCode.UNAVAILABLE, "cannot create a pipe: " + errno());
                }
                posix.fcntlInt(output[0], Fcntl.F_SETFD, FD_CLOEXEC);
                posix.fcntlInt(output[1], Fcntl.F_SETFD, FD_CLOEXEC);
            }
            Spawn spawn = new Spawn(LibCHolder.LIBC);
            spawn.open(0, "/dev/null", OpenFlags.O_RDONLY.intValue(), 0);
            String cwd = null;
            int oldUmask = -1;
            int log = -1;
            boolean spawned = false;
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
                if (captureOutput) {
                    // A node that drops privileges opens its own logfile once it is that user: root
                    // never opens a path in the user's directory (docs/security.md, S2/S3). Until
                    // then its output comes to us, for the error report.
                    spawn.dup(output[1], 1);
                } else if (logfile == null) {
                    spawn.open(1, "/dev/null", OpenFlags.O_WRONLY.intValue(), 0);
                } else {
                    // opened here, where the child would (its working directory, its umask), and
                    // checked, then handed over: the child never looks the path up again
                    log = openOwnLogfile(logfile);
                    spawn.dup(log, 1);
                }
                spawn.dup(1, 2);
                // dup2 onto fd 3 clears close-on-exec for the copy only: the child gets the
                // handshake pipe, nothing else of ours.
                spawn.dup(pipe[1], NodeProtocol.HANDSHAKE_FD);
                spawn.dup(keyFd, NodeProtocol.KEY_FD);
                int err = spawn.run(argv, envp);
                long pid = spawn.pid();
                if (err != 0) {
                    Errno e = Errno.valueOf(err);
                    throw new SpawnException(e == Errno.ENOENT || e == Errno.EACCES || e == Errno.ENOEXEC
                            ? ExitCode.UNAVAILABLE : ExitCode.CANT_CREATE,
                            "cannot run " + argv.get(0) + ": " + e.description());
                }
                spawned = true;
                return new Spawned(pid, pipe[0], output[0]);
            } finally {
                spawn.close();
                if (log >= 0) {
                    posix.close(log);
                }
                if (!spawned) {
                    posix.close(pipe[0]);
                    if (output[0] >= 0) {
                        posix.close(output[0]);
                    }
                }
                posix.close(pipe[1]);
                posix.close(keyFd);
                if (output[1] >= 0) {
                    posix.close(output[1]);
                }
                if (oldUmask >= 0) {
                    posix.umask(oldUmask);
                }
                if (cwd != null) {
                    posix.chdir(cwd);
                }
            }
        }
    }

    @Override
    public Spawned spawnHook(List<String> argv, Map<String, String> env) {
        checkPlatform();
        List<String> envp = new ArrayList<>();
        env.forEach((k, v) -> envp.add(k + "=" + v));
        synchronized (SPAWN_LOCK) {
            closeOnExecAll();
            int[] output = {-1, -1};
            if (posix.pipe(output) != 0) {
                throw new SpawnException(ExitCode.UNAVAILABLE, "cannot create a pipe: " + errno());
            }
            posix.fcntlInt(output[0], Fcntl.F_SETFD, FD_CLOEXEC);
            posix.fcntlInt(output[1], Fcntl.F_SETFD, FD_CLOEXEC);
            Spawn spawn = new Spawn(LibCHolder.LIBC);
            boolean spawned = false;
            try {
                spawn.open(0, "/dev/null", OpenFlags.O_RDONLY.intValue(), 0);
                spawn.dup(output[1], 1);
                spawn.dup(1, 2);
                int err = spawn.run(argv, envp);
                if (err != 0) {
                    throw new SpawnException(ExitCode.UNAVAILABLE, "cannot run " + argv.get(0) + ": "
                            + Errno.valueOf(err).description());
                }
                spawned = true;
                return new Spawned(spawn.pid(), -1, output[0]);
            } finally {
                spawn.close();
                // our copy of the write end: the pipe ends once the hook's processes closed theirs
                posix.close(output[1]);
                if (!spawned) {
                    posix.close(output[0]);
                }
            }
        }
    }

    /**
     * The read end of a pipe that holds {@code key} and is closed for writing: the node reads the
     * key and then end-of-file. Closes {@code handshake} on failure.
     */
    private int keyPipe(String key, int[] handshake) {
        int[] keyPipe = {-1, -1};
        byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        // a pipe holds 4 KiB at the least: the write cannot block
        if (posix.pipe(keyPipe) != 0 || posix.write(keyPipe[1], bytes, bytes.length) != bytes.length) {
            String why = errno();
            for (int fd : new int[] {keyPipe[0], keyPipe[1], handshake[0], handshake[1]}) {
                if (fd >= 0) {
                    posix.close(fd);
                }
            }
            throw new SpawnException(ExitCode.UNAVAILABLE, "cannot create a pipe: " + why);
        }
        posix.close(keyPipe[1]);
        posix.fcntlInt(keyPipe[0], Fcntl.F_SETFD, FD_CLOEXEC);
        return keyPipe[0];
    }

    /**
     * Opens a node's logfile for appending as the caller (a node that keeps our user), the way
     * root opens a file in a directory others may write, such as a sticky {@code /tmp}: never
     * through a symbolic link ({@code O_NOFOLLOW}, whatever {@code fs.protected_symlinks} says),
     * without blocking on a FIFO ({@code O_NONBLOCK}, cleared once it is known to be a regular
     * file), and only a regular file with one link that belongs to the caller or root: another
     * user's file or hard link there is theirs to read or to point at a file of ours
     * (docs/security.md, class 8).
     *
     * @return the descriptor, close-on-exec
     * @throws SpawnException exit 73 naming the logfile and why
     */
    private int openOwnLogfile(String logfile) {
        int fd = posix.open(logfile, OpenFlags.O_WRONLY.intValue() | OpenFlags.O_CREAT.intValue()
                | OpenFlags.O_APPEND.intValue() | OpenFlags.O_NOFOLLOW.intValue() | OpenFlags.O_NONBLOCK.intValue()
                | OpenFlags.O_CLOEXEC.intValue(), LOGFILE_MODE);
        if (fd < 0) {
            // a symbolic link fails with ELOOP, or with EACCES when it dangles in a sticky directory
            Errno e = Errno.valueOf(posix.errno());
            throw new SpawnException(ExitCode.CANT_CREATE, String.format(LogfileRefusal.MESSAGE, logfile,
                    e == Errno.ELOOP || Files.isSymbolicLink(Path.of(logfile)) ? LogfileRefusal.SYMLINK
                            : e == Errno.ENXIO ? LogfileRefusal.NOT_A_FILE : e.description()));
        }
        String wrong = null;
        jnr.posix.FileStat st = posix.allocateStat();
        int self = posix.geteuid();
        if (posix.fstat(fd, st) != 0) {
            wrong = errno();
        } else if (!st.isFile() && !st.isCharDev()) {
            // a character device (/dev/null, a terminal) is root's to make and never blocks
            wrong = LogfileRefusal.NOT_A_FILE;
        } else if (st.uid() != self && st.uid() != 0) {
            wrong = String.format(LogfileRefusal.ANOTHER_USERS, st.uid(), self);
        } else if (st.nlink() != 1) {
            wrong = String.format(LogfileRefusal.HARD_LINKS, st.nlink());
        } else {
            int flags = posix.fcntl(fd, Fcntl.F_GETFL);
            if (flags < 0 || posix.fcntlInt(fd, Fcntl.F_SETFL, flags & ~OpenFlags.O_NONBLOCK.intValue()) < 0) {
                wrong = errno();
            }
        }
        if (wrong != null) {
            posix.close(fd);
            throw new SpawnException(ExitCode.CANT_CREATE, String.format(LogfileRefusal.MESSAGE, logfile, wrong));
        }
        return fd;
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

    /** Detaching is known right on Linux only; elsewhere say so instead of doing something else. */
    private static void checkPlatform() {
        checkPlatform(jnr.ffi.Platform.getNativePlatform().getOS());
    }

    static void checkPlatform(jnr.ffi.Platform.OS os) {
        if (os != jnr.ffi.Platform.OS.LINUX) {
            throw new SpawnException(ExitCode.UNAVAILABLE, "detached starts are only known to be right on Linux, not "
                    + os.name().toLowerCase(java.util.Locale.ROOT) + ": run the node in the foreground"
                    + " (drover worker, as the launchd plists do)");
        }
    }

    /**
     * One posix_spawnp(3) call: a new session, every signal at its default disposition and none
     * blocked, whatever the caller had. A JVM keeps a signal ignored if it was ignored when it
     * started, so a node started from {@code nohup} or {@code &} would otherwise never see HUP
     * or INT, and one started from a shell ignoring TERM could not be stopped.
     */
    private static final class Spawn {
        private final LibC libc;
        private final jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
        private final jnr.ffi.Pointer actions = jnr.ffi.Memory.allocateDirect(runtime, 1024, true);
        private final jnr.ffi.Pointer attr = jnr.ffi.Memory.allocateDirect(runtime, 1024, true);
        private final jnr.ffi.Pointer all = jnr.ffi.Memory.allocateDirect(runtime, 256, true);
        private final jnr.ffi.Pointer none = jnr.ffi.Memory.allocateDirect(runtime, 256, true);
        private final jnr.ffi.byref.IntByReference pid = new jnr.ffi.byref.IntByReference();
        private final List<Object> keep = new ArrayList<>();

        Spawn(LibC libc) {
            this.libc = libc;
            libc.posix_spawn_file_actions_init(actions);
            libc.posix_spawnattr_init(attr);
            libc.sigfillset(all);
            libc.sigemptyset(none);
            libc.posix_spawnattr_setsigdefault(attr, all);
            libc.posix_spawnattr_setsigmask(attr, none);
            libc.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSID | SpawnAttribute.SETSIGDEF
                    | SpawnAttribute.SETSIGMASK));
        }

        void open(int fd, String path, int flags, int mode) {
            libc.posix_spawn_file_actions_addopen(actions, fd, path, flags, mode);
        }

        void dup(int fd, int to) {
            libc.posix_spawn_file_actions_adddup2(actions, fd, to);
        }

        /** Spawns; returns 0 or the error number. */
        int run(List<String> argv, List<String> envp) {
            return libc.posix_spawnp(pid, argv.get(0), actions, attr, strings(argv), strings(envp));
        }

        long pid() {
            return pid.getValue();
        }

        /** A NULL-terminated array of C strings, kept alive until {@link #close}. */
        private jnr.ffi.Pointer strings(List<String> values) {
            int size = runtime.addressSize();
            jnr.ffi.Pointer array = jnr.ffi.Memory.allocateDirect(runtime, (values.size() + 1) * size, true);
            for (int i = 0; i < values.size(); i++) {
                byte[] bytes = values.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                jnr.ffi.Pointer str = jnr.ffi.Memory.allocateDirect(runtime, bytes.length + 1, true);
                str.put(0, bytes, 0, bytes.length);
                keep.add(str);
                array.putPointer((long) i * size, str);
            }
            keep.add(array);
            return array;
        }

        void close() {
            libc.posix_spawn_file_actions_destroy(actions);
            libc.posix_spawnattr_destroy(attr);
            keep.clear();
        }
    }

    @Override
    public boolean kill(long pid, int signal) {
        return send(pid, signal, "pid " + pid);
    }

    /** kill(2) of {@code target} (a pid, or minus a group's id); false for ESRCH, {@code what} named in a failure. */
    private boolean send(long target, int signal, String what) {
        if (posix.kill((int) target, signal) == 0) {
            return true;
        }
        Errno e = Errno.valueOf(posix.errno());
        if (e == Errno.ESRCH) {
            return false;
        }
        throw new SpawnException(e == Errno.EPERM ? ExitCode.NO_PERMISSION : ExitCode.NODE_FAILED,
                "cannot signal " + what + ": " + e.description());
    }

    @Override
    public boolean killGroup(long pgid, int signal) {
        if (pgid <= 1) {
            // kill(0) and kill(-1) mean "our group" and "everyone": never a node's group
            throw new IllegalArgumentException("not a process group: " + pgid);
        }
        return send(-pgid, signal, "process group " + pgid);
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
        return ChildExit.ofWaitStatus(pid, status[0]).code();
    }

    private static final int PR_SET_CHILD_SUBREAPER = 36;
    /** pidfd_open(2)'s number, the same on x86_64 and aarch64 (the unified syscall table). */
    private static final long SYS_PIDFD_OPEN = 434;
    private static final short POLLIN = 1;

    @Override
    public boolean becomeChildSubreaper() {
        return LibCHolder.LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
    }

    @Override
    public boolean trimNativeHeap() {
        try {
            LibCHolder.LIBC.malloc_trim(0);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    @Override
    public ChildExit awaitAnyChild() {
        int[] status = new int[1];
        while (true) {
            long pid = posix.waitpid(-1, status, 0);
            if (pid > 0) {
                return ChildExit.ofWaitStatus(pid, status[0]);
            }
            Errno e = Errno.valueOf(posix.errno());
            if (e != Errno.EINTR) {
                return null; // ECHILD: no child to wait for
            }
        }
    }

    @Override
    public int openPidfd(long pid) {
        long fd = LibCHolder.LIBC.syscall(SYS_PIDFD_OPEN, pid, 0);
        if (fd >= 0) {
            posix.fcntlInt((int) fd, Fcntl.F_SETFD, FD_CLOEXEC);
        }
        return fd < 0 ? -1 : (int) fd;
    }

    @Override
    public void awaitPidfd(int pidfd) {
        byte[] fds = new byte[8];
        java.nio.ByteBuffer.wrap(fds).order(java.nio.ByteOrder.nativeOrder()).putInt(pidfd).putShort(POLLIN);
        while (true) {
            int n = LibCHolder.LIBC.poll(fds, 1, -1);
            if (n > 0 || n < 0 && Errno.valueOf(posix.errno()) != Errno.EINTR) {
                return;
            }
        }
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

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SUN_PATH = 108;

    @Override
    public boolean notifyServiceManager(String socket, String state) {
        if (socket == null || socket.isEmpty() || !(socket.startsWith("/") || socket.startsWith("@"))) {
            return false;
        }
        byte[] path = socket.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean abstractName = path[0] == '@';
        if (path.length >= SUN_PATH) {
            return false;
        }
        // struct sockaddr_un: sa_family_t in the machine's byte order, then the path; an
        // abstract name starts with a NUL byte and has no terminating one
        byte[] addr = new byte[2 + SUN_PATH];
        java.nio.ByteBuffer.wrap(addr).order(java.nio.ByteOrder.nativeOrder()).putShort((short) AF_UNIX);
        System.arraycopy(path, 0, addr, 2, path.length);
        if (abstractName) {
            addr[2] = 0;
        }
        int length = 2 + path.length + (abstractName ? 0 : 1);
        LibC libc = LibCHolder.LIBC;
        int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return false;
        }
        try {
            byte[] msg = state.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return libc.sendto(fd, msg, msg.length, 0, addr, length) == msg.length;
        } finally {
            libc.close(fd);
        }
    }

    @Override
    public void prepareDirectory(Path file, Identity owner) {
        new DirWalk(posix, LibCHolder.LIBC, owner).prepare(file);
    }

    @Override
    public void checkDirectory(Path file, Identity owner) {
        new DirWalk(posix, LibCHolder.LIBC, owner).check(file);
    }

    @Override
    public void redirectOutput(String logfile) {
        int fd = posix.open(logfile == null ? "/dev/null" : logfile, OpenFlags.O_WRONLY.intValue()
                | OpenFlags.O_CREAT.intValue() | OpenFlags.O_APPEND.intValue() | OpenFlags.O_NOFOLLOW.intValue()
                | OpenFlags.O_CLOEXEC.intValue(), LOGFILE_MODE);
        if (fd < 0) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot open logfile " + logfile + ": "
                    + (Errno.valueOf(posix.errno()) == Errno.ELOOP ? LogfileRefusal.SYMLINK : errno()));
        }
        LibC libc = LibCHolder.LIBC;
        try {
            if (libc.dup2(fd, 1) < 0 || libc.dup2(fd, 2) < 0) {
                throw new DroverException(ExitCode.CANT_CREATE, "cannot send output to " + logfile + ": " + errno());
            }
        } finally {
            libc.close(fd);
        }
    }

    /**
     * Creates {@code temp} with O_CREAT|O_EXCL|O_NOFOLLOW, gives it mode 0644 by descriptor
     * whatever the umask, writes and syncs {@code content} and takes an fcntl lock on it.
     */
    Pidfile.Lock createLocked(Path temp, byte[] content) throws IOException {
        LibC libc = LibCHolder.LIBC;
        int fd = posix.open(temp.toString(), OpenFlags.O_RDWR.intValue() | OpenFlags.O_CREAT.intValue()
                | OpenFlags.O_EXCL.intValue() | OpenFlags.O_NOFOLLOW.intValue() | OpenFlags.O_CLOEXEC.intValue(), Pidfile.MODE_BITS);
        if (fd < 0) {
            Errno e = Errno.valueOf(posix.errno());
            if (e == Errno.EEXIST) {
                throw new java.nio.file.FileAlreadyExistsException(temp.toString());
            }
            throw new IOException(e.description());
        }
        try {
            if (libc.fchmod(fd, Pidfile.MODE_BITS) != 0 || libc.lockf(fd, F_TLOCK, 0) != 0
                    || libc.write(fd, content, content.length) != content.length || libc.fsync(fd) != 0) {
                throw new IOException(errno());
            }
            return new NativeLock(libc, fd);
        } catch (IOException | RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    /** A pidfile lock held through a native descriptor; closing it releases the lock. */
    private record NativeLock(LibC libc, int fd) implements Pidfile.Lock {
        @Override
        public void close() {
            libc.close(fd);
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
