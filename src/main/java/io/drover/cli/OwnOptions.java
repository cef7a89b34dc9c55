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
 * LINES} and {@code -f}. The grammar would give them to every worker, or read {@code -f 3} as a
 * logfile named 3.
 */
final class OwnOptions {
    private final Map<String, String> found = new LinkedHashMap<>();
    private final List<String> rest = new ArrayList<>();

    /**
     * @param flags options without a value ({@code --all})
     * @param optional options with an optional {@code =VALUE} and never a separate one ({@code --watch})
     * @param valued options with a value, {@code -n 20} or {@code -n=20}/{@code --lines=20}
     */
    OwnOptions(List<String> tokens, Set<String> flags, Set<String> optional, Set<String> valued) {
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("--")) {
                rest.addAll(tokens.subList(i, tokens.size()));
                break;
            }
            int eq = t.indexOf('=');
            String head = eq < 0 ? t : t.substring(0, eq);
            if (flags.contains(t)) {
                found.put(t, "");
            } else if (optional.contains(head)) {
                found.put(head, eq < 0 ? "" : t.substring(eq + 1));
            } else if (valued.contains(head)) {
                if (eq >= 0) {
                    found.put(head, t.substring(eq + 1));
                } else if (i + 1 < tokens.size() && !tokens.get(i + 1).equals("--")) {
                    found.put(head, tokens.get(++i));
                } else {
                    throw new UsageException(head + " needs a value");
                }
            } else {
                rest.add(t);
            }
        }
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
}
