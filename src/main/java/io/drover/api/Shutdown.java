package io.drover.api;

/** How a node stops. */
public enum Shutdown {
    /** SIGTERM: finish the work in flight, take no new work. */
    WARM,
    /** SIGINT: abandon the work in flight and stop now. */
    COLD
}
