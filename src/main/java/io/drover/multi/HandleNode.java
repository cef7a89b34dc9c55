package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.Signals;
import io.drover.posix.PidfileState;
import io.drover.posix.Posix;
import io.drover.posix.ProcessTable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * A {@link SupervisedNode} over a {@link NodeHandle} (a fresh one, in a fresh snapshot, for each
 * start), the supervisor's {@link Reaper} for its children's ends, and a pidfd for an adopted
 * node's.
 */
final class HandleNode implements SupervisedNode {
    private final NodeSpec spec;
    private final Supplier<NodeHandle> handles;
    private final ReapingPosix posix;
    private final Reaper reaper;
    /**
     * The handle of the start under way: {@link #inspect} begins each start with a fresh one
     * (a snapshot looks the machine's nodes up once, and supervise lives long), and the rest of
     * that start uses it. Only the keeper's thread calls these.
     */
    private NodeHandle current;

    HandleNode(NodeSpec spec, Supplier<NodeHandle> handles, ReapingPosix posix, Reaper reaper) {
        this.spec = spec;
        this.handles = handles;
        this.posix = posix;
        this.reaper = reaper;
    }

    @Override
    public NodeSpec spec() {
        return spec;
    }

    private NodeHandle handle() {
        if (current == null) {
            current = handles.get();
        }
        return current;
    }

    @Override
    public PidfileState inspect() {
        current = handles.get();
        return current.inspect();
    }

    @Override
    public NodeEvent spawn(Duration startTimeout, Duration heartbeat, LongConsumer spawned) {
        return posix.telling(spawned, () -> handle().start(startTimeout, heartbeat));
    }

    @Override
    public void recordStart(String lastExit) {
        handle().recordStart(lastExit);
    }

    @Override
    public void noteExit(String how) {
        handle().noteExit(how);
    }

    @Override
    public CompletableFuture<String> childEnd(long pid) {
        // an exit of OutOfMemoryError says where its heap dump is
        return reaper.claim(pid).thenApply(exit -> OutOfMemory.describe(spec, pid, exit.describe()));
    }

    @Override
    public CompletableFuture<String> adopt(long pid) {
        int fd = posix.openPidfd(pid);
        if (fd < 0) {
            return null;
        }
        PidfileState again = handle().inspect();
        if (!(again instanceof PidfileState.Running r) || r.pid() != pid) {
            posix.close(fd);
            return null;
        }
        CompletableFuture<String> ended = new CompletableFuture<>();
        Thread watch = new Thread(() -> {
            posix.awaitPidfd(fd);
            posix.close(fd);
            String oom = OutOfMemory.dumped(spec, pid);
            ended.complete(oom != null ? oom : "ended; not our child, so its status went to its parent");
        }, "drover-watch-" + spec.nodename().full());
        watch.setDaemon(true);
        watch.start();
        return ended;
    }

    /**
     * A KILL (the stop's escalation at {@code --timeout}, a hung node's) goes to the node's whole
     * process group, as {@code multi kill}'s does, once {@code pid} is known to be the node: our
     * child not yet reaped (its pid, and so its group, cannot be another's), or the adopted node
     * its pidfile's lock still names; and only while it leads its own session.
     */
    @Override
    public void signal(long pid, int signal) {
        if (signal == Signals.KILL && isTheNode(pid) && ProcessTable.leadsSession(pid)) {
            posix.killGroup(pid, signal);
            return;
        }
        posix.kill(pid, signal);
    }

    @Override
    public void threadDump(long pid, java.util.function.Consumer<String> done) {
        Thread t = new Thread(() -> {
            String where;
            try {
                // QUIT only to the node: a pid that is no longer it may be anybody's by now
                where = isTheNode(pid) ? ThreadDump.take(spec, pid, posix) : "no thread dump: pid " + pid + " is gone";
            } catch (RuntimeException e) {
                where = "no thread dump: " + e.getMessage();
            }
            done.accept(where);
        }, "drover-dump-" + spec.nodename().full());
        t.setDaemon(true);
        t.start();
    }

    private boolean isTheNode(long pid) {
        CompletableFuture<Posix.ChildExit> child = reaper.exitOf(pid);
        if (child != null) {
            return !child.isDone();
        }
        try {
            // a fresh handle: the keeper's thread may be using its own meanwhile
            return handles.get().inspect() instanceof PidfileState.Running r && r.pid() == pid;
        } catch (DroverException e) {
            return false;
        }
    }
}
