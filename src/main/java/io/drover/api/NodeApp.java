package io.drover.api;

/**
 * An application a drover node runs. drover creates one instance per start through its public
 * no-argument constructor, calls {@link #start} once, and {@link #stop} once when the node shuts
 * down or restarts in place (SIGHUP, which then creates a fresh instance).
 *
 * <p>Contract:
 * <ul>
 * <li>{@code start} does the application's setup and starts its own threads; it returns once the
 *     application runs, or throws to say it cannot. The node is reported started ("OK" in
 *     {@code drover multi start}) when {@code start} calls {@link NodeContext#ready()} or
 *     returns normally, whichever comes first; if it throws first, the exception's message is
 *     printed as the reason the node FAILED, and the node exits.
 * <li>{@code stop(WARM)} (SIGTERM) finishes the work in flight, takes no new work, and returns
 *     when done. {@code stop(COLD)} (SIGINT) abandons work in flight and returns promptly; it may
 *     be called while a warm stop is still running, when the operator asks twice.
 * <li>The application must not call {@link System#exit}: the node removes its pidfile and
 *     exits after {@code stop} returns.
 * </ul>
 * A class with a {@code public static void main(String[])} runs too, without implementing
 * this interface: see {@code docs/apps.md}.
 */
public interface NodeApp {

    /**
     * Starts the application.
     *
     * @param context the node's name, settings, logger, and the ready signal
     * @throws Exception to refuse to start; its message reaches whoever started the node
     */
    void start(NodeContext context) throws Exception;

    /**
     * Stops the application.
     *
     * @param mode {@link Shutdown#WARM} to finish work in flight, {@link Shutdown#COLD} to abandon it
     * @throws Exception logged; the node exits anyway
     */
    void stop(Shutdown mode) throws Exception;

    /**
     * Whether the application still does its work. drover asks from one thread of its own, only
     * while the application runs: at the interval of {@code drover multi supervise --heartbeat},
     * and a few times per {@code --health-timeout} when the node serves {@code --health-port}.
     * Returning true is a heartbeat; returning false, throwing or not returning leaves the node
     * silent: supervise restarts a node silent for three intervals as hung, and {@code /live}
     * fails so an orchestrator restarts it. Answer quickly. The default answers true, so a JVM
     * whose threads no longer run is still noticed.
     *
     * @return true by default
     */
    default boolean alive() {
        return true;
    }
}
