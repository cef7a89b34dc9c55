package io.drover.multi;

import io.drover.core.Signals;
import io.drover.core.UsageException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;

/**
 * celery multi's argument grammar (docs/design.md, "The multi grammar"), as a pure function
 * of the tokens after {@code multi SUBCOMMAND}:
 * <ul>
 * <li>{@code --} ends parsing; it and what follows go to every worker;
 * <li>{@code --name=value} is a long option, {@code --name} alone a flag: a long option never
 *     takes the next token, except the ones drover's commands define with a value (multi's own,
 *     {@link #OWN_VALUED}, and the nodes', which the caller reads from the worker's and beat's
 *     declarations: {@code --uid nobody} means what it says);
 * <li>{@code -x value} takes the next token unless it starts with {@code -};
 * <li>{@code -x:NS value} and {@code --name:NS=value} are namespaced;
 * <li>a lone {@code -} is a usage error: it is neither an option nor a name (celery multi dies
 *     of an IndexError on it);
 * <li>anything else is positional.
 * </ul>
 * multi's own options are the reserved switches and {@code --timeout} / {@code --start-timeout},
 * which are not passed to workers.
 */
public final class ArgParser {
    private ArgParser() {}

    /** multi's own options with a value; they are not passed to workers. */
    static final Set<String> MULTI_VALUED = Set.of("--timeout", "--start-timeout", "--batch",
            "--backoff", "--backoff-max", "--backoff-reset", "--max-restarts", "--within", "--max-memory",
            "--memory-interval", "--heartbeat");

    /** multi's own flags (restart's {@code --rolling}); not passed to workers either. */
    static final Set<String> MULTI_FLAGS = Set.of("--rolling");

    /** multi's naming options with a value (docs/cli.md, "Naming options"): read by the expander. */
    static final Set<String> NAMING_VALUED = Set.of("--range-prefix", "--prefix", "--suffix", "--hostname", "--append");

    /** multi's own long options that take a value: its naming options and those not passed to workers. */
    public static final Set<String> OWN_VALUED = union(MULTI_VALUED, NAMING_VALUED);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /**
     * @param acceptsSignal whether a token such as {@code -TERM}, {@code -9} is a signal (stop,
     *     stopwait, restart) rather than an option
     * @param nodeValued whether a long option of the nodes' commands takes a value: written
     *     without {@code =}, it takes the next token as {@link #OWN_VALUED} do; asked only about a
     *     long option without {@code =} that is not multi's own
     */
    public static ParsedArgs parse(List<String> tokens, boolean acceptsSignal, Predicate<String> nodeValued) {
        List<String> positionals = new ArrayList<>();
        List<MultiOption> options = new ArrayList<>();
        List<String> passthrough = new ArrayList<>();
        Set<Reserved> reserved = EnumSet.noneOf(Reserved.class);
        Map<String, String> multiOptions = new LinkedHashMap<>();
        OptionalInt signal = OptionalInt.empty();

        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.equals("--")) {
                passthrough.addAll(tokens.subList(i, tokens.size()));
                break;
            }
            if (token.equals("-")) {
                throw new UsageException("'-' alone is neither an option nor a node name");
            }
            Reserved flag = Reserved.TOKENS.get(token);
            if (flag != null) {
                reserved.add(flag);
                continue;
            }
            if (acceptsSignal) {
                Optional<Integer> sig = Signals.parseArgument(token);
                if (sig.isPresent()) {
                    signal = OptionalInt.of(sig.get());
                    continue;
                }
            }
            if (token.startsWith("--") && token.length() > 2) {
                int eq = token.indexOf('=');
                String head = eq < 0 ? token : token.substring(0, eq);
                String value = eq < 0 ? null : token.substring(eq + 1);
                String bare = head.contains(":") ? head.substring(0, head.indexOf(':')) : head;
                if (value == null && (OWN_VALUED.contains(bare) || nodeValued.test(bare))) {
                    // An option drover knows takes a value reads the next token, as an operator
                    // expects of "--uid nobody"; unknown long options stay flags (celery's rule).
                    if (i + 1 >= tokens.size() || tokens.get(i + 1).startsWith("-")) {
                        throw new UsageException(head + " needs a value (" + head + "=VALUE)");
                    }
                    value = tokens.get(++i);
                }
                if (value == null && MULTI_FLAGS.contains(head)) {
                    multiOptions.put(head, "true");
                    continue;
                }
                if (MULTI_VALUED.contains(head)) {
                    multiOptions.put(head, value);
                    continue;
                }
                options.add(option(head, value, token));
            } else if (token.startsWith("-") && token.length() > 1) {
                String value = null;
                if (i + 1 < tokens.size() && !tokens.get(i + 1).startsWith("-")) {
                    value = tokens.get(++i);
                }
                options.add(option(token, value, token));
            } else {
                positionals.add(token);
            }
        }
        return new ParsedArgs(List.copyOf(positionals), List.copyOf(options), List.copyOf(passthrough),
                Set.copyOf(reserved), Map.copyOf(multiOptions), signal);
    }

    private static MultiOption option(String head, String value, String written) {
        int colon = head.indexOf(':');
        if (colon < 0) {
            return new MultiOption(head, null, value, written);
        }
        String name = head.substring(0, colon);
        String namespace = head.substring(colon + 1);
        if (namespace.isEmpty()) {
            throw new UsageException(written + ": empty node namespace after ':' (write e.g. " + name + ":1-3)");
        }
        return new MultiOption(name, namespace, value, written);
    }
}
