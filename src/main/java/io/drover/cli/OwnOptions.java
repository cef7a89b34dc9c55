package io.drover.cli;

import io.drover.core.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A subcommand's own options, taken out of its tokens (before {@code --}) before multi's
 * grammar reads the rest: {@code --all}, {@code --watch[=SECONDS]}, {@code logs}' {@code -n
 * LINES} and {@code -f}, {@code export}'s {@code --out DIR} and {@code --beat}. The grammar would
 * give them to every worker, or read {@code -f 3} as a logfile named 3.
 */
final class OwnOptions {
    /** How an own option takes its value. */
    enum Kind {
        /** none: {@code --all}. */
        FLAG,
        /** only after {@code =}, never a separate token: {@code --watch[=SECONDS]}. */
        OPTIONAL_VALUE,
        /** after {@code =}, else the next token whatever it is but {@code --}: {@code -n LINES}. */
        VALUE,
        /**
         * after {@code =}, else the next token unless it looks like an option (as the grammar
         * reads its valued options), and never empty: {@code --out DIR}.
         */
        WORD
    }

    private final Map<String, String> found = new LinkedHashMap<>();
    private final List<String> rest = new ArrayList<>();

    /** @param declared the subcommand's own options, by every name they go by */
    OwnOptions(List<String> tokens, Map<String, Kind> declared) {
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("--")) {
                rest.addAll(tokens.subList(i, tokens.size()));
                break;
            }
            int eq = t.indexOf('=');
            String head = eq < 0 ? t : t.substring(0, eq);
            Kind kind = declared.get(head);
            if (kind == null || (kind == Kind.FLAG && eq >= 0)) {
                rest.add(t);
            } else if (kind == Kind.FLAG) {
                found.put(t, "");
            } else if (eq >= 0) {
                found.put(head, checked(kind, head, t.substring(eq + 1)));
            } else if (kind == Kind.OPTIONAL_VALUE) {
                found.put(head, "");
            } else if (kind == Kind.VALUE && i + 1 < tokens.size() && !tokens.get(i + 1).equals("--")) {
                found.put(head, tokens.get(++i));
            } else if (kind == Kind.VALUE) {
                throw new UsageException(head + " needs a value");
            } else if (i + 1 < tokens.size() && !tokens.get(i + 1).startsWith("-")) {
                found.put(head, checked(kind, head, tokens.get(++i)));
            } else {
                throw new UsageException(head + " needs a value (" + head + "=VALUE)");
            }
        }
    }

    private static String checked(Kind kind, String option, String value) {
        if (kind == Kind.WORD && value.isEmpty()) {
            throw new UsageException(option + " needs a value, got an empty one");
        }
        return value;
    }

    List<String> rest() {
        return rest;
    }

    boolean has(String option) {
        return found.containsKey(option);
    }

    /** The value given, "" for a flag or an optional value left out, null when not given. */
    String value(String option) {
        return found.get(option);
    }

    /** The options given, in the order first given. */
    Set<String> given() {
        return found.keySet();
    }
}
