package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TerminalReporterTest {
    /** status's figures print as %.1f did: the same digits, halves rounded up, for every value status can show. */
    @Test
    void one_decimal_prints_what_percent_one_f_printed() {
        double[] edges = {0, 0.04, 0.05, 0.15, 0.25, 0.35, 0.45, 1.05, 2.675, 9.95, 99.95, 100, 1023.95, 1e7 + 0.05};
        for (double v : edges) {
            assertEquals(String.format(Locale.ROOT, "%.1f", v), TerminalReporter.oneDecimal(v), "for " + v);
        }
        Random random = new Random(20261202);
        for (int i = 0; i < 200_000; i++) {
            double v = i % 2 == 0 ? random.nextDouble() * 2000 : Math.round(random.nextDouble() * 20000) / 100.0 + 0.05;
            assertEquals(String.format(Locale.ROOT, "%.1f", v), TerminalReporter.oneDecimal(v), "for " + v);
        }
    }

    @Test
    void memory_and_cpu_read_as_ps_prints_them() {
        assertEquals("812K", TerminalReporter.bytes(812 * 1024));
        assertEquals("52.2M", TerminalReporter.bytes(54_736_896));
        assertEquals("1.3G", TerminalReporter.bytes(1_395_864_371L));
        assertEquals("0.5%", TerminalReporter.percent(0.4999999));
        assertEquals("12.0%", TerminalReporter.percent(11.96));
    }
}
