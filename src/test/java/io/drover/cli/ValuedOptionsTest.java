package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.UsageException;
import io.drover.multi.ArgParser;
import io.drover.multi.ParsedArgs;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class ValuedOptionsTest {

    @Test
    void every_long_option_of_the_worker_that_takes_a_value_is_known_to_the_multi_grammar() {
        CommandLine worker = Main.commandLine().getSubcommands().get("worker");
        for (OptionSpec option : worker.getCommandSpec().options()) {
            if (option.arity().max() == 0) {
                continue;
            }
            for (String name : option.names()) {
                if (name.startsWith("--")) {
                    assertTrue(ArgParser.VALUED.contains(name), name + " takes a value but ArgParser.VALUED lacks it");
                }
            }
        }
    }

    @Test
    void a_known_valued_long_option_takes_the_next_token() {
        ParsedArgs parsed = ArgParser.parse(List.of("2", "--uid", "nobody", "--gid", "nogroup"), false);
        assertEquals(List.of("2"), parsed.positionals());
        assertEquals("nobody", parsed.options().get(0).value());
        assertEquals("nogroup", parsed.options().get(1).value());
    }

    @Test
    void a_known_valued_long_option_without_a_value_is_a_usage_error() {
        UsageException e = assertThrows(UsageException.class, () -> ArgParser.parse(List.of("2", "--uid"), false));
        assertTrue(e.getMessage().contains("--uid"), e.getMessage());
    }

    @Test
    void an_unknown_long_option_stays_a_flag() {
        ParsedArgs parsed = ArgParser.parse(List.of("--verbose-jobs", "w1"), false);
        assertEquals(List.of("w1"), parsed.positionals());
        assertTrue(parsed.options().get(0).isFlag());
    }
}
