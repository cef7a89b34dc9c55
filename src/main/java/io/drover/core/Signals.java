package io.drover.core;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Signal names and numbers as Linux numbers them, for {@code stop -TERM}, {@code -9},
 * {@code -SIGKILL}. A table of our own keeps the commands that only parse from loading the
 * native layer.
 */
public final class Signals {
    private Signals() {}

    public static final int HUP = 1;
    public static final int INT = 2;
    public static final int QUIT = 3;
    public static final int KILL = 9;
    public static final int TERM = 15;

    private static final Map<String, Integer> BY_NAME = new TreeMap<>();
    static {
        String[] names = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1",
            "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
        for (int i = 1; i < names.length; i++) {
            BY_NAME.put(names[i], i);
        }
    }

    /**
     * Reads a signal argument such as {@code -TERM}, {@code -9}, {@code -SIGKILL}; empty when the
     * token is not one (so {@code -c} stays an option).
     */
    public static Optional<Integer> parseArgument(String token) {
        if (token.length() < 2 || token.charAt(0) != '-' || token.startsWith("--")) {
            return Optional.empty();
        }
        String body = token.substring(1);
        if (body.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(body);
            return n >= 1 && n <= 64 ? Optional.of(n) : Optional.empty();
        }
        if (!body.equals(body.toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        String name = body.startsWith("SIG") ? body.substring(3) : body;
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** {@code TERM} for 15; the number itself for signals without a name here. */
    public static String name(int signal) {
        for (Map.Entry<String, Integer> e : BY_NAME.entrySet()) {
            if (e.getValue() == signal) {
                return e.getKey();
            }
        }
        return Integer.toString(signal);
    }
}
