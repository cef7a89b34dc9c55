package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer hit on day two (issue 28, items 6 and 8), through the built launcher: each
 * test is one of the things that surprised, as the user typed it.
 */
class NewcomerIT extends DroverTest {
    private static void assertExit(int expected, Drover.Result r) {
        assertEquals(expected, r.exitCode(), r::toString);
    }

    @Test
    void drover_help_prints_what_help_options_print_also_for_a_command_and_a_subcommand() {
        for (List<String> words : List.<List<String>>of(List.of(), List.of("multi"), List.of("multi", "start"), List.of("worker"))) {
            Drover.Result help = drover.run(concat("help", words));
            Drover.Result option = drover.run(concat(words, "--help"));
            assertExit(0, help);
            assertExit(0, option);
            assertEquals(option.stdout(), help.stdout(), "drover help " + words);
        }
        Drover.Result unknown = drover.run("help", "multi", "strat");
        assertExit(64, unknown);
        assertTrue(unknown.stderr().startsWith("drover help: unknown subcommand 'strat': did you mean start"), unknown::toString);
    }

    @Test
    void the_help_lists_each_exit_code_once_with_all_its_meanings() {
        for (String command : List.of("--help", "multi --help", "multi status --help")) {
            Drover.Result help = drover.run(command.split(" "));
            String codes = help.stdout().substring(help.stdout().indexOf("\nExit codes:\n") + 13);
            List<String> listed = codes.lines().filter(l -> l.matches("  [0-9]+ .*")).map(l -> l.trim().split(" ")[0]).toList();
            assertEquals(listed.stream().distinct().toList(), listed, command + ":\n" + codes);
        }
        String status = drover.run("multi", "status", "--help").stdout();
        assertTrue(status.replaceAll("\\s+", " ").contains(" 3 status: not running"), status);
    }

    @Test
    void a_failed_start_on_a_terminal_shows_its_failure_once_and_still_on_stderr_when_that_is_not_the_terminal()
            throws Exception {
        String start = Drover.launcher() + " multi start 1 --range-prefix=nctwice -A io.drover.NoSuchApp "
                + drover.pidfileOption() + " " + drover.logfileOption();
        String both = terminal(start);
        assertEquals(1, both.split("FAILED", -1).length - 1, both);
        String stderrElsewhere = terminal(start + " 2>" + dir.resolve("err"));
        assertTrue(stderrElsewhere.contains("FAILED"), stderrElsewhere);
        assertTrue(java.nio.file.Files.readString(dir.resolve("err")).startsWith("drover: nctwice1@"), stderrElsewhere);
    }

    @Test
    void logs_json_prints_one_object_a_line_with_the_node_its_file_and_the_line() {
        try {
            assertExit(0, drover.multi("start", "1", "--range-prefix=nclogj"));
            String nodename = "nclogj1@" + Drover.hostname();
            Drover.Result logs = drover.multi("logs", "1", "--range-prefix=nclogj", "--json", "-n", "3");
            assertExit(0, logs);
            List<String> lines = logs.stdout().lines().toList();
            assertFalse(lines.isEmpty(), logs::toString);
            for (String line : lines) {
                assertTrue(line.startsWith("{\"node\":\"" + nodename + "\",\"file\":\"" + drover.logfile("nclogj1")
                        + "\",\"line\":\"") && line.endsWith("\"}"), logs::toString);
            }
        } finally {
            drover.multi("stopwait", "1", "--range-prefix=nclogj");
        }
    }

    @Test
    void a_node_drover_stopped_shows_why_it_stopped_as_its_last_exit() {
        try {
            assertExit(0, drover.multi("start", "1", "--range-prefix=ncterm"));
            assertExit(0, drover.multi("stopwait", "1", "--range-prefix=ncterm"));
            Drover.Result status = drover.multi("status", "1", "--range-prefix=ncterm");
            assertExit(3, status);
            // "status 0" where the unreaped zombie still says how (this machine's PID 1 does not
            // reap), else nothing before it: either way the reason is drover's TERM
            assertTrue(status.lineFor("ncterm1@" + Drover.hostname()).matches(
                    ".*, last exit (status 0 )?after TERM from drover, pidfile .*"), status::toString);
        } finally {
            drover.multi("stopwait", "1", "--range-prefix=ncterm");
        }
    }

    @Test
    void root_starting_the_demo_is_warned_once_on_stderr_as_the_readme_says() {
        assumeTrue(Drover.runningAsRoot(), "the warning is root's");
        try {
            Drover.Result start = drover.multi("start", "2", "--range-prefix=ncroot");
            assertExit(0, start);
            List<String> warnings = start.stderr().lines().filter(l -> l.contains("as root")).toList();
            String host = Drover.hostname();
            assertEquals(List.of("drover: warning: running ncroot1@" + host + ", ncroot2@" + host
                    + " as root (the built-in demo): give --uid USER to run them as that user"), warnings, start::toString);
            assertEquals(List.of(), drover.multi("start", "1", "--range-prefix=ncroot", "--quiet").stderr().lines().toList());
        } finally {
            drover.multi("stopwait", "2", "--range-prefix=ncroot");
        }
    }

    @Test
    void plus_3_names_three_nodes_as_celery_does() {
        Drover.Result names = drover.run("multi", "names", "+3", "--range-prefix=ncplus");
        assertExit(0, names);
        String host = Drover.hostname();
        assertEquals(List.of("ncplus1@" + host, "ncplus2@" + host, "ncplus3@" + host), names.stdout().lines().toList());
    }

    @Test
    void grammar_mistakes_are_usage_errors_that_say_what_is_wrong() {
        Drover.Result blank = drover.run("multi", "show", "nc blank");
        assertExit(64, blank);
        assertTrue(blank.stderr().startsWith("drover: node name 'nc blank@"), blank::toString);
        assertTrue(blank.stderr().contains("a blank in the name before '@'"), blank::toString);
        for (String option : List.of("-c:1-x", "-c:1-")) {
            Drover.Result range = drover.run("multi", "show", "3", "--range-prefix=ncrange", option, "5");
            assertExit(64, range);
            assertTrue(range.stderr().startsWith("drover: " + option + ": bad range '"), range::toString);
        }
        // issue 28 wrote --foo:1:2=x, which is now an unknown option (item 2) before its namespace is read
        Drover.Result colons = drover.run("multi", "show", "3", "--range-prefix=nccolon", "--concurrency:1:2=5");
        assertExit(64, colons);
        assertTrue(colons.stderr().startsWith("drover: --concurrency:1:2=5: ':' in the namespace '1:2'"), colons::toString);
        assertTrue(colons.stderr().contains("(--concurrency:1,2)"), colons::toString);
    }

    @Test
    void bash_and_fish_complete_the_nodenames_of_the_caller_s_registry_for_the_subcommands_that_take_nodes()
            throws Exception {
        String host = Drover.hostname();
        try {
            assertExit(0, drover.multi("start", "2", "--range-prefix=nccomp"));
            List<String> both = List.of("nccomp1", "nccomp1@" + host, "nccomp2", "nccomp2@" + host);
            assertEquals(both, bashCompletes("drover multi stopwait nc"));
            assertEquals(both, bashCompletes("drover multi status --json nc"));
            // bash replaces only what follows the @ (a character of COMP_WORDBREAKS)
            assertEquals(List.of(host), bashCompletes("drover multi stop nccomp2@"));
            assertEquals(List.of(), bashCompletes("drover multi start 2 -c nc"), "a value, not a node");
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/zsh"))) {
                // _drover as zsh's completion system calls it, compadd and compset stood in for
                // (they exist only inside a completion widget): what it adds
                assertEquals(both.stream().map(n -> "add " + n).toList(), shell(List.of("zsh", "-f", "-c",
                        "fpath=(" + Drover.launcher().getParent().getParent().resolve("extra/completion") + " $fpath);"
                        + " autoload -Uz _drover; compset() { :; }; compadd() { shift 2; print -rl -- add\\ $^@; };"
                        + " words=(drover multi kill nc); CURRENT=4; PREFIX=nc; _drover")));
            }
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/fish"))) {
                assertEquals(both, shell(List.of("fish", "--no-config", "-c", "source "
                        + Drover.launcher().getParent().getParent().resolve("extra/completion/drover.fish")
                        + "; complete -C 'drover multi logs nc'")));
            }
        } finally {
            drover.multi("stopwait", "2", "--range-prefix=nccomp");
        }
    }

    /** What bash's TAB offers after {@code line}: the shipped drover.bash, run as bash runs it. */
    private List<String> bashCompletes(String line) throws Exception {
        java.nio.file.Path script = Drover.launcher().getParent().getParent().resolve("extra/completion/drover.bash");
        return shell(List.of("bash", "--norc", "--noprofile", "-c", "source " + script + "; COMP_LINE='" + line
                + "'; COMP_POINT=${#COMP_LINE}; _drover_complete; printf '%s\\n' \"${COMPREPLY[@]}\""));
    }

    /** The sorted non-empty lines {@code command} prints, with this test's node registry. */
    private List<String> shell(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DROVER_STATE_DIR", dir.resolve(".state").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "hung: " + command);
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    @Test
    void help_on_a_wide_terminal_is_wrapped_to_its_width_also_when_standard_input_is_redirected() throws Exception {
        String help = terminal("unset COLUMNS; stty cols 132; " + Drover.launcher() + " multi --help < /dev/null");
        int widest = help.lines().filter(l -> !l.startsWith("Script ")).mapToInt(String::length).max().orElse(0);
        assertTrue(widest > 100 && widest <= 132, "widest line " + widest + ":\n" + help);
    }

    /**
     * What {@code command} (a shell command line) shows on a terminal: run under script(1), which
     * gives it a pty as stdin, stdout and stderr; carriage returns and colour left out.
     */
    private String terminal(String command) throws Exception {
        assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/script")), "needs script(1)");
        java.nio.file.Path typescript = java.nio.file.Files.createTempFile(dir, "tty", ".out");
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", command, typescript.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
        pb.environment().put("DROVER_STATE_DIR", dir.resolve(".state").toString());
        pb.environment().put("DROVER_FORCE_ROOT", "1");
        pb.environment().remove("NO_COLOR");
        Process script = pb.start();
        assertTrue(script.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
                "hung on a terminal: " + command);
        return java.nio.file.Files.readString(typescript).replace("\r", "").replaceAll("\u001b\\[[0-9;]*m", "");
    }

    private static String[] concat(String first, List<String> rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream()).toArray(String[]::new);
    }

    private static String[] concat(List<String> first, String last) {
        return java.util.stream.Stream.concat(first.stream(), java.util.stream.Stream.of(last)).toArray(String[]::new);
    }
}
