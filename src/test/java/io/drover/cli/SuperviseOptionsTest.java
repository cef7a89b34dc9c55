package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.UsageException;
import io.drover.multi.ArgParser;
import io.drover.multi.ParsedArgs;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SuperviseOptionsTest {

    @ParameterizedTest
    @CsvSource({"1048576, 1048576", "512K, 524288", "512M, 536870912", "2G, 2147483648", "300MiB, 314572800",
        "1.5g, 1610612736", "1T, 1099511627776"})
    void a_memory_size_is_bytes_or_a_binary_unit(String text, long bytes) {
        assertEquals(bytes, SuperviseCommand.size(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "-1G", "0", "lots", "1X", "infinity"})
    void anything_else_is_a_usage_error_naming_max_memory(String text) {
        UsageException e = assertThrows(UsageException.class, () -> SuperviseCommand.size(text));
        assertTrue(e.getMessage().startsWith("--max-memory " + text + " is not a size"), e.getMessage());
    }

    @Test
    void supervise_s_and_restart_s_options_are_multi_s_own_and_never_reach_a_worker() {
        ParsedArgs parsed = ArgParser.parse(List.of("3", "--rolling", "--batch", "2", "--max-restarts=5", "--within", "60",
                "--max-memory=1G", "--heartbeat", "5", "-c", "2"), true, MultiLeaf::nodeOptionTakesValue);
        assertEquals(List.of("3"), parsed.positionals());
        assertEquals("true", parsed.own(ArgParser.Own.ROLLING));
        assertEquals("2", parsed.own(ArgParser.Own.BATCH));
        assertEquals("5", parsed.own(ArgParser.Own.MAX_RESTARTS));
        assertEquals("60", parsed.own(ArgParser.Own.WITHIN));
        assertEquals("5", parsed.own(ArgParser.Own.HEARTBEAT));
        assertEquals(1, parsed.options().size(), parsed.options()::toString);
        assertEquals("-c", parsed.options().get(0).name());
    }

    @Test
    void a_count_that_is_not_one_is_a_usage_error_naming_the_option() {
        ParsedArgs parsed = ArgParser.parse(List.of("3", "--max-restarts=-1"), false, MultiLeaf::nodeOptionTakesValue);
        UsageException e = assertThrows(UsageException.class, () -> SuperviseCommand.count(parsed, ArgParser.Own.MAX_RESTARTS, 0));
        assertEquals("--max-restarts -1 is not a count (0 or more)", e.getMessage());
    }
}
