package io.drover.multi;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long supervise waits before starting a node that exited unasked: {@code first}, doubling
 * with each exit in a row up to {@code max}, less up to a fifth at random (jitter, so nodes that
 * died together do not all come back in the same instant). A random part taken off, never
 * added, keeps every delay under {@code max} and each one longer than the one before until the
 * cap. A pure function, tested as a table.
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
     * @return the delay before the next start
     */
    public Duration delay(int inARow) {
        long base = first.toMillis();
        for (int i = 1; i < inARow && base < max.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, max.toMillis());
        long jitter = (long) (base / 5.0 * random.getAsDouble());
        return Duration.ofMillis(Math.max(1, base - jitter));
    }
}
