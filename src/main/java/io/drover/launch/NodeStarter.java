package io.drover.launch;

import io.drover.core.Namespace;
import io.drover.posix.Identity;

/**
 * What multi asks of the parent's side of a start: {@link Launcher} on a machine, a fake in the
 * tests of multi's decisions (which node is started with what, recorded how, reported how).
 */
public interface NodeStarter {
    /** Refuses, before anything runs, what would fail the node; the user it drops to, or null. */
    Identity check(LaunchSpec spec);

    /**
     * What {@link #start} would refuse before it spawns the node, with nothing made: its
     * pidfile's and logfile's directories; {@code owner} the user it drops to, or null.
     */
    void checkFiles(LaunchSpec spec, Identity owner);

    /** The user a node drops to, looked up; null when it keeps ours. */
    Identity identity(LaunchSpec.RunAs runAs);

    /**
     * Spawns the node detached and waits until it reports ready, says why not, or dies; runs
     * {@code up} when the node's own start-up is done and its application's begins.
     */
    LaunchOutcome start(LaunchSpec spec, Runnable up);

    /** The namespace nodes are started in: the caller's node registry. */
    Namespace namespace();

    /** Runs the node in the foreground as our child and waits for its end; its exit status. */
    int runInForeground(LaunchSpec spec) throws InterruptedException;
}
