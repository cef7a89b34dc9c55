package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bash completion as shipped in the distribution, run by a real bash the way bash runs it on
 * TAB: COMP_LINE, COMP_POINT, COMP_WORDS and COMP_CWORD set, then its function called.
 */
class CompletionIT {
    private static final Path DIST = Path.of(System.getProperty("drover.dist", "target/drover"));
    private static final Path SCRIPT = DIST.resolve("extra/completion/drover.bash");

    private static String bash(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash did not finish");
        assertEquals(0, p.exitValue(), out);
        return out.trim();
    }

    /** What TAB offers after {@code line} (the cursor at its end). */
    static List<String> complete(String line) throws Exception {
        String out = bash("source " + SCRIPT + "\nCOMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}\n"
                // bash's own word split, at blanks and at = and : (COMP_WORDBREAKS)
                + "COMP_WORDS=(); w=''; for ((i = 0; i < ${#COMP_LINE}; i++)); do c=${COMP_LINE:i:1};"
                + " case $c in ' ') [ -n \"$w\" ] && COMP_WORDS+=(\"$w\"); w='';; '='|':') [ -n \"$w\" ] && COMP_WORDS+=(\"$w\");"
                + " COMP_WORDS+=(\"$c\"); w='';; *) w+=$c;; esac; done; COMP_WORDS+=(\"$w\")\n"
                + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                + "_drover_complete; printf '%s\\n' \"${COMPREPLY[@]}\"");
        return out.isEmpty() ? List.of() : Arrays.stream(out.split("\n")).toList();
    }

    @Test
    void multi_st_completes_to_the_four_subcommands_that_start_with_st() throws Exception {
        assertEquals(List.of("start", "status", "stop", "stopwait"), complete("drover multi st").stream().sorted().toList());
    }

    @Test
    void the_top_level_completes_to_the_commands() throws Exception {
        assertTrue(complete("drover ").containsAll(List.of("multi", "worker", "beat")));
    }

    @Test
    void multi_start_offers_the_worker_s_options_and_multi_s_own() throws Exception {
        List<String> offered = complete("drover multi start 3 --");
        for (String option : List.of("--app", "--concurrency", "--loglevel", "--logfile", "--pidfile", "--queues",
                "--classpath", "--jvm-opts", "--uid", "--gid", "--hostname", "--pool", "--umask", "--workdir",
                "--range-prefix", "--prefix", "--suffix", "--start-timeout", "--quiet", "--verbose", "--json",
                "--no-color", "--nosplash")) {
            assertTrue(offered.contains(option), option + " not offered: " + offered);
        }
    }

    @Test
    void stop_offers_signals_and_stopwait_its_timeout() throws Exception {
        assertTrue(complete("drover multi stop 3 -").containsAll(List.of("-TERM", "-INT", "-KILL", "-9")));
        assertTrue(complete("drover multi stopwait 3 --t").contains("--timeout"));
        assertFalse(complete("drover multi start 3 --t").contains("--timeout"), "start has no --timeout");
    }

    @Test
    void the_registry_s_commands_offer_all_and_their_own_options() throws Exception {
        assertTrue(complete("drover multi f").contains("forget"), complete("drover multi f")::toString);
        assertTrue(complete("drover multi l").contains("logs"), complete("drover multi l")::toString);
        assertTrue(complete("drover multi status --").containsAll(List.of("--all", "--watch")));
        assertTrue(complete("drover multi restart --a").contains("--all"));
        assertTrue(complete("drover multi logs -").containsAll(List.of("--all", "-n", "-f", "--follow")));
        assertFalse(complete("drover multi start --a").contains("--all"), "start has no --all");
    }

    @Test
    void export_completes_its_engines_then_its_own_options() throws Exception {
        assertEquals(List.of("kubernetes", "supervisord", "systemd"), complete("drover multi export ").stream().sorted().toList());
        assertTrue(complete("drover multi export systemd 3 --o").contains("--out"));
        assertTrue(complete("drover multi export kubernetes 3 --i").contains("--image"));
        assertTrue(complete("drover multi export kubernetes 3 --health").contains("--health-port"));
    }

    @Test
    void a_log_level_is_completed_after_l_also_namespaced_or_after_an_equals_sign() throws Exception {
        List<String> levels = List.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");
        assertEquals(levels, complete("drover multi start 3 -l "));
        assertEquals(levels, complete("drover multi start 10 -l:4,5 "));
        assertEquals(levels, complete("drover multi start 3 --loglevel="));
        assertEquals(levels, complete("drover worker --loglevel "));
        assertEquals(List.of("DEBUG"), complete("drover beat -l DE"));
    }

    @Test
    void users_follow_uid_and_words_after_double_dash_are_left_alone() throws Exception {
        assertTrue(complete("drover multi start 2 --uid no").contains("nobody"));
        assertEquals(List.of(), complete("drover multi start 2 -- --"));
    }

    @Test
    void the_install_line_for_bashrc_registers_the_completion() throws Exception {
        String text = Files.readString(SCRIPT);
        assertTrue(text.contains("#     . /opt/drover/extra/completion/drover.bash"), "the ~/.bashrc line is documented");
        assertTrue(text.contains("/usr/share/bash-completion/completions/drover"), "the bash-completion place is documented");
        assertFalse(text.contains("picocli") || text.contains("YOUR_APP_HOME"), "install lines are drover's own");
        assertEquals("complete -F _drover_complete drover", bash(". " + SCRIPT + "; complete -p drover"));
    }

    @Test
    void the_zsh_and_fish_completions_ask_the_bash_script() throws Exception {
        String zsh = Files.readString(DIST.resolve("extra/completion/_drover"));
        assertTrue(zsh.startsWith("#compdef drover"), zsh);
        assertTrue(zsh.contains("drover.bash") && zsh.contains("_drover_complete"), zsh);
        String fish = Files.readString(DIST.resolve("extra/completion/drover.fish"));
        assertTrue(fish.contains("drover.bash") && fish.contains("complete -c drover"), fish);
    }
}
