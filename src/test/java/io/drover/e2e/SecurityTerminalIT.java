package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.cli.JsonText;
import io.drover.core.Install;
import io.drover.fixtures.EscapesInMessageApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 25, classes 3 and 9, end to end. Class 3: what the node's user ({@code nobody}) writes
 * (a pidfile's content, its process's {@code -n}, its application's exception message, a log
 * line) holds terminal escape sequences, and root runs drover on a pseudo-terminal
 * ({@code script -qec CMD /dev/null}, as an operator at a terminal). Root's terminal must get
 * them escaped and visible, never raw: no ESC, BEL, backspace or C1 CSI byte but drover's own
 * colours. {@code --json} stays exact JSON: the same text, escaped by JSON's rules. Class 9:
 * {@code restart --all} when every record of the registry is untrusted.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SecurityTerminalIT extends AttackTest {
    private static final String HOST = Drover.hostname();

    /** OSC 0: sets the terminal window's title. */
    static final String TITLE = "\u001b]0;pwned\u0007";
    /** OSC 52: writes the terminal's clipboard ("pwned" in base64). */
    static final String CLIPBOARD = "\u001b]52;c;cHduZWQ=\u0007";
    /** CSI 2 J: clears the screen. */
    static final String CLEAR = "\u001b[2J";
    /** The same clear as a C1 control: CSI as one character, U+009B. */
    static final String C1_CLEAR = "\u009b2J";

    /** What root's terminal shows for each sequence instead (written out here, not computed by drover's code). */
    private static final Map<String, String> SHOWN = Map.of(
            TITLE, "\\u001b]0;pwned\\u0007",
            CLIPBOARD, "\\u001b]52;c;cHduZWQ=\\u0007",
            CLEAR, "\\u001b[2J",
            C1_CLEAR, "\\u009b2J");

    /** drover's own colours (Output, logs' prefixes): the only escape sequences it may write. */
    private static final Pattern OWN_COLOURS = Pattern.compile("\u001b\\[(0|3[1-6])m");

    /** What a terminal acts on instead of showing: none of these may reach it raw. */
    private static final String RAW = "\u001b\u0007\b\u009b";

    private int ttyRuns;

    // ---- class 3: a pidfile's content -------------------------------------------------------

    @Test
    void a_pidfile_holding_escape_sequences_reaches_roots_terminal_escaped_and_json_exact() {
        Attacker.runOnce(dir.resolve("write.out"), Attacker.WRITE_FILES,
                run.resolve("t1.pid").toString(), Attacker.hex(TITLE),
                run.resolve("t2.pid").toString(), Attacker.hex(CLIPBOARD),
                run.resolve("t3.pid").toString(), Attacker.hex(CLEAR));
        String pidfile = "--pidfile=" + run + "/%n.pid";

        // status on a terminal is the table, with the reasons under it; stop is a line per node
        assertShownEscaped(terminal(false, "multi", "status", "t1", "t2", "t3", pidfile), TITLE, CLIPBOARD, CLEAR);
        assertShownEscaped(terminal(false, "multi", "stop", "t1", "t2", "t3", pidfile), TITLE, CLIPBOARD, CLEAR);
        // the lines a pipe gets are escaped too: a script's output often ends on a terminal
        Drover.Result piped = drover.multi("stop", "t1", "t2", "t3", pidfile);
        assertShownEscaped(piped.output(), piped, TITLE, CLIPBOARD, CLEAR);

        Drover.Result json = drover.multi("status", "t1", "t2", "t3", pidfile, "--json");
        assertNoRaw(json.output(), json);
        List<Object> nodes = JsonText.array(json.stdout());
        assertEquals(3, nodes.size(), json::toString);
        List<String> payloads = List.of(TITLE, CLIPBOARD, CLEAR);
        for (int i = 0; i < 3; i++) {
            String reason = (String) JsonText.object(nodes.get(i)).get("reason");
            String quoted = "'" + payloads.get(i) + "'";
            assertTrue(reason != null && reason.contains(quoted), () -> "--json is not the exact text:\n" + visible(json.toString()));
        }
    }

    // ---- class 3: a process's -n ------------------------------------------------------------

    @Test
    void a_process_whose_n_holds_escape_sequences_is_named_escaped_and_left_alone() {
        String name = TITLE + CLIPBOARD + CLEAR + "@evil";
        Attacker holder = attack("n", Attacker.HOLD_LOCK, run.resolve("n1.pid").toString(), "self",
                dir.resolve("never").toString(), Install.MAIN_CLASS, "worker", "-n", name);
        holder.awaitLine("locked");
        String pidfile = "--pidfile=" + run + "/%n.pid";

        assertShownEscaped(terminal(false, "multi", "status", "n1", pidfile), TITLE, CLIPBOARD, CLEAR);
        assertShownEscaped(terminal(false, "multi", "stop", "n1", pidfile), TITLE, CLIPBOARD, CLEAR);
        assertTrue(holder.alive(), "stop signalled the attacker's process, which is no node of that name");

        Drover.Result json = drover.multi("status", "n1", pidfile, "--json");
        assertNoRaw(json.output(), json);
        String reason = (String) JsonText.object(JsonText.array(json.stdout()).get(0)).get("reason");
        assertTrue(reason != null && reason.contains(name), () -> "--json is not the exact text:\n" + visible(json.toString()));
    }

    // ---- class 3: an application's exception message ----------------------------------------

    @Test
    void an_applications_exception_message_reaches_roots_terminal_escaped_in_the_failed_line_and_the_trace() {
        List<String> start = List.of("multi", "start", "e1", "-A", EscapesInMessageApp.class.getName(),
                "--classpath=" + Drover.testClasses(), "--uid", Attacker.USER, "--pidfile=" + run + "/%n.pid",
                "--logfile=" + log + "/%n%I.log");
        List<String> verbose = new ArrayList<>(start);
        verbose.add("--verbose");

        Tty quiet = terminal(false, start.toArray(String[]::new));
        Tty loud = terminal(false, verbose.toArray(String[]::new));

        assertEquals(1, quiet.exitCode(), quiet::toString);
        assertShownEscaped(quiet, TITLE, CLIPBOARD, CLEAR, C1_CLEAR);
        assertEquals(1, loud.exitCode(), loud::toString);
        assertShownEscaped(loud, TITLE, CLIPBOARD, CLEAR, C1_CLEAR);
        assertTrue(loud.text().contains("at " + EscapesInMessageApp.class.getName() + ".start("),
                () -> "no trace under --verbose:\n" + loud);

        List<String> json = new ArrayList<>(verbose);
        json.add("--json");
        Drover.Result exact = drover.run(Map.of(), json);
        assertNoRaw(exact.output(), exact);
        Map<String, Object> node = JsonText.object(JsonText.array(exact.stdout()).get(0));
        assertTrue(((String) node.get("reason")).contains(EscapesInMessageApp.MESSAGE),
                () -> "--json's reason is not the exact message:\n" + visible(exact.toString()));
        assertTrue(((String) node.get("trace")).contains(EscapesInMessageApp.MESSAGE),
                () -> "--json's trace is not the exact message:\n" + visible(exact.toString()));
    }

    // ---- class 3: a log line ----------------------------------------------------------------

    @Test
    void a_log_line_reaches_roots_terminal_escaped_also_with_stdin_redirected_and_a_pipe_gets_it_exact() {
        List<String> lines = List.of("title " + TITLE, "clipboard " + CLIPBOARD, "clear " + CLEAR + "\tafter a tab",
                "c1 " + C1_CLEAR);
        Attacker.runOnce(dir.resolve("write.out"), Attacker.WRITE_FILES,
                log.resolve("l1.log").toString(), Attacker.hex(String.join("\n", lines) + "\n"));
        String logfile = "--logfile=" + log + "/%n%I.log";

        // stdout a terminal, stdin not (a script run from cron into a terminal, `< /dev/null`):
        // whether to escape is standard output's question, not System.console()'s
        Tty redirected = terminal(true, "multi", "logs", "l1", logfile);
        Tty interactive = terminal(false, "multi", "logs", "l1", logfile);

        for (Tty tty : List.of(redirected, interactive)) {
            assertEquals(0, tty.exitCode(), tty::toString);
            assertShownEscaped(tty, TITLE, CLIPBOARD, CLEAR, C1_CLEAR);
            assertTrue(tty.text().contains("\tafter a tab"), () -> "a log line's tab is shown as a tab:\n" + tty);
        }
        Drover.Result piped = drover.multi("logs", "l1", logfile);
        assertEquals(0, piped.exitCode(), piped::toString);
        List<String> got = piped.stdout().lines().map(l -> l.substring(l.indexOf(": ") + 2)).toList();
        assertEquals(lines, got, () -> "a pipe does not get the log's lines exact:\n" + visible(piped.toString()));
    }

    // ---- class 9: restart --all with only untrusted records ---------------------------------

    @Test
    void restart_all_when_every_record_is_untrusted_names_each_record_skipped_and_exits_0() throws IOException {
        Path state = Files.createDirectory(dir.resolve(".state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        // a well-formed record the invoking user does not own, and one of a format this drover does not read
        Path foreign = record(state, "u1@" + HOST, "1");
        Files.setOwner(foreign, lookup().lookupPrincipalByName(Attacker.USER));
        Path future = record(state, "u2@" + HOST, "99");

        for (String sub : List.of("restart", "stopwait", "kill", "stop")) {
            Drover.Result r = drover.run("multi", sub, "--all");
            assertEquals(0, r.exitCode(), () -> sub + " --all: nothing was acted on and nothing failed\n" + r);
            assertFalse(r.output().contains("internal error") || r.output().contains("Exception"), r::toString);
            assertTrue(r.lineFor("u1@" + HOST).contains(foreign + " ") && r.lineFor("u1@" + HOST).contains("skipped"),
                    r::toString);
            assertTrue(r.lineFor("u2@" + HOST).contains(future + " ") && r.lineFor("u2@" + HOST).contains("skipped"),
                    r::toString);
        }
        Drover.Result json = drover.run("multi", "restart", "--all", "--json");
        assertEquals(0, json.exitCode(), json::toString);
        List<Object> nodes = JsonText.array(json.stdout());
        assertEquals(2, nodes.size(), json::toString);
        for (Object node : nodes) {
            assertTrue(String.valueOf(JsonText.object(node).get("warning")).contains("skipped"), json::toString);
        }
    }

    /** A record file as drover writes them, of format {@code format}, mode 0600, root's. */
    private static Path record(Path state, String nodename, String format) throws IOException {
        Path file = state.resolve(nodename + ".node");
        Files.writeString(file, "format=" + format + "\nnodename=" + nodename + "\npidfile=/nonexistent/" + nodename
                + ".pid\nlogfile=/nonexistent/" + nodename + ".log\nargv.0=/bin/false\nstarted=2026-01-01T00\\:00\\:00Z\n"
                + "restarts=0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    // ---- the terminal -----------------------------------------------------------------------

    /** What a command wrote to its pseudo-terminal: stdout and stderr as the terminal got them. */
    private record Tty(String command, int exitCode, String text) {
        @Override
        public String toString() {
            return "$ " + command + "\n[exit " + exitCode + "]\n--- terminal\n" + visible(text) + "---";
        }
    }

    /**
     * Runs the launcher with ARGS on a pseudo-terminal of its own, {@code script -qec CMD
     * /dev/null}: stdin and stdout (and stderr) a terminal, or stdin {@code /dev/null} with
     * {@code stdinRedirected}. The environment as {@link Drover}'s, colours on.
     */
    private Tty terminal(boolean stdinRedirected, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Drover.launcher().toString());
        argv.addAll(List.of(args));
        String command = String.join(" ", argv.stream().map(SecurityTerminalIT::quote).toList())
                + (stdinRedirected ? " </dev/null" : "");
        Path out = dir.resolve("tty-" + ++ttyRuns + ".out");
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", command, "/dev/null");
        Map<String, String> env = pb.environment();
        for (String name : List.of("DROVER_FORCE_ROOT", "DROVER_FAKEFORK", "DROVER_HANDSHAKE_FD", "DROVER_JAVA_OPTS",
                "NO_COLOR")) {
            env.remove(name);
        }
        env.put("DROVER_STATE_DIR", dir.resolve(".state").toString());
        env.put("TERM", "xterm-256color");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        try {
            Process p = pb.start();
            if (!p.waitFor(Drover.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("hung on the terminal: " + command);
            }
            return new Tty(visible(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
    }

    /** One word for sh, in single quotes. */
    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static void assertShownEscaped(Tty tty, String... payloads) {
        assertShownEscaped(tty.text(), tty, payloads);
    }

    /** No raw control reached {@code text} but drover's colours, and each payload is there, escaped. */
    private static void assertShownEscaped(String text, Object context, String... payloads) {
        assertNoRaw(text, context);
        String plain = OWN_COLOURS.matcher(text).replaceAll("");
        for (String payload : payloads) {
            assertTrue(plain.contains(SHOWN.get(payload)), () -> "'" + SHOWN.get(payload) + "' is not shown in:\n"
                    + visible(context.toString()));
        }
    }

    private static void assertNoRaw(String text, Object context) {
        String plain = OWN_COLOURS.matcher(text).replaceAll("");
        for (char c : RAW.toCharArray()) {
            assertFalse(plain.indexOf(c) >= 0, () -> String.format("a raw U+%04X reached root's terminal:%n", (int) c)
                    + visible(context.toString()));
        }
    }

    /** {@code text} with every control but newline made visible as {@code <1b>}: safe to print in a report. */
    static String visible(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c != '\n' && (c < 0x20 || c >= 0x7f && c <= 0x9f)) {
                out.append(String.format("<%02x>", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private Attacker attack(String name, String script, String... args) {
        Attacker a = Attacker.start(dir.resolve(name + "-attacker.out"), script, args);
        attackers.add(a);
        return a;
    }


    private static UserPrincipalLookupService lookup() {
        return Path.of("/").getFileSystem().getUserPrincipalLookupService();
    }
}
