package io.drover.multi;

import io.drover.posix.Pidfile;
import io.drover.posix.PidfileState;
import io.drover.posix.Posix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A {@link SupervisedNode} over {@link Cluster}'s package-private start, check and record, the
 * supervisor's {@link Reaper} for its children's ends, and a pidfd for an adopted node's.
 */
final class ClusterNode implements SupervisedNode {
    private final NodeSpec spec;
    private final List<String> argv;
    private final Supplier<Cluster> clusters;
    private final Posix posix;
    private final Reaper reaper;
    /**
     * The cluster of the start under way: {@link #inspect} begins each start with a fresh one
     * (a Cluster looks the machine's nodes up once, and supervise lives long), and the rest of
     * that start uses it. Only the keeper's thread calls these.
     */
    private Cluster current;

    ClusterNode(NodeSpec spec, Supplier<Cluster> clusters, Posix posix, Reaper reaper) {
        this.spec = spec;
        this.argv = NodeCommand.argv(spec);
        this.clusters = clusters;
        this.posix = posix;
        this.reaper = reaper;
    }

    @Override
    public NodeSpec spec() {
        return spec;
    }

    private Cluster cluster() {
        if (current == null) {
            current = clusters.get();
        }
        return current;
    }

    @Override
    public PidfileState inspect() {
        current = clusters.get();
        return Pidfile.inspect(Path.of(spec.pidfile()), current.check(spec));
    }

    @Override
    public NodeEvent spawn(Duration startTimeout, Duration heartbeat) {
        return cluster().spawnSupervised(spec, argv, startTimeout, heartbeat);
    }

    @Override
    public void recordStart(String lastExit) {
        cluster().remember(spec, argv, lastExit);
    }

    @Override
    public CompletableFuture<String> childEnd(long pid) {
        return reaper.claim(pid).thenApply(Posix.ChildExit::describe);
    }

    @Override
    public CompletableFuture<String> adopt(long pid) {
        int fd = posix.openPidfd(pid);
        if (fd < 0) {
            return null;
        }
        PidfileState again = Pidfile.inspect(Path.of(spec.pidfile()), cluster().check(spec));
        if (!(again instanceof PidfileState.Running r) || r.pid() != pid) {
            posix.close(fd);
            return null;
        }
        CompletableFuture<String> ended = new CompletableFuture<>();
        Thread watch = new Thread(() -> {
            posix.awaitPidfd(fd);
            posix.close(fd);
            ended.complete("ended; not our child, so its status went to its parent");
        }, "drover-watch-" + spec.nodename().full());
        watch.setDaemon(true);
        watch.start();
        return ended;
    }

    @Override
    public void signal(long pid, int signal) {
        posix.kill(pid, signal);
    }
}
