package io.drover.cli;

import io.drover.core.DidYouMean;
import io.drover.core.Host;
import io.drover.core.Printable;
import io.drover.core.UsageException;
import io.drover.multi.ArgParser;
import io.drover.multi.MultiOption;
import io.drover.multi.NodeExpander;
import io.drover.multi.NodeSpec;
import io.drover.multi.OptionTable;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Reserved;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What every multi subcommand shares: the raw arguments picocli hands over, read with
 * {@link ArgParser}; {@code --help}/{@code -h} before {@code --} prints the subcommand's usage.
 */
abstract class MultiLeaf implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ARGS", description = "Nodes (a count or names), options, -- worker args.")
    List<String> args = new ArrayList<>();

    /** Whether {@code -TERM}, {@code -9} ... are signals for this subcommand. */
    boolean acceptsSignal() {
        return false;
    }

    /**
     * Reads the tokens after the subcommand with multi's grammar. A subcommand with options of
     * its own ({@code --all}, {@code --watch}, {@code -n LINES}, {@code --out DIR}) takes them
     * out first, so they never reach the grammar or a worker.
     */
    ParsedArgs parse(List<String> tokens) {
        own = new OwnOptions(tokens, ownOptions());
        ParsedArgs parsed = ArgParser.parse(own.rest(), acceptsSignal(), MultiLeaf::nodeOptionTakesValue);
        if (!parsed.has(Reserved.HELP)) {
            refuseOptionsNotTaken(parsed);
            refuseUnknownOptions(parsed);
        }
        return parsed;
    }

    /** An option neither this subcommand, nor multi's grammar, nor a worker reads. */
    static final String UNKNOWN = "multi %s: unknown option %s%s";

    /** One of beat's options, which no worker has. */
    static final String BEAT_ONLY = "multi %s: %s is an option of drover beat, not of a worker (multi's nodes are workers)";

    /**
     * Every option the grammar passes on must be one a worker takes, whatever the subcommand: a
     * subcommand that starts nodes would spawn JVMs that each fail with "Unknown option" (having
     * made their pidfile and log directories), and one that does not would drop it without a
     * word ({@code status --jsno}). Checked before anything is expanded, made or signalled; the
     * suggestion is looked for only then, so a command line that is right never loads it.
     */
    private void refuseUnknownOptions(ParsedArgs parsed) {
        for (MultiOption option : parsed.options()) {
            String name = option.name();
            // --cmd is celery's: the expander refuses it, saying what replaces it
            if (OptionTable.workerTakes(name) || ArgParser.NAMING.contains(name) || name.equals(ArgParser.APPEND)
                    || name.equals(ArgParser.AFTER) || name.equals("--cmd")) {
                continue;
            }
            if (OptionTable.BEAT_ONLY.contains(name)) {
                throw new UsageException(String.format(BEAT_ONLY, name(), name));
            }
            throw new UsageException(String.format(UNKNOWN, name(), name, DidYouMean.suffix(name, known())));
        }
    }

    /** The options this subcommand reads or passes on, sorted: what a typo is compared with. */
    private Set<String> known() {
        Set<String> known = new TreeSet<>(Reserved.tokens());
        takes().forEach(own -> known.add(own.spelling()));
        known.addAll(ownOptions().keySet());
        known.addAll(ArgParser.NAMING);
        known.add(ArgParser.APPEND);
        known.add(ArgParser.AFTER);
        known.addAll(OptionTable.WORKER);
        return known;
    }

    /**
     * Which of multi's own options ({@link ArgParser.Own}) this subcommand takes: its table,
     * the one that both paths ({@link Main}'s fast path and picocli's) read through
     * {@link #parse}. None by default.
     */
    Set<ArgParser.Own> takes() {
        return EnumSet.noneOf(ArgParser.Own.class);
    }

    /** One of multi's own options given to a subcommand that does not take it; then who does. */
    static final String NOT_TAKEN = "multi %s does not take %s (it is an option of multi %s)";

    /**
     * multi's own options are never passed to a worker, so one this subcommand does not read
     * would be dropped without a word ({@code multi stop 2 --max-restarts=5}): a usage error
     * instead, naming the first such option written.
     */
    private void refuseOptionsNotTaken(ParsedArgs parsed) {
        Set<ArgParser.Own> taken = takes();
        for (String spelling : parsed.multiOptions().keySet()) {
            ArgParser.Own option = ArgParser.Own.of(spelling);
            if (!taken.contains(option)) {
                List<String> by = takenBy(option);
                String who = by.size() == 1 ? by.get(0)
                        : String.join(", ", by.subList(0, by.size() - 1)) + " and " + by.get(by.size() - 1);
                throw new UsageException(String.format(NOT_TAKEN, name(), spelling, who));
            }
        }
    }

    /** The subcommands that take {@code option}, in help's order. */
    static List<String> takenBy(ArgParser.Own option) {
        List<String> names = new ArrayList<>();
        MultiCommand.SUBCOMMANDS.forEach((name, leaf) -> {
            if (leaf.get().takes().contains(option)) {
                names.add(name);
            }
        });
        return names;
    }

    /** This subcommand's own options, read by {@link #parse}. */
    OwnOptions own = new OwnOptions(List.of(), Map.of());

    /** This subcommand's own options, by every name they go by, and how each takes a value; none by default. */
    Map<String, OwnOptions.Kind> ownOptions() {
        return Map.of();
    }

    /**
     * Whether {@code option} is a long option of the nodes' commands ({@code worker},
     * {@code beat}) that takes a value, which the grammar then gives the next token
     * ({@code --uid nobody}). Read from their annotations ({@link NodeOptions}) when the grammar
     * first asks: most command lines never make it ask ({@code --name=value} does not).
     */
    static boolean nodeOptionTakesValue(String option) {
        return nodeValued().contains(option);
    }

    private static volatile Set<String> nodeValued;

    /**
     * The options {@link #nodeOptionTakesValue} knows, read on first use. Not a holder class's
     * initializer: a failure to read them is an internal error {@link Main} reports, not an
     * ExceptionInInitializerError. Two threads may both read them, to the same set.
     */
    static Set<String> nodeValued() {
        Set<String> valued = nodeValued;
        if (valued == null) {
            valued = NodeOptions.valued();
            nodeValued = valued;
        }
        return valued;
    }

    /** The subcommand's name, as {@code multi NAME}. */
    final String name() {
        return getClass().getAnnotation(Command.class).name();
    }

    private Host host;

    /**
     * This machine and user, read once per command ({@link Host#current}: the kernel's hostname,
     * the effective uid, the environment), so that every step of one command names the same
     * nodes and registry. No test overrides it: a test chooses the host through the process it
     * runs drover in (XDG_STATE_HOME, HOME), or passes a {@link Host} to the pure code directly.
     */
    final Host host() {
        if (host == null) {
            host = Host.current();
        }
        return host;
    }

    /** Where {@link #nodes} warns; set before {@link #run}. */
    private java.io.PrintWriter warnings;

    @Override
    public final Integer call() {
        ParsedArgs parsed = parse(args);
        if (parsed.has(Reserved.HELP)) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
        return execute(parsed, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Runs the subcommand on already-parsed arguments without picocli: {@link Main}'s fast path,
     * taken whenever no help is asked for. Loading and verifying picocli (compiled for Java 5,
     * so neither class-data sharing nor the fast verifier take it) is most of a short
     * command's start-up.
     */
    final int execute(ParsedArgs parsed, java.io.PrintWriter out, java.io.PrintWriter err) {
        warnings = err;
        return run(parsed, new Output(out, err, parsed));
    }

    abstract int run(ParsedArgs parsed, Output output);

    /**
     * Expands the positionals (or those after the first {@code skip}) into nodes. The grammar's
     * warnings go to stderr, also with --quiet: like an error, they are about the command line.
     */
    List<NodeSpec> nodes(ParsedArgs parsed, int skip) {
        return nodes(parsed, skip, n -> null);
    }

    /**
     * {@link #nodes(ParsedArgs, int)} for nodes that exist: a node given without
     * {@code --pidfile}/{@code --logfile} has its record's files ({@code recorded}).
     */
    List<NodeSpec> nodes(ParsedArgs parsed, int skip, NodeExpander.Recorded recorded) {
        List<String> positionals = parsed.positionals();
        return NodeExpander.expand(positionals.subList(Math.min(skip, positionals.size()), positionals.size()),
                parsed, host(), w -> warnings.println("drover: warning: " + Printable.of(w)), recorded);
    }

    static String firstPositional(ParsedArgs parsed, String what) {
        if (parsed.positionals().isEmpty()) {
            throw new UsageException("missing " + what);
        }
        return parsed.positionals().get(0);
    }
}
