package io.drover.cli;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.io.PrintWriter;
import io.drover.multi.ArgParser;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Reserved;
import java.util.ArrayList;
import java.util.Arrays;
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
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
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
        boolean node = args.length > 0 && NODE_COMMANDS.containsKey(args[0]);
        CommandLine cmd = node ? nodeCommandLine(args[0]) : commandLine();
        if (node) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        cmd.setOut(out);
        cmd.setErr(err);
        boolean verbose = verbose(Arrays.asList(args));
        cmd.setParameterExceptionHandler((ParameterException ex, String[] a) -> usageError(ex, err));
        cmd.setExecutionExceptionHandler((ex, command, parseResult) -> failure(ex, err, verbose));
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

    /** multi's subcommands, for the fast path; a test keeps this equal to MultiCommand's list. */
    static final Map<String, Supplier<MultiLeaf>> MULTI_LEAVES = Map.ofEntries(
            Map.entry("start", StartCommand::new), Map.entry("stop", StopCommand::new),
            Map.entry("stopwait", StopwaitCommand::new), Map.entry("restart", RestartCommand::new),
            Map.entry("kill", KillCommand::new), Map.entry("status", StatusCommand::new),
            Map.entry("show", ShowCommand::new), Map.entry("names", NamesCommand::new),
            Map.entry("expand", ExpandCommand::new), Map.entry("get", GetCommand::new),
            Map.entry("dryrun", DryrunCommand::new));

    /**
     * Runs {@code multi SUBCOMMAND ARGS} straight through its grammar when no help is asked
     * for; null to go through picocli (help, unknown subcommands, other commands).
     */
    private static Integer multiWithoutPicocli(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length < 2 || !args[0].equals("multi") || !MULTI_LEAVES.containsKey(args[1])) {
            return null;
        }
        List<String> rest = Arrays.asList(args).subList(2, args.length);
        MultiLeaf leaf = MULTI_LEAVES.get(args[1]).get();
        try {
            ParsedArgs parsed = ArgParser.parse(rest, leaf.acceptsSignal());
            if (parsed.has(Reserved.HELP)) {
                return null;
            }
            return leaf.execute(parsed, out, err);
        } catch (RuntimeException e) {
            return failure(e, err, verbose(rest));
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** --verbose before any "--" (after it, the word belongs to the workers). */
    private static boolean verbose(List<String> args) {
        int end = args.indexOf("--");
        return (end < 0 ? args : args.subList(0, end)).contains("--verbose");
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
        if (!LeanParser.fill(command, rest)) {
            return null;
        }
        command.useRawArgs(rest);
        try {
            return command.call();
        } catch (RuntimeException e) {
            return failure(e, err, false);
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
        cmd.setExpandAtFiles(false);
        HelpPage.install(cmd);
        CommandLine multi = cmd.getSubcommands().get("multi");
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

    private static int usageError(ParameterException ex, PrintWriter err) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        if (ex instanceof UnmatchedArgumentException u && !cmd.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty()) {
            err.println(name + ": unknown subcommand '" + u.getUnmatched().get(0) + "' (one of: "
                    + String.join(", ", cmd.getSubcommands().keySet()) + ")");
        } else {
            err.println(name + ": " + ex.getMessage());
        }
        err.println("Try '" + name + " --help' for more information.");
        return ExitCode.USAGE;
    }

    private static int failure(Exception ex, PrintWriter err, boolean verbose) {
        if (ex instanceof DroverException d) {
            err.println("drover: " + d.getMessage());
            if (verbose) {
                d.printStackTrace(err);
            }
            return d.exitCode();
        }
        err.println("drover: internal error: " + ex);
        ex.printStackTrace(err);
        return ExitCode.SOFTWARE;
    }
}
