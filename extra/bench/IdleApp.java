import io.drover.api.NodeApp;
import io.drover.api.NodeContext;
import io.drover.api.Shutdown;

/**
 * An idle drover application for bench.sh: ready as soon as it starts, runs nothing, stops at
 * once. The counterpart of benchapp.py's idle Celery node (the built-in demo application is
 * never idle: it runs 1-s jobs, and a warm shutdown waits for the one in flight).
 */
public final class IdleApp implements NodeApp {
    @Override
    public void start(NodeContext context) {
        context.ready();
    }

    @Override
    public void stop(Shutdown mode) {
        // nothing in flight
    }
}
