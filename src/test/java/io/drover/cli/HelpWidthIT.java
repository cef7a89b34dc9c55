package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The help of the built launcher on a real terminal (a pty from script(1), its width set with
 * stty) and with COLUMNS: it fills the width it is given and never breaks a word to do so.
 */
class HelpWidthIT {
    static final Path LAUNCHER = Path.of(System.getProperty("drover.dist", "target/drover"), "bin", "drover");

    static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().remove("COLUMNS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, p.exitValue(), out);
        // a terminal's line ends, and colour if any, are not the help's words
        return out.replace("\r", "").replaceAll("\u001b\\[[0-9;]*m", "");
    }

    /** The help on a terminal of {@code columns} columns. */
    static String onTerminal(String args, int columns) throws IOException, InterruptedException {
        return run(List.of("script", "-qec", "stty cols " + columns + " rows 50; exec " + LAUNCHER + " " + args, "/dev/null"),
                Map.of());
    }

    /** Its words, without the \ that continues a wrapped example or the # that continues a comment. */
    static List<String> words(String help) {
        List<String> words = new ArrayList<>();
        boolean inComment = false;
        for (String line : help.split("\n")) {
            List<String> w = new ArrayList<>(Arrays.asList(line.strip().split("\\s+")));
            w.removeIf(String::isEmpty);
            if (!w.isEmpty() && w.get(w.size() - 1).equals("\\")) {
                w.remove(w.size() - 1);
            }
            boolean comment = !w.isEmpty() && w.get(0).equals("#");
            if (comment && inComment) {
                w.remove(0);
            }
            inComment = comment;
            words.addAll(w);
        }
        return words;
    }

    static void assertFits(String help, int columns, String what) {
        for (String line : help.split("\n")) {
            boolean oneWord = line.replaceFirst(" \\\\$", "").strip().split(" ").length == 1;
            assertTrue(line.length() <= columns || oneWord, what + ": a line longer than " + columns + ": '" + line
                    + "'\n" + help);
        }
    }

    @ParameterizedTest(name = "drover {0} on a terminal {1} columns wide")
    @CsvSource({"multi --help, 50", "multi --help, 64", "multi --help, 100", "multi start --help, 50",
        "worker --help, 45", "beat --help, 72", "--help, 60"})
    void help_on_a_terminal_fills_its_width_without_breaking_a_word(String args, int columns) throws Exception {
        String help = onTerminal(args, columns);
        assertFits(help, columns, "drover " + args);
        List<String> wide = words(run(prepend(LAUNCHER.toString(), args), Map.of("COLUMNS", "5000")));
        assertEquals(wide, words(help), "drover " + args + " at " + columns + " columns: a word was broken\n" + help);
        assertTrue(help.lines().anyMatch(l -> l.length() > columns - 12), "the help should use the width: " + help);
    }

    @ParameterizedTest(name = "COLUMNS={1} drover {0}")
    @CsvSource({"multi --help, 70", "multi help stop, 44"})
    void help_follows_COLUMNS(String args, int columns) throws Exception {
        String help = run(prepend(LAUNCHER.toString(), args), Map.of("COLUMNS", Integer.toString(columns)));
        assertFits(help, columns, "drover " + args);
        assertTrue(help.lines().anyMatch(l -> l.length() > columns - 12), "the help should use the width: " + help);
    }

    static List<String> prepend(String launcher, String args) {
        List<String> all = new ArrayList<>(List.of(launcher));
        all.addAll(Arrays.asList(args.split(" ")));
        return all;
    }
}
