package io.drover.core;

/**
 * A node's full name, {@code short@host}. The short name is what {@code %n} expands to and what
 * pidfiles are usually named after; the host part is what {@code %d} expands to.
 *
 * <p>A node name is a name, never a path: both parts end up in the pidfile and logfile paths
 * ({@code /run/drover/%n.pid}), where root creates files. So neither part may contain {@code /}
 * or be the path step {@code .} or {@code ..}, no part may hold a control character (a newline
 * would also forge lines in logs and in {@code names}), and the short name may not be empty.
 * Anything else is a usage error that names the node; no {@code NodeName} holds such a name.
 */
public record NodeName(String full, String shortName, String hostPart) {

    public NodeName {
        check(full, shortName, "the name before '@'");
        check(full, hostPart, "the host part after '@'");
        if (shortName.isEmpty()) {
            throw new UsageException("node name '" + printable(full) + "': the name before '@' is empty");
        }
    }

    public static NodeName parse(String full) {
        int at = full.indexOf('@');
        if (at < 0) {
            return new NodeName(full, full, "");
        }
        return new NodeName(full, full.substring(0, at), full.substring(at + 1));
    }

    /** {@code shortName@host}; an empty host still gets the separator, as celery multi does. */
    public static NodeName of(String shortName, String host) {
        return new NodeName(shortName + "@" + host, shortName, host);
    }

    private static void check(String full, String part, String which) {
        if (part.indexOf('/') >= 0) {
            throw new UsageException("node name '" + printable(full) + "': '/' in " + which
                    + " (a node name is part of its pidfile and logfile paths, never a path)");
        }
        if (part.equals(".") || part.equals("..")) {
            throw new UsageException("node name '" + printable(full) + "': " + which + " is '" + part
                    + "', a path step in its pidfile and logfile paths, not a name");
        }
        for (int i = 0; i < part.length(); i++) {
            if (Character.isISOControl(part.charAt(i))) {
                throw new UsageException("node name '" + printable(full) + "': a control character ("
                        + printable(String.valueOf(part.charAt(i))) + ") in " + which);
            }
        }
    }

    /** {@code text} on one line: control characters as {@code \n}, {@code \t}, {@code \r} or {@code \\u} and four hex digits. */
    public static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isISOControl(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }

    @Override
    public String toString() {
        return full;
    }
}
