import io.drover.api.NodeApp;
import io.drover.api.NodeContext;
import io.drover.api.Shutdown;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A drover application for bench.sh's log capture row: ready at once, then, once the file named
 * by its first argument (after {@code --}) exists, it writes LINES numbered lines ({@code flood
 * 1} ... {@code flood LINES}, the second argument) to System.out at RATE lines a second (the
 * third), paced against the clock so that a slow moment is caught up rather than lost, and then
 * logs {@code flood done: LINES lines in MS ms} through the node's logger. The bench counts the
 * node's CPU from the file's creation to that line, and checks that the logfile holds every
 * number once and in order. Waiting for the file keeps the node's start out of the figure.
 */
public final class LogFlood implements NodeApp {
    private volatile boolean stopping;

    @Override
    public void start(NodeContext context) {
        Path go = Path.of(context.args().get(0));
        long lines = Long.parseLong(context.args().get(1));
        long rate = Long.parseLong(context.args().get(2));
        Thread flood = new Thread(() -> {
            // The bench touches the file once it has read the node's CPU time; 10 ms is its
            // granularity, and no line is written before.
            while (!Files.exists(go)) {
                if (stopping) {
                    return;
                }
                LockSupport.parkNanos(10_000_000L);
            }
            long t0 = System.nanoTime();
            long written = 0;
            while (written < lines && !stopping) {
                long due = Math.min(lines, (System.nanoTime() - t0) * rate / 1_000_000_000L + 1);
                if (written >= due) {
                    LockSupport.parkNanos(100_000L);
                    continue;
                }
                while (written < due) {
                    written++;
                    System.out.println("flood " + written);
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000L;
            context.logger().info("flood done: {} lines in {} ms", written, ms);
        }, "flood");
        flood.setDaemon(true);
        flood.start();
        context.ready();
    }

    @Override
    public void stop(Shutdown mode) {
        stopping = true;
    }
}
