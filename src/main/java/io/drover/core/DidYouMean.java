package io.drover.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "did you mean" of a usage error: which of the words a command knows are close to one it
 * does not ({@code --jsno}: {@code --json}; {@code stats}: {@code status}). One rule for every
 * option and subcommand, on picocli's path and on the paths that skip picocli, so a typo gets
 * the same answer wherever it is made. Only an error loads this class: a command line drover
 * understands never pays for it.
 *
 * <p>The rule: the words are compared without their leading dashes and case, by optimal string
 * alignment distance (insertions, deletions, substitutions and swaps of two neighbouring
 * characters, each 1: {@code jsno} is 1 from {@code json}); a word is close when that is at most
 * 1 for a word of up to 5 characters and at most 2 for a longer one, and a word of 1 or 2
 * characters ({@code -z}) has none close, as any other letter would be. The closest win, at most
 * {@link #MAX} of them, in the candidates' order.
 */
public final class DidYouMean {
    private DidYouMean() {}

    /** The most suggestions one message names. */
    public static final int MAX = 3;

    /** The candidates closest to {@code written}, in their order; empty when none is close. */
    public static List<String> closest(String written, Iterable<String> candidates) {
        String typed = bare(written);
        int limit = typed.length() <= 2 ? -1 : typed.length() <= 5 ? 1 : 2;
        int best = limit;
        List<String> closest = new ArrayList<>();
        for (String candidate : candidates) {
            if (candidate.equals(written) || closest.contains(candidate)) {
                continue;
            }
            int d = distance(typed, bare(candidate));
            if (d < best) {
                best = d;
                closest.clear();
            }
            if (d == best) {
                closest.add(candidate);
            }
        }
        return List.copyOf(closest.subList(0, Math.min(MAX, closest.size())));
    }

    /**
     * {@code "did you mean A?"}, {@code "did you mean A or B?"}, or "" when none is close.
     */
    public static String phrase(String written, Iterable<String> candidates) {
        List<String> closest = closest(written, candidates);
        if (closest.isEmpty()) {
            return "";
        }
        String last = closest.get(closest.size() - 1);
        String words = closest.size() == 1 ? last
                : String.join(", ", closest.subList(0, closest.size() - 1)) + " or " + last;
        return "did you mean " + words + "?";
    }

    /** {@link #phrase} in parentheses after a blank, or "": what a message adds after the word it does not know. */
    public static String suffix(String written, Iterable<String> candidates) {
        String phrase = phrase(written, candidates);
        return phrase.isEmpty() ? "" : " (" + phrase + ")";
    }

    private static String bare(String word) {
        int start = 0;
        while (start < word.length() && word.charAt(start) == '-') {
            start++;
        }
        return word.substring(start).toLowerCase(Locale.ROOT);
    }

    /** Optimal string alignment distance (Damerau-Levenshtein without moving a character twice). */
    public static int distance(String a, String b) {
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
