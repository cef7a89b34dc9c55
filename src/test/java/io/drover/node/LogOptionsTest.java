package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogOptionsTest {
    @ParameterizedTest
    @CsvSource({"1024, 1024", "10K, 10240", "10k, 10240", "100M, 104857600", "1G, 1073741824", "2g, 2147483648"})
    void a_size_is_bytes_or_k_m_g_in_powers_of_1024(String given, long bytes) {
        assertEquals(bytes, LogOptions.size(given));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "K", "1023", "0K", "-1M", "10KB", "1.5M", "10T", "1e9", "99999999999999M"})
    void a_size_that_is_none_or_below_1k_is_a_usage_error_naming_the_option(String given) {
        UsageException e = assertThrows(UsageException.class, () -> LogOptions.size(given));
        assertTrue(e.getMessage().startsWith("--log-max-size must be a size of at least 1K"), e.getMessage());
    }

    @Test
    void no_option_is_text_without_rotation() {
        LogOptions o = LogOptions.of(null, null, null, null);
        assertEquals(false, o.json());
        assertEquals(false, o.rotates());
    }

    @Test
    void a_size_or_daily_rotates_and_keeps_seven_unless_told() {
        assertEquals(new LogOptions(false, 10240, false, 7), LogOptions.of(null, "10K", null, null));
        assertEquals(new LogOptions(true, 0, true, 3), LogOptions.of("json", null, 3, "daily"));
        assertEquals(new LogOptions(false, 1 << 20, true, 7), LogOptions.of("text", "1M", null, "daily,size"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "xml||||--log-format must be text or json, got xml",
        "|||weekly|--log-rotate must be daily or size (or daily,size), got weekly",
        "|||size|--log-rotate=size needs --log-max-size",
        "||3||--log-keep needs --log-max-size or --log-rotate=daily",
        "|10K|0||--log-keep must be between 1 and 1000, got 0"})
    void bad_input_is_one_line_naming_the_option(String format, String size, Integer keep, String rotate, String message) {
        UsageException e = assertThrows(UsageException.class, () -> LogOptions.of(format, size, keep, rotate));
        assertEquals(message, e.getMessage());
    }
}
