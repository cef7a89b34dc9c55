package io.drover.cli;

import io.drover.core.UsageException;
import java.time.Duration;

/**
 * A number of seconds on the command line ({@code --timeout}, {@code --start-timeout}), with
 * one meaning for 0 everywhere: no limit.
 */
final class Seconds {
    private Seconds() {}

    /**
     * How "no limit" is handed to a start: the spawner's watchdog takes a delay, and reads 0 as
     * "at once". A century is longer than any start, and short enough for arithmetic in
     * nanoseconds: 3.2e18 of them, where a long holds 9.2e18.
     */
    static final Duration NO_LIMIT = Duration.ofDays(36_525);

    /**
     * @param option the option's name, for the message
     * @param text its value as given
     * @return 0 for "0" (no limit); otherwise at least a millisecond, so a tiny value is not
     *     read as 0, and at most {@link #NO_LIMIT}
     * @throws UsageException for a value that is not a finite number of seconds, 0 or more
     */
    static Duration parse(String option, String text) {
        double s;
        try {
            s = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw notSeconds(option, text);
        }
        return of(option, s, text);
    }

    /** {@link #parse} for a value picocli already converted. */
    static Duration of(String option, double s, String text) {
        if (Double.isNaN(s) || Double.isInfinite(s) || s < 0) {
            throw notSeconds(option, text);
        }
        if (s == 0) {
            return Duration.ZERO;
        }
        if (s >= NO_LIMIT.toSeconds()) {
            return NO_LIMIT;
        }
        return Duration.ofMillis(Math.max(1, (long) Math.ceil(s * 1000)));
    }

    /** A start timeout as the spawner takes it: 0 (no limit) becomes {@link #NO_LIMIT}. */
    static Duration startTimeout(Duration parsed) {
        return parsed.isZero() ? NO_LIMIT : parsed;
    }

    private static UsageException notSeconds(String option, String text) {
        return new UsageException(option + " " + text + " is not a number of seconds (0 or more; 0 for no limit)");
    }
}
