package io.drover.multi;

/**
 * One option as written after {@code multi SUBCOMMAND}.
 *
 * @param name the option with its dashes and without namespace: {@code -c}, {@code --pidfile}
 * @param namespace the part after {@code :} ({@code 1-3}, {@code image,video}), or null for all nodes
 * @param value the value, or null for a flag
 * @param written the option as the user wrote it, for error messages ({@code -c:1-3})
 */
public record MultiOption(String name, String namespace, String value, String written) {

    public boolean isFlag() {
        return value == null;
    }
}
