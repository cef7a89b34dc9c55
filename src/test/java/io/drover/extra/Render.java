package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes test copies of the shipped files: the same text with the test's paths. Every replacement
 * must find what it replaces, so a shipped file that drifts from what the tests expect fails
 * loudly instead of being tested with the shipped paths.
 */
final class Render {
    private Render() {}

    /** Replaces each key literally; every key must occur. */
    static String replace(String text, Map<String, String> replacements, String what) {
        String out = text;
        for (Map.Entry<String, String> e : replacements.entrySet()) {
            assertTrue(out.contains(e.getKey()), what + " should contain " + e.getKey());
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    static Map<String, String> map(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** Drops the lines that start with one of the prefixes; each prefix must start some line. */
    static String dropLines(String text, String what, String... prefixes) {
        for (String prefix : prefixes) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(prefix)), what + " should have a line " + prefix + "...");
        }
        StringBuilder out = new StringBuilder();
        text.lines().filter(l -> List.of(prefixes).stream().noneMatch(l::startsWith))
                .forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }

    private static final Pattern ASSIGNMENT = Pattern.compile("^#?([A-Z_][A-Z0-9_]*)=.*$", Pattern.MULTILINE);

    /**
     * Sets variables of an EnvironmentFile: the line {@code KEY=...} (or a commented-out
     * {@code #KEY=...}) becomes {@code KEY="value"}; every key must have such a line.
     */
    static String setVariables(String conf, Map<String, String> values) {
        List<String> missing = new ArrayList<>(values.keySet());
        StringBuilder out = new StringBuilder();
        Matcher m = ASSIGNMENT.matcher(conf);
        while (m.find()) {
            String key = m.group(1);
            if (values.containsKey(key)) {
                missing.remove(key);
                m.appendReplacement(out, Matcher.quoteReplacement(key + "=\"" + values.get(key) + "\""));
            }
        }
        m.appendTail(out);
        assertTrue(missing.isEmpty(), "drover.conf has no line for " + missing);
        return out.toString();
    }

    /** The variables an EnvironmentFile assigns (not the commented-out ones). */
    static List<String> assigned(String conf) {
        List<String> keys = new ArrayList<>();
        Matcher m = ASSIGNMENT.matcher(conf);
        while (m.find()) {
            if (!m.group().startsWith("#")) {
                keys.add(m.group(1));
            }
        }
        return keys;
    }
}
