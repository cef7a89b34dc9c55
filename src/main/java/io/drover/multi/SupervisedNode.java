package io.drover.multi;

import io.drover.posix.PidfileState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * The operations supervise's {@link Keeper} needs of its one node, and nothing else: the
 * keeper decides, this acts. The real one ({@link HandleNode}) goes through a {@link NodeHandle}: the start
 * window, node checks and registry; the keeper's unit tests use a fake. Each method may block
 * (a start, a pidfile read) and is called from the keeper's own thread, never under its monitor,
 * except {@link #signal}, which the keeper sends under its monitor so that a signal and the state
 * it belongs to cannot be told apart by another thread.
 */
interface SupervisedNode {

    /** The node kept. */
    NodeSpec spec();

    /**
     * The node's pidfile as it is now, its holder checked against the node (its nodename, its
     * user) as a stop would check it.
     *
     * @throws io.drover.core.DroverException when the pidfile cannot be read safely (the keeper
     *     counts that as a failed start, with the exception's message as the reason)
     */
    PidfileState inspect();

    /**
     * Starts the node as {@code start} does, through the cluster's start window, reporting and
     * recording nothing. Blocks until the node reported ready, failed, or the window ran out.
     *
     * @param heartbeat the interval the node beats at on its handshake pipe; null for none
     * @param spawned told the child's pid as soon as it is spawned, before it is ready (on this
     *     thread), so that a stop asked during the start can reach it
     * @return {@link NodeEvent.Started} (its {@code heartbeat} reader set when {@code heartbeat}
     *     is), {@link NodeEvent.AlreadyRunning} (a live node holds the pidfile) or
     *     {@link NodeEvent.Failed}; never anything else, never throws for the node's own failure
     */
    NodeEvent spawn(Duration startTimeout, Duration heartbeat, LongConsumer spawned);

    /**
     * Records a start in the node registry: one restart more than its record says, and
     * {@code lastExit} (how it last ended, as {@link #childEnd} and {@link #adopt} say it; null
     * to keep what the record says). A failure to write is reported as a
     * {@link NodeEvent.Warning}, not thrown.
     */
    void recordStart(String lastExit);

    /** Keeps how the node ended in its record, when it was stopped and stays down (its next start would say it too late). */
    void noteExit(String how);

    /**
     * The end of a child {@link #spawn} started ({@code pid} is its {@link NodeEvent.Started#pid}):
     * completes once, with how it ended ("signal 9", "status 0"). Asked once per start,
     * right after it; the child's exit is not kept for anyone after that.
     */
    CompletableFuture<String> childEnd(long pid);

    /**
     * Watches a node that runs and is not this process's child (adoption): completes with how it
     * ended, as far as a non-parent can tell. Opens a pidfd on {@code pid} first, then checks
     * that the pidfile still names {@code pid} (as {@link #inspect}), so the pid cannot have gone
     * to another process in between.
     *
     * @return null when it cannot be watched: it ended, or its pidfile changed, meanwhile
     */
    CompletableFuture<String> adopt(long pid);

    /**
     * Sends {@code signal} to the node's process {@code pid}.
     *
     * @throws io.drover.core.DroverException when it may not be signalled (the keeper reports its
     *     message as a {@link NodeEvent.Warning})
     */
    void signal(long pid, int signal);

    /**
     * Asks the node's process {@code pid} for a thread dump (SIGQUIT, to it alone) and waits for
     * it with a deadline, off the caller's thread (it takes seconds, and the keeper asks under its
     * monitor); then tells {@code done} where the dump is, or why there is none, in words. Never
     * throws: a dump is a courtesy before a kill, never a condition of it.
     */
    void threadDump(long pid, java.util.function.Consumer<String> done);
}
