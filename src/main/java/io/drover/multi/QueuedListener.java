package io.drover.multi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands supervise's events to the renderer on a thread of its own, in the order they came: a
 * keeper reports under its monitor, and a stop (which takes that monitor) must never wait for
 * output a full pipe or a stopped terminal holds up.
 */
final class QueuedListener implements ClusterListener {
    private final ClusterListener to;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

    QueuedListener(ClusterListener to) {
        this.to = to;
        Thread t = new Thread(this::deliver, "drover-report");
        t.setDaemon(true);
        t.start();
    }

    private void deliver() {
        try {
            while (true) {
                queue.take().run();
            }
        } catch (InterruptedException e) {
            // the process is ending
        }
    }

    @Override
    public void phase(String title, List<NodeSpec> nodes) {
        queue.add(() -> to.phase(title, nodes));
    }

    @Override
    public void node(NodeSpec node, NodeEvent event) {
        queue.add(() -> to.node(node, event));
    }

    @Override
    public void waiting(List<NodeSpec> remaining) {
        queue.add(() -> to.waiting(remaining));
    }

    @Override
    public void cluster(ClusterEvent event) {
        queue.add(() -> to.cluster(event));
    }

    /**
     * Waits until every event handed over before was delivered, at most {@code timeout}: what
     * supervise says last is written before it exits, unless its output is stuck.
     */
    void drain(Duration timeout) {
        CountDownLatch delivered = new CountDownLatch(1);
        queue.add(delivered::countDown);
        try {
            delivered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
