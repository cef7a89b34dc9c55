package io.drover.multi;

import io.drover.core.DidYouMean;
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
            int d = DidYouMean.distance(name, candidate);
            if (d > 0 && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }
}
