package io.drover.core;

/**
 * A page in the Prometheus text exposition format, version 0.0.4: each family's {@code # HELP}
 * and {@code # TYPE} lines, then its samples, which follow one another (a parser refuses a
 * family split in two). Written by hand rather than with the Prometheus Java client: a node's
 * page needs a few MXBean reads, and the client cost a scraped node 10 MB more resident memory
 * and 250 ms more CPU at its first scrape (docs/performance.md, "Metrics").
 */
public final class MetricsText {
    /** The content type a scraper expects of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** What a family is, as {@code # TYPE} says. */
    public enum Type {
        GAUGE, COUNTER, SUMMARY, UNTYPED;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final StringBuilder out = new StringBuilder(4096);

    /** Starts the family {@code name}: its help and type lines; its samples come next. */
    public MetricsText family(String name, Type type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type.word()).append('\n');
        return this;
    }

    /**
     * One sample: {@code name}, its labels as name and value pairs ({@code "area", "heap"}), and
     * its value. Label values are data (a node's or a memory pool's name): escaped as the format
     * says, never trusted to be plain.
     */
    public MetricsText sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        return this.append(value);
    }

    private MetricsText append(double value) {
        out.append(' ');
        if (Double.isNaN(value)) {
            out.append("NaN");
        } else if (Double.isInfinite(value)) {
            out.append(value > 0 ? "+Inf" : "-Inf");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value); // counts and bytes as integers: what a reader expects to see
        } else {
            out.append(value);
        }
        out.append('\n');
        return this;
    }

    private static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** The page. */
    public String text() {
        return out.toString();
    }
}
