package io.drover.cli;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.multi.ClusterListener;
import io.drover.multi.DetachedSupervisor;
import io.drover.multi.NodeEvent;
import io.drover.multi.NodeSpec;
import io.drover.posix.Posix;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code multi supervise --detach} (and {@code multi start --supervise}): hands the nodes to
 * this registry's detached supervisor, spawning it when none runs, and reports each node as
 * {@code start} does, once its first start under the supervisor is over.
 */
final class SupervisorDetach {
    private SupervisorDetach() {}

    /** Told when the supervisor already runs and supervise options were given with the new nodes. */
    static final String OPTIONS_KEPT = "drover: warning: the supervisor (pid %d) keeps the supervise options it was"
            + " started with: %s ignored (stop it to change them)";
    /** The line after the nodes': who watches them now, and where it writes. */
    static final String WATCHED = "> Supervised by pid %d (log: %s)";

    /**
     * @param args the command line's tokens but {@code --detach} and {@code --supervisor-log}:
     *     what the supervisor is started with, or what it is handed
     * @param log {@code --supervisor-log}, or null for the registry's {@code supervisor.log}
     * @param superviseOptions the supervise options given, which only a new supervisor reads
     */
    static int run(Host host, List<NodeSpec> nodes, List<String> args, String log, Duration startTimeout,
                   Set<String> superviseOptions, Output output) {
        Path registry = Path.of(host.registryDir());
        Path logfile = log != null ? Path.of(log).toAbsolutePath() : registry.resolve(DetachedSupervisor.LOG);
        DetachedSupervisor.checkStart(host, nodes);
        long pid;
        FileChannel turn = DetachedSupervisor.turn(registry);
        try {
            Optional<Long> running = DetachedSupervisor.running(registry);
            if (running.isPresent()) {
                pid = running.get();
                java.util.List<String> ignored = new java.util.ArrayList<>(superviseOptions);
                if (log != null) {
                    ignored.add(SuperviseCommand.SUPERVISOR_LOG);
                }
                if (!ignored.isEmpty() && !output.quiet) {
                    output.err.println(String.format(OPTIONS_KEPT, pid, String.join(", ", ignored)));
                }
                DetachedSupervisor.add(registry, pid, args);
            } else {
                pid = DetachedSupervisor.spawn(Posix.get(), registry, args, logfile);
            }
        } finally {
            try {
                turn.close(); // the next --detach of this registry may go on
            } catch (java.io.IOException e) {
                // released as we exit anyway
            }
        }
        ClusterListener listener = output.json ? new JsonReporter(output) : new TerminalReporter(output);
        listener.phase("Starting nodes", nodes);
        long supervisor = pid;
        // one waiting thread a node: the common pool may be a single thread on a small machine
        java.util.concurrent.ExecutorService waits = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "drover-await");
            t.setDaemon(true);
            return t;
        });
        List<CompletableFuture<Boolean>> outcomes = nodes.stream().map(n -> CompletableFuture.supplyAsync(() -> {
            NodeEvent event;
            try {
                event = new NodeEvent.Started(DetachedSupervisor.await(registry, supervisor, n.nodename().full(),
                        startTimeout, logfile), null, null);
            } catch (DroverException e) {
                event = new NodeEvent.Failed(e.exitCode(), e.getMessage(), null);
            }
            listener.node(n, event);
            return event instanceof NodeEvent.Started;
        }, waits)).toList();
        boolean all = outcomes.stream().map(CompletableFuture::join).reduce(true, Boolean::logicalAnd);
        waits.shutdown();
        listener.finish();
        if (!output.quiet && !output.json) {
            output.out.println(String.format(WATCHED, pid, logfile));
        }
        return all ? ExitCode.OK : ExitCode.NODE_FAILED;
    }
}
