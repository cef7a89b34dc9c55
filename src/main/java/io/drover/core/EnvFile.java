package io.drover.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code --env-file=PATH}: a file of {@code KEY=VALUE} lines as systemd's
 * {@code EnvironmentFile=} reads it (systemd.exec(5)), and what changed between two of them,
 * by name only. Pure: the file's bytes come from whoever read them safely.
 */
public final class EnvFile {
    private EnvFile() {}

    /** The most a file may hold: an environment, not a data file. */
    public static final int MAX_BYTES = 1 << 20;

    /**
     * The variables, in the order first given (a later line wins): blank lines and lines whose
     * first non-blank character is {@code #} or {@code ;} are comments; a backslash at the end of
     * a line joins the next; around a value blanks are dropped; a value in single quotes is
     * literal, in double quotes {@code \"}, {@code \\}, {@code \$} and {@code \`} are the
     * character; outside quotes a backslash takes the next character as it is. A line without
     * {@code =}, or whose name is no variable name ({@code export X=1}), is ignored, as systemd
     * ignores it.
     */
    public static Map<String, String> parse(String text) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : logicalLines(text)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = l.substring(0, eq).strip();
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                continue;
            }
            vars.put(name, value(l.substring(eq + 1).strip()));
        }
        return vars;
    }

    /** The lines, a backslash-newline joining two (inside quotes too, as systemd does). */
    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            int backslashes = 0;
            for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            if (backslashes % 2 == 1) {
                current.append(line, 0, line.length() - 1);
                continue;
            }
            current.append(line);
            lines.add(current.toString());
            current.setLength(0);
        }
        if (current.length() > 0) {
            lines.add(current.toString());
        }
        return lines;
    }

    private static String value(String v) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (c == '\'') {
                int end = v.indexOf('\'', i + 1);
                end = end < 0 ? v.length() : end;
                s.append(v, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i++;
                while (i < v.length() && v.charAt(i) != '"') {
                    char d = v.charAt(i);
                    if (d == '\\' && i + 1 < v.length() && "\"\\$`".indexOf(v.charAt(i + 1)) >= 0) {
                        d = v.charAt(++i);
                    }
                    s.append(d);
                    i++;
                }
                i++;
            } else if (c == '\\' && i + 1 < v.length()) {
                s.append(v.charAt(i + 1));
                i += 2;
            } else {
                s.append(c);
                i++;
            }
        }
        return s.toString();
    }

    /** A value's salted hash as a record keeps it: never the value, and not the same in two records. */
    public static String hash(String salt, String value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return HexFormat.of().formatHex(sha.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A new salt: 16 random bytes, hex. */
    public static String newSalt() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The variables' hashes under {@code salt}, by name. */
    public static Map<String, String> hashes(String salt, Map<String, String> vars) {
        Map<String, String> h = new LinkedHashMap<>();
        vars.forEach((k, v) -> h.put(k, hash(salt, v)));
        return h;
    }

    /**
     * What changed from the hashes a record kept (under {@code salt}) to {@code now}, names only,
     * each list sorted: changed, added, removed.
     */
    public record Changes(List<String> changed, List<String> added, List<String> removed) {
        public boolean none() {
            return changed.isEmpty() && added.isEmpty() && removed.isEmpty();
        }
    }

    public static Changes changes(String salt, Map<String, String> before, Map<String, String> now) {
        TreeSet<String> changed = new TreeSet<>();
        TreeSet<String> added = new TreeSet<>();
        TreeSet<String> removed = new TreeSet<>(before.keySet());
        now.forEach((k, v) -> {
            removed.remove(k);
            if (!before.containsKey(k)) {
                added.add(k);
            } else if (!before.get(k).equals(hash(salt, v))) {
                changed.add(k);
            }
        });
        return new Changes(List.copyOf(changed), List.copyOf(added), List.copyOf(removed));
    }
}
