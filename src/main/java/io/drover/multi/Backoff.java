package io.drover.multi;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long supervise waits before starting a node that exited unasked: not at all for the first
 * exit in a row (a node that ran and died once is started again at once, as supervisord, PM2 and
 * Kubernetes do: a wait buys nothing the first time, and its clients wait for it), then
 * {@code first} for the second, doubling with each exit in a row up to {@code max}, less up to
 * a fifth at random (jitter, so nodes that died together do not all come back in the same
 * instant). A node that dies again at once is a crash loop, and only that is slowed down. A
 * random part taken off, never added, keeps every delay under {@code max} and each one longer
 * than the one before until the cap. A pure function, tested as a table.
 */
public final class Backoff {
    private final Duration first;
    private final Duration max;
    private final DoubleSupplier random;

    public Backoff(Duration first, Duration max, DoubleSupplier random) {
        this.first = first;
        this.max = max.compareTo(first) < 0 ? first : max;
        this.random = random;
    }

    /**
     * @param inARow 1 for the first exit since the node last ran a while, 2 for the next...
     * @return the delay before the next start: zero for the first
     */
    public Duration delay(int inARow) {
        if (inARow <= 1) {
            return Duration.ZERO;
        }
        long base = first.toMillis();
        for (int i = 2; i < inARow && base < max.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, max.toMillis());
        long jitter = (long) (base / 5.0 * random.getAsDouble());
        return Duration.ofMillis(Math.max(1, base - jitter));
    }
}
