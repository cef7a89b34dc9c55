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

/**
 * celery multi's argument grammar (DESIGN.md, "The multi argument grammar"), as a pure function
 * of the tokens after {@code multi SUBCOMMAND}:
 * <ul>
 * <li>{@code --} ends parsing; it and what follows go to every worker;
 * <li>{@code --name=value} is a long option, {@code --name} alone a flag: a long option never
 *     takes the next token;
 * <li>{@code -x value} takes the next token unless it starts with {@code -};
 * <li>{@code -x:NS value} and {@code --name:NS=value} are namespaced;
 * <li>anything else is positional.
 * </ul>
 * The exceptions are multi's own: the reserved switches, and {@code --timeout} /
 * {@code --start-timeout}, which take {@code =value} or the next token as an operator expects.
 */
public final class ArgParser {
    private ArgParser() {}

    /** multi's own options with a value; they are not passed to workers. */
    static final Set<String> MULTI_VALUED = Set.of("--timeout", "--start-timeout");

    /**
     * @param acceptsSignal whether a token such as {@code -TERM}, {@code -9} is a signal (stop,
     *     stopwait, restart) rather than an option
     */
    public static ParsedArgs parse(List<String> tokens, boolean acceptsSignal) {
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
                if (MULTI_VALUED.contains(head)) {
                    if (value == null) {
                        if (i + 1 >= tokens.size()) {
                            throw new UsageException(head + " needs a value (" + head + "=SECONDS)");
                        }
                        value = tokens.get(++i);
                    }
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
