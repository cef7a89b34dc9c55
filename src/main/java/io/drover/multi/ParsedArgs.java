package io.drover.multi;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What {@link ArgParser} read from the tokens after {@code multi SUBCOMMAND}, before nodes are
 * known: positionals (node names, a count, or a subcommand's own arguments), options in the
 * order written, the {@code --} passthrough, the reserved output switches, multi's own options
 * ({@link ArgParser.Own}: spelling to value, {@code "true"} for a flag, in the order first written)
 * and a signal ({@code -TERM}).
 */
public record ParsedArgs(
        List<String> positionals,
        List<MultiOption> options,
        List<String> passthrough,
        Set<Reserved> reserved,
        Map<String, String> multiOptions,
        OptionalInt signal) {

    public boolean has(Reserved flag) {
        return reserved.contains(flag);
    }

    /** The value of one of multi's own options, or null when it is not given ("true" for a flag). */
    public String own(ArgParser.Own option) {
        return multiOptions.get(option.spelling());
    }

    /** Whether one of multi's own options is given. */
    public boolean has(ArgParser.Own option) {
        return multiOptions.containsKey(option.spelling());
    }
}
