package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** --jvm-opts splitting and the shell quoting of show's lines, checked against a real sh. */
class ShellWordsTest {

    static Stream<Arguments> splits() {
        return Stream.of(
                Arguments.of("", List.of()),
                Arguments.of("   ", List.of()),
                Arguments.of("-Xmx64m", List.of("-Xmx64m")),
                Arguments.of("-Xmx64m -Dx=y", List.of("-Xmx64m", "-Dx=y")),
                Arguments.of("  -Xmx64m \t -Dx=y\n", List.of("-Xmx64m", "-Dx=y")),
                Arguments.of("'-Dmsg=hello world'", List.of("-Dmsg=hello world")),
                Arguments.of("\"-Dmsg=hello world\"", List.of("-Dmsg=hello world")),
                Arguments.of("-Dmsg='hello world' -Xss1m", List.of("-Dmsg=hello world", "-Xss1m")),
                Arguments.of("-Da=\"x y\"z", List.of("-Da=x yz")),
                Arguments.of("hello\\ world", List.of("hello world")),
                Arguments.of("a\\'b", List.of("a'b")),
                Arguments.of("'it'\\''s'", List.of("it's")),
                Arguments.of("\"say \\\"hi\\\"\"", List.of("say \"hi\"")),
                Arguments.of("'a\\b'", List.of("a\\b")),
                Arguments.of("'\"'", List.of("\"")),
                Arguments.of("\"'\"", List.of("'")),
                Arguments.of("''", List.of("")),
                Arguments.of("\"\"", List.of("")),
                Arguments.of("a '' b", List.of("a", "", "b")),
                Arguments.of("'a''b'", List.of("ab")));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("splits")
    void split_reads_words_as_sh_does(String line, List<String> words) {
        assertEquals(words, ShellWords.split(line));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"'open", "\"open", "-Dx='a b", "a \"b 'c"})
    void unterminated_quote_is_a_usage_error(String line) {
        assertThrows(UsageException.class, () -> ShellWords.split(line));
    }

    /**
     * Inside double quotes sh keeps a backslash unless it precedes $ ` " \ or a newline, so a
     * regex in a system property survives: {@code -Dre="\d+"} is {@code -Dre=\d+}.
     */
    @Test
    void backslash_inside_double_quotes_escapes_only_what_sh_escapes() {
        assertEquals(List.of("-Dre=\\d+"), ShellWords.split("-Dre=\"\\d+\""));
        assertEquals(List.of("a\\b"), ShellWords.split("\"a\\b\""));
    }

    static Stream<List<String>> argvs() {
        return Stream.of(
                List.of("java", "-cp", "/opt/drover/lib/*", "io.drover.cli.Main"),
                List.of("-n", "drover1@HOST", "--pidfile=/run/drover/drover1.pid", "--logfile=/var/log/drover/drover1%I.log"),
                List.of("hello world", "tab\there", "new\nline"),
                List.of("it's", "\"quoted\"", "back\\slash", "$HOME", "`id`", "$(id)"),
                List.of("", "a", ""),
                List.of("*", "?", "[a]", "~", "~user", "#comment", "a;b", "a&b", "a|b", "a>b", "<", "!"),
                List.of("-Q", "images,video", "-c:1-3", "10", "--", "--extra", "x"),
                List.of("ünïcödé", "日本", "%%", "a=b", "+x", "@at"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("argvs")
    void join_then_split_gives_back_the_same_words(List<String> argv) {
        assertEquals(argv, ShellWords.split(ShellWords.join(argv)));
    }

    @Test
    void join_leaves_plain_words_unquoted() {
        assertEquals("-n drover1@HOST --pidfile=/run/drover/drover1.pid -Q a,b -c:1-3 100%",
                ShellWords.join(List.of("-n", "drover1@HOST", "--pidfile=/run/drover/drover1.pid", "-Q", "a,b",
                        "-c:1-3", "100%")));
    }

    @Test
    void join_quotes_globs_blanks_and_empty_words() {
        assertEquals("'/opt/lib/*' 'a b' ''", ShellWords.join(List.of("/opt/lib/*", "a b", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("argvs")
    void join_round_trips_through_a_real_sh(List<String> argv, @TempDir Path dir) throws Exception {
        Path sh = Path.of("/bin/sh");
        if (!Files.isExecutable(sh)) {
            fail("/bin/sh is needed to check the quoting");
        }
        // printf writes each word followed by NUL, so words with newlines survive the trip.
        String script = "printf '%s\\0' " + ShellWords.join(argv);
        Path out = dir.resolve("out");
        Process p = new ProcessBuilder(sh.toString(), "-c", script)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("sh did not finish within 20 s");
        }
        assertEquals(0, p.exitValue());
        assertEquals(argv, nulSeparated(Files.readString(out, StandardCharsets.UTF_8)));
    }

    private static List<String> nulSeparated(String s) throws IOException {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\0') {
                words.add(s.substring(start, i));
                start = i + 1;
            }
        }
        assertTrue(start == s.length(), "output should end with NUL: " + s);
        return words;
    }
}
