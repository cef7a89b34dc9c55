package io.drover.core;

/**
 * The {@code %} keys (docs/design.md, "The multi grammar": templates), in two sets, as celery has them:
 * <ul>
 * <li><b>Host keys</b>, in a node's name ({@link #expandHostInName}): {@code %h} this host's
 *     name, {@code %n} its part before the first dot, {@code %d} its part after it: celery's
 *     {@code host_format}, applied to the whole nodename (name, host part, {@code --prefix},
 *     {@code --suffix}, {@code --hostname}).
 * <li><b>Node keys</b>, in option values: {@code multi} expands the ones it can know per node
 *     ({@code %h %n %N %d %p}) and leaves the per-process ones ({@code %i %I %%}) for the worker,
 *     which knows its process index.
 * </ul>
 * A key is {@code %} and a letter; a letter that is not a key of the set is a usage error naming
 * it. A {@code %} before anything else, or at the end, is a literal {@code %} (celery's templates
 * are {@code %\w}): {@code -Q 50%} means 50%.
 */
public final class Templates {
    private Templates() {}

    /** The main process of a node; pool threads do not get processes of their own. */
    public static final int MAIN_PROCESS = 0;

    /**
     * Expands the node keys in {@code value}, keeping {@code %i %I %%} literal.
     *
     * @param where names the option the value came from, for the error message
     * @throws UsageException for any other {@code %} and letter
     */
    public static String expandForNode(String value, NodeName node, String where) {
        return expand(value, node, where, false, MAIN_PROCESS);
    }

    /** Expands every key, for the process with the given index (0 is the main process). */
    public static String expandForProcess(String value, NodeName node, int processIndex, String where) {
        return expand(value, node, where, true, processIndex);
    }

    /**
     * Expands the host keys in a node name: {@code %h} is {@code hostname}, {@code %n} its part
     * before the first dot, {@code %d} its part after it (empty without a dot). {@code %%} stays
     * {@code %%}, so a name expands to itself a second time (the worker expands its {@code -n}).
     *
     * @throws UsageException for any other {@code %} and letter, naming it and the name
     */
    public static String expandHostInName(String name, String hostname) {
        if (name.indexOf('%') < 0) {
            return name;
        }
        int dot = hostname.indexOf('.');
        String shortHost = dot < 0 ? hostname : hostname.substring(0, dot);
        String domain = dot < 0 ? "" : hostname.substring(dot + 1);
        StringBuilder out = new StringBuilder(name.length() + 16);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            char key = i + 1 < name.length() ? name.charAt(i + 1) : 0;
            if (c != '%' || !(isLetter(key) || key == '%')) {
                out.append(c);
                continue;
            }
            i++;
            switch (key) {
                case 'h' -> out.append(hostname);
                case 'n' -> out.append(shortHost);
                case 'd' -> out.append(domain);
                case '%' -> out.append("%%");
                default -> throw new UsageException("node name '" + NodeName.printable(name) + "': unknown template key '%"
                        + key + "' (known in node names: %h %n %d, this host's name, short name and domain)");
            }
        }
        return out.toString();
    }

    /** An ASCII letter: what can follow {@code %} as a key (celery's {@code \w}, less digits and _). */
    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String expand(String value, NodeName node, String where, boolean perProcess, int index) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            char key = i + 1 < value.length() ? value.charAt(i + 1) : 0;
            if (c != '%' || !(isLetter(key) || key == '%')) {
                out.append(c);
                continue;
            }
            i++;
            switch (key) {
                case 'h', 'p' -> out.append(node.full());
                case 'n', 'N' -> out.append(node.shortName());
                case 'd' -> out.append(node.hostPart());
                case 'i' -> out.append(perProcess ? Integer.toString(index) : "%i");
                case 'I' -> out.append(perProcess ? (index == MAIN_PROCESS ? "" : "-" + index) : "%I");
                case '%' -> out.append(perProcess ? "%" : "%%");
                default -> throw new UsageException(where + ": unknown template key '%" + key + "' in '" + NodeName.printable(value)
                        + "' (known: %h %n %N %d %p %i %I %%)");
            }
        }
        return out.toString();
    }
}
