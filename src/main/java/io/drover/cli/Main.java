package io.drover.cli;

import io.drover.core.DidYouMean;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Printable;
import java.io.PrintWriter;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Reserved;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code drover} command: builds the picocli tree, maps failures to one line and an exit code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        String[] command = reservedAfterSubcommand(args); // multi --json supervise is supervise
        if (command.length > 1 && command[0].equals("multi") && !command[1].equals("supervise")) {
            // A multi command registers no shutdown hook, and has flushed what it printed (run
            // flushes its writers; System.out and System.err in case anything wrote to them
            // directly): it halts. System.exit would, from Java 21, first ask System.getLogger
            // whether to log the exit, which finds a logger by a service lookup through every
            // jar of lib/ (~45 classes, ~10 ms of CPU: a fifth of `multi names` on Java 25).
            // A node (worker, beat: their pidfile and output hooks) and supervise exit as usual.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    /** Runs drover as {@code main} does, without exiting; what tests call. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        args = reservedAfterSubcommand(args);
        Integer fast = multiWithoutPicocli(args, out, err);
        if (fast != null) {
            return fast;
        }
        Integer lean = nodeWithoutPicocli(args, err);
        if (lean != null) {
            return lean;
        }
        return withPicocli(args, out, err);
    }

    /**
     * Runs any command line through picocli: the path help and every other command take, which
     * the fast paths above must agree with (tests run both on one command line).
     */
    static int withPicocli(String[] args, PrintWriter out, PrintWriter err) {
        boolean node = args.length > 0 && NODE_COMMANDS.containsKey(args[0]);
        CommandLine cmd = node ? nodeCommandLine(args[0]) : commandLine();
        if (node) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        cmd.setOut(out);
        cmd.setErr(err);
        boolean verbose = verbose(Arrays.asList(args));
        boolean json = multiJson(args);
        cmd.setParameterExceptionHandler((ParameterException ex, String[] a) -> usageError(ex, out, err, json));
        cmd.setExecutionExceptionHandler((ex, command, parseResult) -> failure(ex, out, err, verbose, json));
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * multi's output switches work anywhere after {@code multi}, also before its subcommand
     * ({@code drover multi --json names 2}): they are moved behind the subcommand, where the
     * subcommand's grammar reads them.
     */
    static String[] reservedAfterSubcommand(String[] args) {
        if (args.length < 2 || !args[0].equals("multi")) {
            return args;
        }
        List<String> moved = new ArrayList<>();
        int i = 1;
        while (i < args.length && Reserved.isOutputSwitch(args[i])) {
            moved.add(args[i++]);
        }
        if (moved.isEmpty() || i >= args.length) {
            return args;
        }
        List<String> result = new ArrayList<>();
        result.add(args[0]);
        result.add(args[i]);
        result.addAll(moved);
        result.addAll(Arrays.asList(args).subList(i + 1, args.length));
        return result.toArray(String[]::new);
    }

    /**
     * Runs {@code multi SUBCOMMAND ARGS} straight through its grammar when no help is asked
     * for; null to go through picocli (help, unknown subcommands, other commands).
     */
    private static Integer multiWithoutPicocli(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length < 2 || !args[0].equals("multi") || !MultiCommand.SUBCOMMANDS.containsKey(args[1])) {
            return null;
        }
        List<String> rest = Arrays.asList(args).subList(2, args.length);
        MultiLeaf leaf = MultiCommand.SUBCOMMANDS.get(args[1]).get();
        try {
            ParsedArgs parsed = leaf.parse(rest);
            if (parsed.has(Reserved.HELP)) {
                return null;
            }
            return leaf.execute(parsed, out, err);
        } catch (RuntimeException e) {
            return failure(e, out, err, verbose(rest), multiJson(args));
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** --verbose before any "--" (after it, the word belongs to the workers). */
    private static boolean verbose(List<String> args) {
        return beforeDoubleDash(args).contains("--verbose");
    }

    /**
     * Whether a multi command asked for JSON: then a failure is JSON too, so a script that
     * parses stdout reads the error instead of choking on nothing.
     */
    private static boolean multiJson(String[] args) {
        return args.length > 1 && args[0].equals("multi")
                && beforeDoubleDash(Arrays.asList(args).subList(1, args.length)).contains("--json");
    }

    private static List<String> beforeDoubleDash(List<String> args) {
        int end = args.indexOf("--");
        return end < 0 ? args : args.subList(0, end);
    }

    /**
     * The commands a node JVM runs. A node parses only its own command: building the whole
     * tree (multi and its twelve subcommands) would cost every node start ~100 ms of CPU.
     */
    private static final Map<String, Supplier<NodeCommand>> NODE_COMMANDS = Map.of(
            "worker", WorkerCommand::new,
            "beat", BeatCommand::new);

    /** A node's command filled by {@link LeanParser}; null when its arguments need picocli. */
    private static Integer nodeWithoutPicocli(String[] args, PrintWriter err) {
        if (args.length < 1 || !NODE_COMMANDS.containsKey(args[0])) {
            return null;
        }
        NodeCommand command = NODE_COMMANDS.get(args[0]).get();
        List<String> rest = List.copyOf(Arrays.asList(args).subList(1, args.length));
        try {
            // false for what picocli must parse (help, odd forms); a failure inside is a bug,
            // reported below as an internal error
            if (!LeanParser.fill(command, rest)) {
                return null;
            }
            command.useRawArgs(rest);
            return command.call();
        } catch (RuntimeException e) {
            return failure(e, null, err, verbose(rest), false);
        } finally {
            err.flush();
        }
    }

    static CommandLine nodeCommandLine(String name) {
        CommandLine cmd = new CommandLine(NODE_COMMANDS.get(name).get());
        cmd.setCommandName("drover " + name);
        cmd.setExpandAtFiles(false);
        HelpPage.install(cmd);
        return cmd;
    }

    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new DroverCommand());
        CommandLine multi = cmd.getSubcommands().get("multi");
        MultiCommand.addSubcommands(multi);
        cmd.setExpandAtFiles(false);
        HelpPage.install(cmd);
        // multi's subcommands read their arguments with celery multi's grammar (ArgParser), so
        // picocli hands them over untouched: unknown options and "--" included.
        for (CommandLine leaf : multi.getSubcommands().values()) {
            if (leaf.getCommand() instanceof MultiLeaf) {
                leaf.setUnmatchedOptionsArePositionalParams(true);
                leaf.setEndOfOptionsDelimiter("\u0000");
            }
        }
        return cmd;
    }

    private static int usageError(ParameterException ex, PrintWriter out, PrintWriter err, boolean json) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String message;
        String unmatched = ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                ? u.getUnmatched().get(0) : null;
        if (unmatched != null && !cmd.getSubcommands().isEmpty() && !unmatched.startsWith("-")) {
            String guess = DidYouMean.phrase(unmatched, cmd.getSubcommands().keySet());
            message = name + ": unknown subcommand '" + unmatched + "'" + (guess.isEmpty() ? "" : ": " + guess) + " (one of: "
                    + String.join(", ", cmd.getSubcommands().keySet()) + ")";
        } else if (unmatched != null && unmatched.startsWith("-")) {
            // an option of the command's own (--help, --version), or multi's output switches,
            // which work before multi's subcommand too
            String option = unmatched.contains("=") ? unmatched.substring(0, unmatched.indexOf('=')) : unmatched;
            List<String> known = new ArrayList<>(cmd.getCommandSpec().optionsMap().keySet());
            if (cmd.getCommand() instanceof MultiCommand) {
                known.addAll(Reserved.tokens());
            }
            message = name + ": unknown option " + option + DidYouMean.suffix(option, known);
        } else {
            message = name + ": " + ex.getMessage();
        }
        err.println(Printable.of(message));
        err.println("Try '" + name + " --help' for more information.");
        if (json) {
            jsonError(out, message, ExitCode.USAGE);
        }
        return ExitCode.USAGE;
    }

    /**
     * The one line a failure is, on stderr: made {@link Printable}, as a message may quote what
     * a node's user wrote (a pidfile, an exception message); JSON gets it exact.
     */
    private static int failure(Exception ex, PrintWriter out, PrintWriter err, boolean verbose, boolean json) {
        int code;
        String message;
        if (ex instanceof DroverException d) {
            code = d.exitCode();
            message = d.getMessage();
            err.println("drover: " + Printable.of(message));
            if (verbose) {
                printTrace(d, err);
            }
        } else {
            code = ExitCode.SOFTWARE;
            message = "internal error: " + ex;
            err.println("drover: " + Printable.of(message));
            printTrace(ex, err);
        }
        if (json) {
            jsonError(out, message, code);
        }
        return code;
    }

    /**
     * What {@code --verbose} adds to a failure: the stack trace of what went wrong underneath,
     * the application's own exception where there is one (sent by a spawned node, or the cause
     * of a start that failed in this JVM), rather than the frames of drover's wrapping it.
     */
    private static void printTrace(DroverException d, PrintWriter err) {
        if (d instanceof NodeFailedException n && n.trace() != null) {
            err.print(Printable.text(n.trace()));
        } else {
            printTrace(d.getCause() != null ? d.getCause() : d, err);
        }
    }

    /** A stack trace, its messages made {@link Printable} (its lines and tabs kept). */
    private static void printTrace(Throwable t, PrintWriter err) {
        java.io.StringWriter trace = new java.io.StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        err.print(Printable.text(trace.toString()));
    }

    /** {@code {"error": MESSAGE, "exit": CODE}}: what a failure is on stdout with --json. */
    private static void jsonError(PrintWriter out, String message, int code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", message);
        error.put("exit", code);
        out.println(Json.write(error));
    }
}
