package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The completion script and man pages the build generates from the picocli model. */
class CompletionIT {
    private static final Path DIST = Path.of(System.getProperty("drover.dist", "target/drover"));

    private static String bash(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash did not finish");
        assertEquals(0, p.exitValue(), out);
        return out.trim();
    }

    @Test
    void bash_completes_multi_st_to_the_four_subcommands_that_start_with_st() throws Exception {
        String out = bash("source " + DIST.resolve("extra/completion/drover.bash")
                + "; COMP_WORDS=(drover multi st); COMP_CWORD=2; COMP_LINE='drover multi st'; COMP_POINT=${#COMP_LINE};"
                + " _complete_drover drover st multi; printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertEquals(List.of("start", "status", "stop", "stopwait"), Arrays.stream(out.split("\n")).sorted().toList());
    }

    @Test
    void bash_completes_the_top_level_commands() throws Exception {
        String out = bash("source " + DIST.resolve("extra/completion/drover.bash")
                + "; COMP_WORDS=(drover ''); COMP_CWORD=1; COMP_LINE='drover '; COMP_POINT=${#COMP_LINE};"
                + " _complete_drover drover '' drover; printf '%s\\n' \"${COMPREPLY[@]}\"");
        List<String> words = Arrays.asList(out.split("\n"));
        assertTrue(words.containsAll(List.of("multi", "worker", "beat")), out);
    }

    @Test
    void the_zsh_completion_loads_the_generated_bash_script() throws Exception {
        String zsh = Files.readString(DIST.resolve("extra/completion/_drover"));
        assertTrue(zsh.startsWith("#compdef drover"), zsh);
        assertTrue(zsh.contains("bashcompinit") && zsh.contains("drover.bash"), zsh);
    }

    @Test
    void every_command_has_a_man_page_in_roff() throws Exception {
        for (String page : List.of("drover", "drover-multi", "drover-multi-start", "drover-multi-stopwait",
                "drover-multi-status", "drover-worker", "drover-beat")) {
            Path man = DIST.resolve("docs/man/" + page + ".1");
            assertTrue(Files.isRegularFile(man), man + " missing");
            String text = Files.readString(man);
            assertTrue(text.contains(".TH \"" + page.toUpperCase().replace("-", "\\-") + "\""), page + ": not a roff man page");
        }
    }
}
