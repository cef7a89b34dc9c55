package io.drover.cli;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import java.io.PrintWriter;
import io.drover.multi.Reserved;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        CommandLine cmd = commandLine();
        cmd.setOut(out);
        cmd.setErr(err);
        List<String> all = Arrays.asList(args);
        int end = all.indexOf("--");
        boolean verbose = (end < 0 ? all : all.subList(0, end)).contains("--verbose");
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

    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new DroverCommand());
        cmd.setExpandAtFiles(false);
        cmd.setUsageHelpAutoWidth(true);
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
