package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void core_names_no_package_above_it() {
        List<String> found = code("core").flatMap(f -> matches(f, DROVER_NAME))
                .filter(m -> !m.endsWith(": io.drover.core")).toList();
        assertEquals(List.of(), found, "core is what every layer shares: it may name only itself");
    }

    @Test
    void only_posix_names_jnr() {
        List<String> found = code(null).filter(f -> !f.startsWith(MAIN.resolve("posix")))
                .flatMap(f -> matches(f, JNR_NAME)).toList();
        assertEquals(List.of(), found, "jnr is loaded through posix only (its first call costs ~200 ms)");
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
