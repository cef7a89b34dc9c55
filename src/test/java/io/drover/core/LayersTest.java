package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The layering docs/design.md states, read off the sources: what each package may name. */
class LayersTest {
    private static final Path MAIN = Path.of("src/main/java/io/drover");
    /** A package of drover's, written in code (comments and string literals are not code). */
    private static final Pattern DROVER_NAME = Pattern.compile("\\bio\\.drover\\.(\\w+)");
    private static final Pattern JNR_NAME = Pattern.compile("\\b(jnr|com\\.kenai\\.jffi)\\.");
    private static final Pattern PRINTS_TO_STREAM = Pattern.compile("\\bSystem\\s*\\.\\s*(out|err)\\s*\\.\\s*(print|write|append|format)|\\.\\s*printStackTrace\\s*\\(\\s*\\)");
    private static final Path LINE_CAPTURE = MAIN.resolve("node/LineCapture.java");
    private static final Pattern PRINTING = Pattern.compile("\\bSystem\\s*\\.\\s*(out|err)\\b|\\.\\s*printStackTrace\\s*\\(\\s*\\)");
    private static final Pattern EXITING = Pattern.compile("\\bSystem\\s*\\.\\s*exit\\s*\\(|\\.\\s*halt\\s*\\(|getRuntime\\(\\)\\s*\\.\\s*exit\\s*\\(");
    /** An exit code given as a number where drover takes one: an exception's, a failure event's, the JVM's. */
    private static final Pattern BARE_CODE = Pattern.compile(
            "\\b(DroverException|NodeFailedException|Failed|exit)\\s*\\(\\s*-?\\d");

    @Test
    void core_names_no_package_above_it() {
        assertNone(code("core").flatMap(f -> matches(f, DROVER_NAME)).filter(m -> !m.endsWith(": io.drover.core")),
                "core is what every layer shares: it may name only itself");
    }

    @Test
    void only_posix_names_jnr() {
        assertNone(outside("posix").flatMap(f -> matches(f, JNR_NAME)),
                "jnr is loaded through posix only (its first call costs ~200 ms)");
    }

    /**
     * docs/design.md's package list, top to bottom: a package uses only the packages below it.
     * The node side runs {@code api} and {@code demo}, so {@code demo} (the built-in
     * application) may use {@code api} above it.
     */
    private static final List<String> ORDER = List.of("cli", "export", "multi", "node", "launch", "beat", "registry",
            "posix", "core", "api", "demo");
    private static final Map<String, Set<String>> ALSO_ABOVE = Map.of("demo", Set.of("api"));

    @Test
    void each_package_uses_only_the_packages_below_it() {
        List<String> found = new ArrayList<>();
        for (String pkg : ORDER) {
            code(pkg).flatMap(f -> matches(f, DROVER_NAME)).forEach(m -> {
                String used = m.substring(m.lastIndexOf('.') + 1);
                boolean below = ORDER.indexOf(used) > ORDER.indexOf(pkg);
                if (!used.equals(pkg) && !below && !ALSO_ABOVE.getOrDefault(pkg, Set.of()).contains(used)) {
                    found.add(m);
                }
            });
        }
        List<String> unknown = code(null).map(f -> MAIN.relativize(f).getName(0).toString())
                .filter(p -> !p.endsWith(".java") && !ORDER.contains(p)).distinct().toList();
        assertEquals(List.of(), unknown, "a package docs/design.md does not list");
        assertEquals(List.of(), found, "a package uses only the packages below it in docs/design.md's list");
    }

    /** The two sides of a start meet in core (NodeProtocol) and posix (NodeProcesses): the node side names nothing of launch. */
    @Test
    void the_node_side_names_nothing_of_the_parent_s() {
        assertNone(code("node").flatMap(f -> matches(f, DROVER_NAME)).filter(m -> m.endsWith(": io.drover.launch")),
                "node and launch meet in core and posix");
    }

    /** The cluster reports to listeners and cli renders: below cli, text goes to a logger or a pipe, never to a terminal. */
    @Test
    void nothing_below_cli_prints() {
        // node.LineCapture reads System.out and System.err to replace them with the logger (and
        // give them back): the one file below cli that names them, and it must not print to them
        assertNone(outside("cli").filter(f -> !f.equals(LINE_CAPTURE)).flatMap(f -> matches(f, PRINTING)),
                "nothing below cli prints: report an event, throw, or log");
        assertNone(matches(LINE_CAPTURE, PRINTS_TO_STREAM), "LineCapture replaces System.out and System.err, never prints to them");
    }

    /** Only Main.main ends the JVM, with a code of ExitCode's; nothing passes an exit code as a bare number. */
    @Test
    void only_main_exits_and_exit_codes_are_named() {
        assertNone(outside("cli/Main.java").flatMap(f -> matches(f, EXITING)), "only Main.main calls System.exit");
        assertNone(code(null).flatMap(f -> matches(f, BARE_CODE)), "exit codes are ExitCode's constants");
    }

    private static void assertNone(Stream<String> found, String why) {
        assertEquals(List.of(), found.toList(), why);
    }

    /** The Java files of drover's except those under {@code path} (a package, or one file). */
    private static Stream<Path> outside(String path) {
        return code(null).filter(f -> !f.startsWith(MAIN.resolve(path)));
    }

    /** The Java files of one package of drover's, or of all of them. */
    private static Stream<Path> code(String pkg) {
        try {
            return Files.walk(pkg == null ? MAIN : MAIN.resolve(pkg)).filter(p -> p.toString().endsWith(".java"))
                    .sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "FILE: NAME" for each match of {@code pattern} in the file's code. */
    private static Stream<String> matches(Path file, Pattern pattern) {
        Matcher m = pattern.matcher(withoutCommentsAndStrings(read(file)));
        return m.results().map(r -> MAIN.relativize(file) + ": " + r.group().replaceAll("\\.$", ""));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Java source with its comments, string and character literals blanked (text blocks are not used here). */
    static String withoutCommentsAndStrings(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                i = source.indexOf('\n', i) < 0 ? source.length() : source.indexOf('\n', i);
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
                code.append(' ');
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < source.length() && source.charAt(j) != c) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                code.append(c).append(c);
            } else {
                code.append(c);
                i++;
            }
        }
        return code.toString();
    }
}
