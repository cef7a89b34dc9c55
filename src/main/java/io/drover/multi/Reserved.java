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
}
