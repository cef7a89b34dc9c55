package io.drover.api;

import java.util.List;
import org.slf4j.Logger;

/** What a node tells its application. Valid from {@link NodeApp#start} until the node exits. */
public interface NodeContext {

    /** The full node name, {@code drover1@host}. */
    String nodename();

    /** The part before {@code @}: {@code drover1}. */
    String name();

    /** {@code -c}: how many jobs the application should run at once (default: the number of CPUs). */
    int concurrency();

    /** {@code -Q}: the queues to consume, in order; empty when none were given. */
    List<String> queues();

    /** The arguments after {@code --} on the worker's command line. */
    List<String> args();

    /** The node's logger: it writes to the node's logfile at the node's log level. */
    Logger logger();

    /**
     * Says the application is ready; the node then reports itself started. Calling it more than
     * once, or after {@link NodeApp#start} returned, does nothing.
     */
    void ready();
}
