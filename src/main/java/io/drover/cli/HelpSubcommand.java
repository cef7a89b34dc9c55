package io.drover.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Parameters;

/**
 * {@code drover multi help [SUBCOMMAND]}: the group's page, or one subcommand's. picocli's own
 * HelpCommand does the same; this one carries drover's examples and exit codes.
 */
@Command(name = "help",
        helpCommand = true,
        customSynopsis = "drover multi help [SUBCOMMAND]",
        description = {"Print multi's manual, or one subcommand's (the same as SUBCOMMAND --help)."},
        footer = {"drover multi help", "drover multi help stopwait"})
@Manual.Exits({"OK", "USAGE"})
@Manual.Environment({"COLUMNS"})
final class HelpSubcommand implements Runnable, CommandLine.IHelpCommandInitializable2 {
    @Parameters(paramLabel = "SUBCOMMAND", arity = "0..1", description = "The subcommand whose manual to print.")
    String subcommand;

    private CommandLine self;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine parent = self.getParent();
        if (subcommand == null) {
            parent.usage(out);
            return;
        }
        CommandLine sub = parent.getSubcommands().get(subcommand);
        if (sub == null) {
            throw new CommandLine.ParameterException(self, "unknown subcommand '" + subcommand + "' (one of: "
                    + String.join(", ", parent.getSubcommands().keySet()) + ")");
        }
        sub.usage(out);
    }
}
