package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.drover.core.ShellWords;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every example a user can copy, from the help of every command, docs/cli.md and the README,
 * runs: the commands that only compute run as written, the ones that start or signal nodes run
 * as {@code show} on the same nodes and options, and every worker command line they make (and
 * every {@code drover worker}/{@code drover beat} example) is accepted by the worker's own
 * options, where a misspelt option such as {@code -L} shows.
 */
class ExamplesTest {
    static final Set<String> COMPUTE = Set.of("show", "names", "expand", "get", "dryrun", "help");
    static final Set<String> TAKE_A_SIGNAL = Set.of("stop", "stopwait", "restart");

    record Example(String where, String line) {
        @Override
        public String toString() {
            return where + ": " + line;
        }
    }

    static Stream<Example> helpExamples() {
        List<Example> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        collect(Main.nodeCommandLine("worker"), all);
        collect(Main.nodeCommandLine("beat"), all);
        return all.stream();
    }

    private static void collect(CommandLine cmd, List<Example> into) {
        CommandSpec spec = cmd.getCommandSpec();
        for (String line : Manual.examples(spec)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                into.add(new Example(spec.qualifiedName() + " --help", line));
            }
        }
        cmd.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    static Stream<Example> docExamples() throws IOException {
        List<Example> all = new ArrayList<>();
        for (String doc : List.of("docs/cli.md", "README.md")) {
            for (String line : shellLines(Files.readString(Path.of(doc)))) {
                String command = line.replaceFirst("^target/drover/bin/drover ", "drover ");
                if (command.startsWith("drover ")) {
                    all.add(new Example(doc, command));
                }
            }
        }
        return all.stream();
    }

    /** The lines of the ```sh blocks, continuation lines joined, comments dropped. */
    static List<String> shellLines(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        StringBuilder pending = new StringBuilder();
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                in = line.equals("```sh");
                continue;
            }
            if (!in) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String full = (pending + line).strip();
            pending.setLength(0);
            List<String> words = new ArrayList<>();
            for (String w : Wrap.shellWords(full)) {
                if (w.startsWith("#")) {
                    break;
                }
                words.add(w);
            }
            lines.add(String.join(" ", words));
        }
        return lines;
    }

    @Test
    void the_help_has_examples_to_check() {
        assertTrue(helpExamples().count() > 30, "examples found: " + helpExamples().toList());
        assertTrue(helpExamples().anyMatch(e -> e.line().contains("-Q:4,5 data")));
    }

    @Test
    void docs_cli_md_and_the_readme_have_examples_to_check() throws IOException {
        assertTrue(docExamples().filter(e -> e.where().equals("docs/cli.md")).count() >= 10, docExamples().toList()::toString);
        assertTrue(docExamples().filter(e -> e.where().equals("README.md")).count() >= 5, docExamples().toList()::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("helpExamples")
    void every_example_in_the_help_runs(Example example) {
        check(example);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("docExamples")
    void every_example_in_docs_cli_md_and_the_readme_runs(Example example) {
        check(example);
    }

    static void check(Example example) {
        List<String> words = ShellWords.split(example.line());
        assertEquals("drover", words.get(0), example::toString);
        String command = words.get(1);
        List<String> rest = words.subList(2, words.size());
        switch (command) {
            case "multi" -> checkMulti(example, rest);
            case "worker" -> parses(example, new WorkerCommand(), rest);
            case "beat" -> parses(example, new BeatCommand(), rest);
            default -> assertOk(example, run(words.subList(1, words.size())));
        }
    }

    private static void checkMulti(Example example, List<String> words) {
        String sub = words.get(0);
        List<String> args = new ArrayList<>(words.subList(1, words.size()));
        if (sub.equals("export")) {
            // the engine and export's own options out; the nodes are checked as show's below
            if (!args.get(0).equals("systemd")) {
                assertOk(example, run(prepend(List.of("multi", sub), args)));
            }
            ExportCommand export = new ExportCommand();
            export.parse(args);
            args = new ArrayList<>(export.own.rest());
            args.remove(0);
        } else if (COMPUTE.contains(sub)) {
            assertOk(example, run(prepend(List.of("multi", sub), args)));
        } else {
            assertTrue(MultiCommand.SUBCOMMANDS.containsKey(sub), example + ": no subcommand " + sub);
            if (TAKE_A_SIGNAL.contains(sub)) {
                args.removeIf(a -> a.matches("-([0-9]+|(SIG)?[A-Z]+[0-9]*)"));
            }
            // the subcommand's own options (--all, --watch, logs' -n and -f) are not the nodes'
            MultiLeaf leaf = MultiCommand.SUBCOMMANDS.get(sub).get();
            io.drover.multi.ParsedArgs own = leaf.parse(args);
            if (leaf.own.has(LifecycleLeaf.ALL)) {
                // the nodes come from the node registry: nothing else may be given
                assertEquals(List.of(), own.positionals(), example::toString);
                assertEquals(List.of(), own.options(), example::toString);
                return;
            }
            args = withoutMultiOwnOptions(leaf.own.rest());
        }
        if (sub.equals("names") || sub.equals("expand") || sub.equals("help")) {
            return;
        }
        // start, stop... and show, get: the worker command lines these nodes get (show's: dryrun
        // also checks what start would refuse on this machine, a user or an application class)
        List<String> dry = prepend(List.of("multi", "show", "--json"), args.subList(sub.equals("get") ? 1 : 0, args.size()));
        Result r = run(dry);
        assertOk(example, r);
        for (Object entry : JsonText.array(r.out())) {
            List<String> node = ((List<?>) JsonText.object(entry).get("argv")).stream().map(String::valueOf).toList();
            int worker = node.indexOf("worker");
            assertTrue(worker > 0, example + ": no worker in " + node);
            parses(example, new WorkerCommand(), node.subList(worker + 1, node.size()));
        }
    }

    /**
     * The tokens without multi's own options (--timeout 30, --rolling...): the subcommand took
     * them, and they are no node's, so show, which takes none, must not see them.
     */
    private static List<String> withoutMultiOwnOptions(List<String> tokens) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("--")) {
                rest.addAll(tokens.subList(i, tokens.size()));
                break;
            }
            String head = t.contains("=") ? t.substring(0, t.indexOf('=')) : t;
            io.drover.multi.ArgParser.Own own = io.drover.multi.ArgParser.Own.of(head);
            if (own == null) {
                rest.add(t);
            } else if (own.valued() && !t.contains("=")) {
                i++; // its value, the next token
            }
        }
        return rest;
    }

    private static void parses(Example example, Object command, List<String> args) {
        try {
            new CommandLine(command).setExpandAtFiles(false).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            fail(example + "\n  is not a valid command line: " + e.getMessage() + "\n  arguments: " + args);
        }
    }

    record Result(int code, String out, String err) {}

    static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private static void assertOk(Example example, Result r) {
        assertEquals(0, r.code(), () -> example + "\n  exit " + r.code() + ": " + r.err());
        assertFalse(r.out().isEmpty(), example::toString);
        assertEquals("", r.err(), example::toString);
    }

    private static List<String> prepend(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all;
    }
}
