package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ExitCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Every command's help page at every width: whole words only, and the sections a user looks for. */
class HelpPageTest {

    static Stream<CommandSpec> pages() {
        List<CommandSpec> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        all.add(Main.nodeCommandLine("worker").getCommandSpec());
        all.add(Main.nodeCommandLine("beat").getCommandSpec());
        return all.stream();
    }

    private static void collect(CommandLine cmd, List<CommandSpec> into) {
        into.add(cmd.getCommandSpec());
        cmd.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    /** The words of a page, without the {@code \} that continues a wrapped example. */
    static List<String> words(String page) {
        List<String> words = new ArrayList<>();
        for (String line : page.split("\n")) {
            List<String> w = new ArrayList<>(Arrays.asList(line.strip().split("\\s+")));
            if (!w.isEmpty() && w.get(w.size() - 1).equals("\\")) {
                w.remove(w.size() - 1);
            }
            // a wrapped comment starts its next line with # again
            if (line.strip().startsWith("# ") && !words.isEmpty() && isCommentContinuation(page, line)) {
                w.remove(0);
            }
            w.removeIf(String::isEmpty);
            words.addAll(w);
        }
        return words;
    }

    private static boolean isCommentContinuation(String page, String line) {
        String[] lines = page.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i] == line || lines[i].equals(line)) {
                return lines[i - 1].strip().startsWith("# ");
            }
        }
        return false;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void help_follows_the_width_and_never_breaks_a_word(CommandSpec spec) {
        List<String> whole = words(HelpPage.render(spec, 100_000));
        for (int width : IntStream.rangeClosed(40, 160).filter(w -> w % 7 == 0 || w == 40 || w == 80).toArray()) {
            String page = HelpPage.render(spec, width);
            for (String line : page.split("\n")) {
                // a word longer than the line may run over it (with the \ of a wrapped command)
                assertTrue(line.length() <= width || line.replaceFirst(" \\\\$", "").strip().split(" ").length == 1,
                        spec.qualifiedName() + " at width " + width + ", a line too long: '" + line + "'");
            }
            assertEquals(whole, words(page), spec.qualifiedName() + " at width " + width
                    + ": wrapping changed the words (a word was broken):\n" + page);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void every_page_has_usage_examples_environment_and_exit_codes(CommandSpec spec) {
        String page = HelpPage.render(spec, 80);
        assertTrue(page.startsWith("Usage: " + spec.qualifiedName()), page);
        for (String heading : List.of("Examples:", "Environment:", "Exit codes:")) {
            assertTrue(page.contains("\n" + heading + "\n"), spec.qualifiedName() + " has no " + heading + "\n" + page);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void the_exit_codes_are_io_drover_core_ExitCode_s(CommandSpec spec) {
        String page = HelpPage.render(spec, 1000);
        String codes = page.substring(page.indexOf("\nExit codes:\n"));
        for (ExitCode.Code code : Manual.exits(spec)) {
            assertTrue(codes.matches("(?s).*\\n  " + code.value() + " +[^\\n]*" + java.util.regex.Pattern.quote(
                    (code.status() ? "status: " : "") + code.meaning()) + "(; [^\\n]*)?\\n.*"),
                    spec.qualifiedName() + " should list " + code + ":\n" + codes);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void each_exit_code_is_listed_once_with_all_its_meanings(CommandSpec spec) {
        String page = HelpPage.render(spec, 1000);
        List<String> listed = page.substring(page.indexOf("\nExit codes:\n") + 13).lines()
                .map(l -> l.trim().split(" ")[0]).toList();
        assertEquals(listed.stream().distinct().toList(), listed, spec.qualifiedName() + ":\n" + page);
    }

    @org.junit.jupiter.api.Test
    void the_pages_of_multi_and_drover_list_every_exit_code() {
        for (CommandSpec spec : List.of(Main.commandLine().getCommandSpec(),
                Main.commandLine().getSubcommands().get("multi").getCommandSpec())) {
            assertEquals(ExitCode.all(), Manual.exits(spec), spec.qualifiedName());
        }
    }
}
