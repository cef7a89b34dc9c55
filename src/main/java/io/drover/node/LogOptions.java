package io.drover.node;

import io.drover.core.UsageException;
import java.util.Locale;

/**
 * How a node writes its log beyond {@code --logfile} and {@code --loglevel}: the line format and
 * the rotation in the node ({@code --log-format}, {@code --log-max-size}, {@code --log-keep},
 * {@code --log-rotate}), checked once where the options are parsed.
 *
 * @param json {@code --log-format=json}: one JSON object a line
 * @param maxSize {@code --log-max-size} in bytes, or 0 for no rotation by size
 * @param daily {@code --log-rotate=daily}
 * @param keep {@code --log-keep}: the rotated files kept, gzip'ed
 */
public record LogOptions(boolean json, long maxSize, boolean daily, int keep) {
    /** Plain text, no rotation: a node given none of the options. */
    public static final LogOptions DEFAULT = new LogOptions(false, 0, false, 0);

    /** {@code --log-keep} when a rotation is asked without it. */
    public static final int DEFAULT_KEEP = 7;

    /** The smallest {@code --log-max-size}: below that a node would rotate at every few lines. */
    static final long MIN_SIZE = 1024;

    /** Whether the node rotates its logfile itself. */
    public boolean rotates() {
        return maxSize > 0 || daily;
    }

    /**
     * The options as given (null: not given).
     *
     * @throws UsageException naming the option and what it takes
     */
    public static LogOptions of(String format, String maxSize, Integer keep, String rotate) {
        boolean json = switch (format == null ? "text" : format) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new UsageException("--log-format must be text or json, got " + format);
        };
        long size = maxSize == null ? 0 : size(maxSize);
        boolean daily = false;
        if (rotate != null) {
            for (String word : rotate.split(",", -1)) {
                switch (word) {
                    case "daily" -> daily = true;
                    case "size" -> {
                        if (maxSize == null) {
                            throw new UsageException("--log-rotate=size needs --log-max-size");
                        }
                    }
                    default -> throw new UsageException("--log-rotate must be daily or size (or daily,size), got " + rotate);
                }
            }
        }
        if (keep != null && (keep < 1 || keep > 1000)) {
            throw new UsageException("--log-keep must be between 1 and 1000, got " + keep);
        }
        if (keep != null && size == 0 && !daily) {
            throw new UsageException("--log-keep needs --log-max-size or --log-rotate=daily");
        }
        return new LogOptions(json, size, daily, keep == null ? DEFAULT_KEEP : keep);
    }

    /** {@code 100M}, {@code 10K}, {@code 1G} (powers of 1024) or a count of bytes. */
    static long size(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        long n;
        try {
            n = digits.matches("[0-9]{1,12}") ? Long.parseLong(digits) : -1;
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n * unit < MIN_SIZE || n * unit > (1L << 50)) {
            throw new UsageException("--log-max-size must be a size of at least 1K, such as 100M, 10K or 1G; got " + value);
        }
        return n * unit;
    }
}
