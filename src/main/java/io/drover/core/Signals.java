package io.drover.core;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Signal arguments ({@code stop -TERM}, {@code -9}, {@code -SIGKILL}) and names, as the platform
 * defines them (its {@link SignalTable}). The table is read on first use only: the commands that
 * only compute never take a signal, so they never load it.
 */
public final class Signals {
    private Signals() {}

    // The five signals drover itself sends or handles. POSIX fixes these numbers on every
    // platform (XSI), so they are constants the compiler inlines, costing no table lookup.
    public static final int HUP = 1;
    public static final int INT = 2;
    public static final int QUIT = 3;
    public static final int KILL = 9;
    public static final int TERM = 15;

    /** The platform's table, loaded the first time a signal is parsed or named. */
    private static final class Table {
        static final Map<String, Integer> BY_NAME = ServiceLoader.load(SignalTable.class, Signals.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + SignalTable.class.getName()
                        + " provider on the class path: drover's installation is incomplete"))
                .byName();
        /** The highest signal number: SIGRTMAX where the platform has real-time signals. */
        static final int MAX = BY_NAME.values().stream().mapToInt(Integer::intValue).max().orElse(TERM);
    }

    /**
     * Reads a signal argument such as {@code -TERM}, {@code -9}, {@code -SIGKILL}.
     *
     * @return the signal's number; empty when the token is not written as a signal at all (so
     *     {@code -c} and {@code -Q:1} stay options): a signal is {@code -} and digits, or
     *     {@code -} and two or more upper-case letters and digits
     * @throws UsageException for a token written as a signal that the platform does not have
     *     ({@code -HPU}, {@code -99}, {@code -0}): sending TERM instead would do what was not asked
     */
    public static Optional<Integer> parseArgument(String token) {
        if (!looksLikeSignal(token)) {
            return Optional.empty();
        }
        String body = token.substring(1);
        if (Character.isDigit(body.charAt(0))) {
            int n = body.length() > 3 ? -1 : Integer.parseInt(body);
            if (n >= 1 && n <= Table.MAX) {
                return Optional.of(n);
            }
        } else {
            Integer n = Table.BY_NAME.get(body.startsWith("SIG") ? body.substring(3) : body);
            if (n != null) {
                return Optional.of(n);
            }
        }
        throw new UsageException("unknown signal '" + token + "': give one this platform has, as -NAME, -SIGNAME"
                + " or -NUMBER (e.g. -TERM, -SIGTERM, -15, -INT, -HUP, -KILL, -9; numbers 1-" + Table.MAX + ")");
    }

    private static boolean looksLikeSignal(String token) {
        if (token.length() < 2 || token.charAt(0) != '-') {
            return false;
        }
        String body = token.substring(1);
        if (body.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return body.length() >= 2 && body.charAt(0) >= 'A' && body.charAt(0) <= 'Z'
                && body.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    }

    /** {@code TERM} for 15, the platform's first name for a number; the number itself if it has none. */
    public static String name(int signal) {
        for (Map.Entry<String, Integer> e : Table.BY_NAME.entrySet()) {
            if (e.getValue() == signal) {
                return e.getKey();
            }
        }
        return Integer.toString(signal);
    }
}
