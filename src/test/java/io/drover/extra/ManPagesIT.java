package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The man pages of the distribution, as man shows them (groff's text output). */
class ManPagesIT {
    static final List<String> COMMANDS = List.of("drover", "drover-multi", "drover-multi-start", "drover-multi-stop",
            "drover-multi-stopwait", "drover-multi-restart", "drover-multi-kill", "drover-multi-status",
            "drover-multi-show", "drover-multi-names", "drover-multi-expand", "drover-multi-get",
            "drover-multi-dryrun", "drover-multi-help", "drover-worker", "drover-beat", "drover-help");

    @TempDir
    Path tmp;

    static Stream<String> pages() {
        return COMMANDS.stream();
    }

    /** The page as text, 200 columns wide, without bold and underline. */
    String render(String page) {
        Path man = Sandbox.dist().resolve("docs/man/" + page + ".1");
        assertTrue(Files.isRegularFile(man), man + " missing");
        Path groff = Sandbox.requireProgram("groff", "groff-base");
        try (Sandbox box = new Sandbox(tmp)) {
            Sandbox.Result r = box.run(List.of(groff.toString(), "-man", "-Tutf8", "-rLL=200n", "-P-cbou", man.toString()),
                    Map.of("LC_ALL", "C.UTF-8"), false);
            assertEquals(0, r.code(), r::toString);
            assertEquals("", r.err(), "groff warns about " + page + ": " + r.err());
            return r.out();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void a_page_prints_plain_ascii_so_options_and_double_dashes_copy_as_typed(String page) {
        String text = render(page);
        for (String line : text.lines().toList()) {
            assertTrue(line.chars().allMatch(c -> c < 128), page + ": a character a shell would not take as typed"
                    + " (an em dash for --, a typographic quote or hyphen) in: " + line);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void every_page_has_examples_environment_and_exit_status(String page) {
        String text = render(page);
        for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLES", "ENVIRONMENT", "EXIT STATUS")) {
            assertTrue(text.contains("\n" + section + "\n"), page + " has no " + section + " section:\n" + text);
        }
    }

    @Test
    void the_examples_read_exactly_as_in_the_help() throws IOException {
        String multi = render("drover-multi");
        assertTrue(multi.contains("       drover multi start 2 -- --extra x\n"), multi);
        assertTrue(multi.contains("drover multi expand '%n.pid' foo bar@%h\n"), multi);
        assertTrue(multi.contains("-Q:4,5 data"), multi);
        String start = render("drover-multi-start");
        assertTrue(start.contains("--classpath='/opt/acme/lib/*'"), start);
        assertTrue(render("drover-multi-status").contains("\n       3      status: not running\n"), "LSB codes in status(1)");
        assertTrue(render("drover-worker").contains("\n       --jvm-opts=OPTIONS\n"), "options in worker(1)");
    }
}
