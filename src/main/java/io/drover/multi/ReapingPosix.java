package io.drover.multi;

import io.drover.posix.Identity;
import io.drover.posix.Posix;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The system calls as supervise makes them: every child is reaped by the {@link Reaper}'s one
 * thread, so a non-blocking {@link #reap} (the spawner's, on a failed start) reads what that
 * thread collected instead of racing it for the child's status.
 */
final class ReapingPosix implements Posix {
    private final Posix posix;
    private final Reaper reaper;
    /**
     * Who is told the pid of a child this thread spawns: a keeper, whose start runs on its own
     * thread through the launcher, so that a stop during the start reaches the child.
     */
    private final ThreadLocal<LongConsumer> spawnedHere = new ThreadLocal<>();

    ReapingPosix(Posix posix, Reaper reaper) {
        this.posix = posix;
        this.reaper = reaper;
    }

    @Override
    public Spawned spawnDetached(List<String> argv, Map<String, String> env, String logfile, Integer umask,
                                 String workdir, boolean captureOutput, String key) {
        long mark = reaper.spawning();
        Spawned spawned;
        try {
            spawned = posix.spawnDetached(argv, env, logfile, umask, workdir, captureOutput, key);
        } catch (RuntimeException | Error e) {
            reaper.spawnFailed();
            throw e;
        }
        reaper.spawned(mark, spawned.pid());
        LongConsumer told = spawnedHere.get();
        if (told != null) {
            told.accept(spawned.pid());
        }
        return spawned;
    }

    /** A hook is our child as a node is: registered with the reaper, so its status is ours to read. */
    @Override
    public Spawned spawnHook(List<String> argv, Map<String, String> env) {
        long mark = reaper.spawning();
        Spawned spawned;
        try {
            spawned = posix.spawnHook(argv, env);
        } catch (RuntimeException | Error e) {
            reaper.spawnFailed();
            throw e;
        }
        reaper.spawned(mark, spawned.pid());
        return spawned;
    }

    @Override
    public boolean killGroup(long pgid, int signal) {
        return posix.killGroup(pgid, signal);
    }

    /** Runs {@code start} on this thread, telling {@code spawned} the pid of each child it spawns. */
    <T> T telling(LongConsumer spawned, Supplier<T> start) {
        spawnedHere.set(spawned);
        try {
            return start.get();
        } finally {
            spawnedHere.remove();
        }
    }

    @Override
    public Integer reap(long pid) {
        var exit = reaper.exitOf(pid);
        if (exit == null || !exit.isDone()) {
            return null;
        }
        reaper.claim(pid); // a failed start read its child's end: kept no longer
        return exit.join().code();
    }

    @Override
    public void prepareDirectory(Path file, Identity owner) {
        posix.prepareDirectory(file, owner);
    }

    @Override
    public void checkDirectory(Path file, Identity owner) {
        posix.checkDirectory(file, owner);
    }

    @Override
    public void redirectOutput(String logfile) {
        posix.redirectOutput(logfile);
    }

    @Override
    public boolean notifyServiceManager(String socket, String state) {
        return posix.notifyServiceManager(socket, state);
    }

    @Override
    public boolean kill(long pid, int signal) {
        return posix.kill(pid, signal);
    }

    @Override
    public int read(int fd, byte[] buf) {
        return posix.read(fd, buf);
    }

    @Override
    public void close(int fd) {
        posix.close(fd);
    }

    @Override
    public boolean becomeChildSubreaper() {
        return posix.becomeChildSubreaper();
    }

    @Override
    public boolean trimNativeHeap() {
        return posix.trimNativeHeap();
    }

    @Override
    public ChildExit awaitAnyChild() {
        return posix.awaitAnyChild();
    }

    @Override
    public int openPidfd(long pid) {
        return posix.openPidfd(pid);
    }

    @Override
    public void awaitPidfd(int pidfd) {
        posix.awaitPidfd(pidfd);
    }

    @Override
    public int umask(int mask) {
        return posix.umask(mask);
    }

    @Override
    public void chdir(String dir) {
        posix.chdir(dir);
    }

    @Override
    public Identity identity(String user, String group) {
        return posix.identity(user, group);
    }

    @Override
    public void become(Identity id) {
        posix.become(id);
    }
}
