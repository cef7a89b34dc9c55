package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.UsageException;
import io.drover.multi.ArgParser;
import io.drover.multi.ParsedArgs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options that take a value, read from the commands' annotations and nowhere else. */
class ValuedOptionsTest {

    /** A node command as a new option would make it: declared here, in no list. */
    static final class NodeWithANewOption {
        @Mixin
        DaemonOptions daemon;

        @Option(names = {"-z", "--zone"}, paramLabel = "ZONE")
        String zone;

        @Option(names = "--zoned")
        boolean zoned;

        @Parameters
        List<String> args = new ArrayList<>();
    }

    @Test
    void a_new_option_with_a_value_works_on_every_path_without_touching_a_list() {
        Set<String> valued = LeanParser.valuedLongOptions(new NodeWithANewOption());
        assertTrue(valued.containsAll(Set.of("--zone", "--uid", "--pidfile")), valued::toString);
        assertFalse(valued.contains("--zoned") || valued.contains("--detach"), valued::toString);

        // multi's grammar gives the new option the next token, and keeps the new flag a flag
        ParsedArgs parsed = ArgParser.parse(List.of("2", "--zone", "eu", "--zoned", "w1"), false, valued::contains);
        assertEquals(List.of("2", "w1"), parsed.positionals());
        assertEquals(List.of("--zone=eu", "--zoned=null"),
                parsed.options().stream().map(o -> o.name() + "=" + o.value()).toList());

        // the node fills it without picocli, as picocli does
        List<String> args = List.of("--zone", "eu", "--zoned", "--uid", "nobody", "--", "x");
        NodeWithANewOption lean = new NodeWithANewOption();
        assertTrue(LeanParser.fill(lean, args));
        NodeWithANewOption full = new NodeWithANewOption();
        new CommandLine(full).parseArgs(args.toArray(String[]::new));
        assertEquals(List.of(full.zone, full.zoned, full.daemon.uid, full.args),
                List.of(lean.zone, lean.zoned, lean.daemon.uid, lean.args));
    }

    @Test
    void the_grammar_reads_the_worker_s_and_beat_s_valued_options() {
        assertTrue(MultiLeaf.nodeValued().containsAll(Set.of("--uid", "--concurrency", "--health-port", "--schedule",
                "--max-interval")), MultiLeaf.nodeValued()::toString);
        assertFalse(MultiLeaf.nodeValued().contains("--detach"));
    }

    @Test
    void a_known_valued_long_option_takes_the_next_token() {
        ParsedArgs parsed = ArgParser.parse(List.of("2", "--uid", "nobody", "--gid", "nogroup"), false, MultiLeaf::nodeOptionTakesValue);
        assertEquals(List.of("2"), parsed.positionals());
        assertEquals("nobody", parsed.options().get(0).value());
        assertEquals("nogroup", parsed.options().get(1).value());
    }

    @Test
    void a_known_valued_long_option_without_a_value_is_a_usage_error() {
        UsageException e = assertThrows(UsageException.class,
                () -> ArgParser.parse(List.of("2", "--uid"), false, MultiLeaf::nodeOptionTakesValue));
        assertTrue(e.getMessage().contains("--uid"), e.getMessage());
    }

    @Test
    void an_unknown_long_option_stays_a_flag() {
        ParsedArgs parsed = ArgParser.parse(List.of("--verbose-jobs", "w1"), false, MultiLeaf::nodeOptionTakesValue);
        assertEquals(List.of("w1"), parsed.positionals());
        assertTrue(parsed.options().get(0).isFlag());
    }

    /** An option of a type the lean parser has no conversion for. */
    static final class NodeWithAPathOption {
        @Option(names = "--dir")
        Path dir;
    }

    @Test
    void an_option_the_lean_parser_cannot_fill_is_a_bug_that_shows_not_a_quiet_fall_back() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LeanParser.fill(new NodeWithAPathOption(), List.of("--dir", "/tmp")));
        assertTrue(e.getMessage().contains("dir"), e.getMessage());
    }
}
