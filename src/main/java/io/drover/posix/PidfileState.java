package io.drover.posix;

/** What a pidfile says, after drover checked whether to trust it. */
public sealed interface PidfileState {

    /** No pidfile. */
    record Absent() implements PidfileState {}

    /** The node that wrote the pidfile holds its lock: pid is that node. */
    record Running(long pid) implements PidfileState {}

    /**
     * A pidfile nobody holds: its process died without removing it, or the pid now belongs to
     * someone else, or the content is not a pid. Never signalled; start replaces it.
     *
     * @param pid the pid it names, or -1 if the content is not a pid
     * @param pidAlive whether that pid is a live process (another program, since the lock is free)
     * @param reason a sentence for the user
     */
    record Stale(long pid, boolean pidAlive, String reason) implements PidfileState {}
}
