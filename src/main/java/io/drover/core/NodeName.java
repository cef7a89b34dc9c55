package io.drover.core;

/**
 * A node's full name, {@code short@host}. The short name is what {@code %n} expands to and what
 * pidfiles are usually named after; the host part is what {@code %d} expands to.
 *
 * <p>A node name is a name, never a path: both parts end up in the pidfile and logfile paths
 * ({@code /run/drover/%n.pid}), where root creates files. So neither part may contain {@code /}
 * or be the path step {@code .} or {@code ..}, no part may hold a control character (a newline
 * would also forge lines in logs and in {@code names}) or a blank, and the short name may not be empty.
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
        for (int i = 0; i < part.length(); i++) {
            if (Character.isWhitespace(part.charAt(i)) || Character.isSpaceChar(part.charAt(i))) {
                // a blank splits the name in every script, unit name and ps line that shows it
                throw new UsageException("node name '" + printable(full) + "': a blank in " + which
                        + " (a node name is one word, also in its pidfile and logfile paths)");
            }
        }
    }

    /** {@code text} on one line, as {@link Printable#of} shows it. */
    public static String printable(String text) {
        return Printable.of(text);
    }

    @Override
    public String toString() {
        return full;
    }
}
