package io.drover.cli;

import io.drover.multi.ParsedArgs;
import io.drover.multi.Reserved;
import java.io.PrintWriter;

/**
 * How a multi subcommand writes: plain lines, or JSON with {@code --json}; colour only on a
 * terminal, never with {@code --no-color} or {@code NO_COLOR} set (no-color.org).
 */
final class Output {
    static final String GREEN = "\u001b[32m";
    static final String RED = "\u001b[31m";
    private static final String RESET = "\u001b[0m";

    final PrintWriter out;
    final PrintWriter err;
    final boolean json;
    final boolean quiet;
    final boolean verbose;
    final boolean splash;
    /**
     * Whether stdout is a terminal ({@link Terminal#stdoutIsTerminal}): {@code status} then
     * prints aligned columns, {@code logs} escapes the lines it shows.
     */
    final boolean terminal;
    /**
     * Whether a failure goes to stderr as well as stdout: not when both are one terminal, where
     * it would show twice; a script that keeps stderr (a pipe, a file) still reads it there.
     */
    final boolean failuresOnStderr;
    private final boolean color;

    Output(PrintWriter out, PrintWriter err, ParsedArgs parsed) {
        this.out = out;
        this.err = err;
        this.json = parsed.has(Reserved.JSON);
        this.quiet = parsed.has(Reserved.QUIET);
        this.verbose = parsed.has(Reserved.VERBOSE);
        this.splash = !json && !quiet && !parsed.has(Reserved.NOSPLASH);
        String noColor = System.getenv("NO_COLOR");
        this.terminal = Terminal.stdoutIsTerminal();
        this.failuresOnStderr = !terminal || !Terminal.stderrIsStdout();
        this.color = !parsed.has(Reserved.NO_COLOR) && !json && terminal
                && (noColor == null || noColor.isEmpty());
    }

    String paint(String colour, String text) {
        return color ? colour + text + RESET : text;
    }

    void json(Object value) {
        out.println(Json.write(value));
    }
}
