package io.drover.core;

/**
 * Text from outside (a pidfile's content, a process's command line, an application's exception
 * message, a log line, a record) made safe to show on a terminal: every character a terminal
 * would act on instead of showing is written visibly, as {@code \n}, {@code \t}, {@code \r}
 * or {@code \\u} and four hex digits (ESC shows as a backslash and {@code u001b}), as {@code ls}
 * and {@code systemctl} escape what they show. Without this, a node's user who writes
 * {@code ESC ] 52 ; c ; ... BEL} into its pidfile or an exception message sets root's clipboard
 * when root runs {@code multi status}; {@code ESC ] 0 ;} sets the window title,
 * {@code ESC [ 2 J} clears the screen, a carriage return or backspace overwrites what drover
 * wrote before it.
 *
 * <p>Escaped: C0 controls (U+0000-U+001F: ESC, BEL, CR, backspace...), DEL, the C1 controls
 * (U+0080-U+009F: a terminal in an 8-bit mode takes U+009B as CSI) and the Unicode bidirectional
 * formatting characters, which reorder what a terminal shows (a line that reads differently from
 * what it holds). A backslash is left as it is: the escapes are for the eye, not to be undone.
 *
 * <p>The renderers apply it to whatever they print (docs/security.md, round three, 3): the
 * cluster's events ({@code TerminalReporter}, {@code StatusTable}), supervise's lines, the error
 * line {@code Main} prints, {@code logs} on a terminal. JSON is escaped by its own rules.
 */
public final class Printable {
    private Printable() {}

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@code text} as one line: every character {@link #escaped} shown escaped, tab and newline too. */
    public static String of(String text) {
        return escape(text, false, false);
    }

    /**
     * {@code text} as one line whose tabs are kept (a log line: its columns), every other
     * character {@link #escaped} shown escaped, newline too.
     */
    public static String line(String text) {
        return escape(text, true, false);
    }

    /**
     * {@code text} as lines: newlines and tabs kept (a stack trace), every other character
     * {@link #escaped} shown escaped.
     */
    public static String text(String text) {
        return escape(text, true, true);
    }

    /**
     * {@code s} as a JSON string, quotes included: JSON's escapes (RFC 8259), and every character
     * {@link #escaped} names as {@code \\uXXXX} too, so a JSON line on a terminal is as harmless as
     * text and still decodes to the exact string; U+2028 and U+2029 as well, line breaks to
     * JavaScript and to tools that split lines as Unicode does.
     */
    public static void json(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (escaped(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Whether a terminal acts on {@code c} rather than showing it: what {@link #of} escapes. */
    public static boolean escaped(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || bidi(c);
    }

    /**
     * The bidirectional formatting characters (UAX #9): the marks ALM, LRM and RLM, the embeddings
     * and overrides LRE, RLE, PDF, LRO, RLO, and the isolates LRI, RLI, FSI, PDI.
     */
    private static boolean bidi(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || c >= '\u202a' && c <= '\u202e'
                || c >= '\u2066' && c <= '\u2069';
    }

    private static String escape(String text, boolean tabs, boolean newlines) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean kept = !escaped(c) || tabs && c == '\t' || newlines && c == '\n';
            if (kept) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                        .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            }
        }
        return out == null ? text : out.toString();
    }
}
