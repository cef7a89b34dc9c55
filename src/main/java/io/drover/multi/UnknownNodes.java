package io.drover.multi;

import io.drover.core.UsageException;
import java.util.ArrayList;
import java.util.List;

/**
 * The refusal of a {@code restart} of nodes drover never knew ({@link Cluster#refuseUnknown}),
 * with a suggestion when a recorded nodename is close to the one given ({@code nc9} beside
 * {@code nc1}): a typo, which would otherwise start a new node and exit 0. Loaded only when a
 * restart is refused, so a restart that goes ahead pays nothing for the suggestion.
 */
final class UnknownNodes {
    private UnknownNodes() {}

    /** Nodes named in the message; the rest are counted. */
    private static final int NAMED = 5;

    /** The refusal: the nodes (a list), "it"/"them", the suggestion or nothing, the option that starts them anyway. */
    static final String REFUSED = "multi restart: no %s: drover never started %s and no process runs by %s%s;"
            + " multi start makes new nodes (or restart %s)";

    static UsageException refusal(List<NodeSpec> unknown, List<String> recorded) {
        List<String> names = unknown.stream().map(n -> n.nodename().full()).toList();
        String named = String.join(", ", names.subList(0, Math.min(NAMED, names.size())))
                + (names.size() > NAMED ? " and " + (names.size() - NAMED) + " more" : "");
        boolean one = names.size() == 1;
        List<String> guesses = new ArrayList<>();
        for (String name : names) {
            String close = closest(name, recorded);
            if (close != null && guesses.size() < NAMED) {
                guesses.add(one ? close : close + " for " + name);
            }
        }
        String suggestion = guesses.isEmpty() ? "" : " (did you mean " + String.join(", ", guesses) + "?)";
        return new UsageException(String.format(REFUSED, (one ? "node " : "nodes ") + named, one ? "it" : "them",
                one ? "that name" : "those names", suggestion, ArgParser.Own.START_NEW.spelling()));
    }

    /**
     * The recorded nodename closest to {@code name}, if it is close: at most one edit (a letter
     * added, removed, changed, or two swapped) for a name of up to 4 letters before {@code @},
     * two for a longer one, so a short name is not "corrected" into an unrelated one. The first
     * in nodename order on a tie; null when none is that close.
     */
    static String closest(String name, List<String> recorded) {
        int at = name.indexOf('@');
        int allowed = (at < 0 ? name.length() : at) <= 4 ? 1 : 2;
        String best = null;
        int bestDistance = allowed + 1;
        for (String candidate : recorded) {
            int d = distance(name, candidate);
            if (d > 0 && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** The optimal string alignment distance: Levenshtein's, with a swap of two neighbours one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
