package io.drover.multi;

import java.util.Map;

/** The output switches multi accepts anywhere before {@code --}; they never reach a worker. */
public enum Reserved {
    QUIET, VERBOSE, NO_COLOR, NOSPLASH, JSON, HELP;

    static final Map<String, Reserved> TOKENS = Map.of(
            "--quiet", QUIET, "-q", QUIET,
            "--verbose", VERBOSE,
            "--no-color", NO_COLOR,
            "--nosplash", NOSPLASH,
            "--json", JSON,
            "--help", HELP, "-h", HELP);

    /** Every spelling of the switches, help's included: what a typo of one is compared with. */
    public static java.util.Set<String> tokens() {
        return TOKENS.keySet();
    }

    /** Whether {@code token} is one of the output switches (not help). */
    public static boolean isOutputSwitch(String token) {
        Reserved r = TOKENS.get(token);
        return r != null && r != HELP;
    }
}
