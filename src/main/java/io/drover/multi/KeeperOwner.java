package io.drover.multi;

/** What a {@link Keeper} tells supervise as a whole: each called once at most. */
interface KeeperOwner {
    /** The node ran once, or never will (it was stopped or given up first). */
    void ready();

    /** The node was given up. */
    void gaveUp();
}
