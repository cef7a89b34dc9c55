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
 * multi's own options ({@link Own}) and the reserved switches are not passed to workers.
 */
public final class ArgParser {
    private ArgParser() {}

    /**
     * multi's own options: read by its subcommands, never passed to a worker. Which subcommand
     * takes which is that subcommand's table (cli's {@code MultiLeaf.takes}); one it does not
     * take is a usage error there, never dropped.
     */
    public enum Own {
        TIMEOUT("--timeout"), START_TIMEOUT("--start-timeout"), ROLLING("--rolling", false), BATCH("--batch"),
        BACKOFF("--backoff"), BACKOFF_MAX("--backoff-max"), BACKOFF_RESET("--backoff-reset"),
        MAX_RESTARTS("--max-restarts"), WITHIN("--within"), MAX_MEMORY("--max-memory"),
        MEMORY_INTERVAL("--memory-interval"), HEARTBEAT("--heartbeat"), START_NEW("--start-new", false),
        // supervise's hooks (issue 29, item 5)
        ON_FAILURE("--on-failure"), ON_RESTART("--on-restart"), ON_GIVE_UP("--on-give-up"), HOOK_TIMEOUT("--hook-timeout"),
        GIVE_UP_FOR("--give-up-for"),
        // supervise's /metrics (issue 30, item 5)
        METRICS_PORT("--metrics-port"), METRICS_ADDRESS("--metrics-address"),
        // stopwait's escalation at its --timeout, a thread dump first (issue 30, item 3)
        KILL_AFTER_TIMEOUT("--kill-after-timeout", false);

        private final String spelling;
        private final boolean valued;

        Own(String spelling) {
            this(spelling, true);
        }

        Own(String spelling, boolean valued) {
            this.spelling = spelling;
            this.valued = valued;
        }

        /** The option as written: {@code --timeout}. */
        public String spelling() {
            return spelling;
        }

        /** Whether it takes a value; a flag ({@code --rolling}) does not. */
        public boolean valued() {
            return valued;
        }

        private static final Map<String, Own> BY_SPELLING = bySpelling();

        private static Map<String, Own> bySpelling() {
            Map<String, Own> all = new java.util.HashMap<>();
            for (Own own : values()) {
                all.put(own.spelling, own);
            }
            return Map.copyOf(all);
        }

        /** The own option spelled {@code spelling}, or null. */
        public static Own of(String spelling) {
            return BY_SPELLING.get(spelling);
        }
    }

    /**
     * The options that name the nodes (docs/cli.md, "Node names"): the expander reads them, they
     * are not passed to workers and cannot be set per node. {@code -n} is {@code --hostname}'s
     * short form, as in {@code drover worker}; a short option takes the next token anyway.
     */
    public static final Set<String> NAMING = Set.of(Naming.RANGE_PREFIX, Naming.PREFIX, Naming.SUFFIX, Naming.HOSTNAME,
            Naming.HOSTNAME_SHORT);

    /** The naming options, each by its spelling: what the expander looks them up by. */
    public static final class Naming {
        private Naming() {}

        public static final String RANGE_PREFIX = "--range-prefix";
        public static final String PREFIX = "--prefix";
        public static final String SUFFIX = "--suffix";
        public static final String HOSTNAME = "--hostname";
        public static final String HOSTNAME_SHORT = "-n";
    }

    /**
     * celery multi's {@code --append=WORDS}: read by the expander, which adds the words to each
     * worker's command line. Not a naming option: it can be set per node ({@code --append:2=x}).
     */
    public static final String APPEND = "--append";

    /**
     * {@code --after=NODE[,NODE]}: the node starts once those nodes are ready, and is stopped
     * before them (docs/cli.md, "Start order"). About other nodes, so multi's, not a worker's;
     * read by the expander, which resolves the names among the nodes given; set per node as any
     * option ({@code --after:web1,web2=db}).
     */
    public static final String AFTER = "--after";

    /**
     * multi's long options that take the next token when written without {@code =}: its own
     * valued ones, the long naming options and {@code --append}.
     */
    public static final Set<String> OWN_VALUED = ownValued();

    private static Set<String> ownValued() {
        Set<String> all = new java.util.HashSet<>();
        for (Own own : Own.values()) {
            if (own.valued()) {
                all.add(own.spelling());
            }
        }
        NAMING.stream().filter(o -> o.startsWith("--")).forEach(all::add);
        all.add(APPEND);
        all.add(AFTER);
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
                Own own = Own.of(bare);
                if (own != null) {
                    if (!bare.equals(head)) {
                        throw new UsageException(head + ": " + bare + " is multi's own and cannot be set per node");
                    }
                    if (!own.valued() && value != null) {
                        throw new UsageException(token + ": " + head + " takes no value");
                    }
                    multiOptions.put(head, own.valued() ? value : "true");
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
                Set.copyOf(reserved), java.util.Collections.unmodifiableMap(multiOptions), signal);
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
