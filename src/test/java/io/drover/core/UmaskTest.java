package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UmaskTest {
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"0, 0", "022, 18", "22, 18", "027, 23", "777, 511", "0777, 511", "000000777, 511", "7, 7"})
    void an_octal_number_from_0_to_0777_is_a_umask(String value, int mask) {
        assertEquals(mask, Umask.parse(value));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"-1", "+22", "1000", "01000", "7777", "99999999999999999999", "8", "0x1f", "", " 022", "022 "})
    void anything_else_is_a_usage_error_naming_the_value(String value) {
        UsageException e = assertThrows(UsageException.class, () -> Umask.parse(value));
        assertTrue(e.getMessage().startsWith("--umask " + value + " "), e.getMessage());
        assertEquals(64, e.exitCode());
    }
}
