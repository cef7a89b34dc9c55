package io.drover.core;

/**
 * The {@code %} keys of option values (docs/design.md, "The multi grammar": templates). Expansion happens in two places:
 * {@code multi} expands the keys it can know per node ({@code %h %n %N %d %p}) and leaves the
 * per-process ones ({@code %i %I %%}) for the worker, which knows its process index.
 */
public final class Templates {
    private Templates() {}

    /** The main process of a node; pool threads do not get processes of their own. */
    public static final int MAIN_PROCESS = 0;

    /**
     * Expands the node keys in {@code value}, keeping {@code %i %I %%} literal.
     *
     * @param where names the option the value came from, for the error message
     * @throws UsageException for any other {@code %x}
     */
    public static String expandForNode(String value, NodeName node, String where) {
        return expand(value, node, where, false, MAIN_PROCESS);
    }

    /** Expands every key, for the process with the given index (0 is the main process). */
    public static String expandForProcess(String value, NodeName node, int processIndex, String where) {
        return expand(value, node, where, true, processIndex);
    }

    /** Expands {@code %h} in a node name given on the command line to this host's name. */
    public static String expandHostInName(String name, String hostname) {
        return name.replace("%h", hostname);
    }

    private static String expand(String value, NodeName node, String where, boolean perProcess, int index) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 1 >= value.length()) {
                throw new UsageException(where + ": '" + value + "' ends with a lone '%' (write %% for a literal %)");
            }
            char key = value.charAt(++i);
            switch (key) {
                case 'h', 'p' -> out.append(node.full());
                case 'n', 'N' -> out.append(node.shortName());
                case 'd' -> out.append(node.hostPart());
                case 'i' -> out.append(perProcess ? Integer.toString(index) : "%i");
                case 'I' -> out.append(perProcess ? (index == MAIN_PROCESS ? "" : "-" + index) : "%I");
                case '%' -> out.append(perProcess ? "%" : "%%");
                default -> throw new UsageException(where + ": unknown template key '%" + key + "' in '" + value
                        + "' (known: %h %n %N %d %p %i %I %%)");
            }
        }
        return out.toString();
    }
}
