package io.drover.cli;

import io.drover.core.Host;
import io.drover.core.UsageException;
import io.drover.multi.ArgParser;
import io.drover.multi.NodeExpander;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import io.drover.multi.Reserved;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * its own ({@code --all}, {@code --watch}, {@code -n LINES}) takes them out first, so they
     * never reach the grammar or a worker; {@link #ownOptions} may take out more first.
     */
    ParsedArgs parse(List<String> tokens) {
        own = new OwnOptions(ownOptions(tokens), ownFlags(), ownOptional(), ownValued());
        return ArgParser.parse(own.rest(), acceptsSignal(), NODE_VALUED);
    }

    /**
     * The long options of the nodes' commands that take a value, read from their annotations:
     * the grammar gives them the next token ({@code --uid nobody}).
     */
    static final Set<String> NODE_VALUED = LeanParser.valuedLongOptions(new WorkerCommand(), new BeatCommand());

    /** multi's subcommands by name, read from {@link MultiCommand}'s {@code subcommands}. */
    static final Map<String, Class<? extends MultiLeaf>> SUBCOMMANDS = subcommands(MultiCommand.class);

    static Map<String, Class<? extends MultiLeaf>> subcommands(Class<?> group) {
        Map<String, Class<? extends MultiLeaf>> leaves = new HashMap<>();
        for (Class<?> c : group.getAnnotation(Command.class).subcommands()) {
            if (MultiLeaf.class.isAssignableFrom(c)) {
                leaves.put(c.getAnnotation(Command.class).name(), c.asSubclass(MultiLeaf.class));
            }
        }
        return Map.copyOf(leaves);
    }

    /** A new subcommand {@code name}, one of {@link #SUBCOMMANDS}. */
    static MultiLeaf create(String name) {
        try {
            return SUBCOMMANDS.get(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("multi " + name + ": " + e, e);
        }
    }

    /** This subcommand's own options, read by {@link #parse}. */
    OwnOptions own = new OwnOptions(List.of(), java.util.Set.of(), java.util.Set.of(), java.util.Set.of());

    /** This subcommand's own flags ({@code --all}). */
    java.util.Set<String> ownFlags() {
        return java.util.Set.of();
    }

    /** This subcommand's own options with an optional {@code =VALUE} ({@code --watch}). */
    java.util.Set<String> ownOptional() {
        return java.util.Set.of();
    }

    /** This subcommand's own options with a value ({@code -n LINES}). */
    java.util.Set<String> ownValued() {
        return java.util.Set.of();
    }

    /** The subcommand's name, as {@code multi NAME}. */
    final String name() {
        return getClass().getAnnotation(Command.class).name();
    }

    /**
     * Takes out options of the subcommand's own that the sets above cannot describe
     * ({@code export}'s) and returns the tokens left; none by default.
     */
    List<String> ownOptions(List<String> tokens) {
        return tokens;
    }

    /** The host to expand nodes for; tests override it through the environment of the process. */
    Host host() {
        return Host.current();
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
        List<String> positionals = parsed.positionals();
        return NodeExpander.expand(positionals.subList(Math.min(skip, positionals.size()), positionals.size()),
                parsed, host(), w -> warnings.println("drover: warning: " + w));
    }

    static String firstPositional(ParsedArgs parsed, String what) {
        if (parsed.positionals().isEmpty()) {
            throw new UsageException("missing " + what);
        }
        return parsed.positionals().get(0);
    }
}
