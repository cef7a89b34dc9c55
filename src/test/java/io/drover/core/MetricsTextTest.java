package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drover.core.MetricsText.Type;
import org.junit.jupiter.api.Test;

/** The Prometheus text format 0.0.4 as {@link MetricsText} writes it: what a parser needs, exactly. */
class MetricsTextTest {

    @Test
    void a_family_is_its_help_and_type_then_its_samples_counts_as_integers() {
        String page = new MetricsText().family("jvm_threads_current", Type.GAUGE, "Current thread count of a JVM")
                .sample("jvm_threads_current", 12).text();
        assertEquals("# HELP jvm_threads_current Current thread count of a JVM\n# TYPE jvm_threads_current gauge\n"
                + "jvm_threads_current 12\n", page);
    }

    @Test
    void label_values_are_escaped_as_the_format_says_and_help_too() {
        String page = new MetricsText().family("x", Type.COUNTER, "a \\ and\na newline")
                .sample("x_total", 1, "node", "a\"b\\c\nd", "state", "RUNNING").text();
        assertEquals("# HELP x a \\\\ and\\na newline\n# TYPE x counter\nx_total{node=\"a\\\"b\\\\c\\nd\",state=\"RUNNING\"} 1\n",
                page);
    }

    @Test
    void fractions_negatives_and_the_special_values_are_written_as_a_parser_reads_them() {
        String page = new MetricsText().sample("a", 0.25).sample("b", -1).sample("c", Double.NaN)
                .sample("d", Double.POSITIVE_INFINITY).sample("e", Double.NEGATIVE_INFINITY).sample("f", 1.796623e9 + 0.5)
                .text();
        assertEquals("a 0.25\nb -1\nc NaN\nd +Inf\ne -Inf\nf 1.7966230005E9\n", page);
    }
}
