package io.drover.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
class HelpSubcommand implements Runnable, CommandLine.IHelpCommandInitializable2 {
    @Parameters(paramLabel = "SUBCOMMAND", arity = "0..*", description = "The subcommand whose manual to print.")
    List<String> path = new ArrayList<>();

    private CommandLine self;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.out = out;
    }

    /**
     * Walks from the command this one is help of down the words given ({@code drover help multi
     * start}, as git and celery take it), then prints that command's page.
     */
    @Override
    public void run() {
        CommandLine page = self.getParent();
        for (String word : path) {
            CommandLine sub = page.getSubcommands().get(word);
            if (sub == null || sub.getCommand() instanceof HelpSubcommand) {
                // worded as Main words an unknown subcommand, "did you mean" included
                String guess = io.drover.core.DidYouMean.phrase(word, page.getSubcommands().keySet());
                throw new CommandLine.ParameterException(self, "unknown subcommand '" + word + "'"
                        + (guess.isEmpty() ? "" : ": " + guess)
                        + (page.getSubcommands().isEmpty() ? " (" + page.getCommandSpec().qualifiedName() + " has none)"
                        : " (one of: " + String.join(", ", page.getSubcommands().keySet()) + ")"));
            }
            page = sub;
        }
        page.usage(out);
    }

    /** {@code drover help [COMMAND [SUBCOMMAND]]}: the same walk from the top. */
    @Command(name = "help",
            helpCommand = true,
            customSynopsis = "drover help [COMMAND [SUBCOMMAND]]",
            description = {"Print drover's manual, or one command's (the same as COMMAND --help)."},
            footer = {"drover help", "drover help multi", "drover help multi stopwait"})
    @Manual.Exits({"OK", "USAGE"})
    @Manual.Environment({"COLUMNS"})
    static final class Top extends HelpSubcommand {}
}
