package io.drover.core;

/**
 * A node's full name, {@code short@host}. The short name is what {@code %n} expands to and what
 * pidfiles are usually named after; the host part is what {@code %d} expands to.
 */
public record NodeName(String full, String shortName, String hostPart) {

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

    @Override
    public String toString() {
        return full;
    }
}
