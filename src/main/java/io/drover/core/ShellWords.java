package io.drover.core;

import java.util.ArrayList;
import java.util.List;

/** Splits {@code --jvm-opts} values into words and quotes argv for display, as sh would read them. */
public final class ShellWords {
    private ShellWords() {}

    /**
     * Splits on blanks as sh does: single and double quotes group, a backslash escapes the next
     * character (inside double quotes only before $ ` " \ and newline).
     */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length() && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
                    // inside double quotes sh keeps a backslash except before $ ` " \ and newline
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new UsageException("unterminated " + quote + " quote in '" + line + "'");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** One argv as a line sh would split back into the same words. */
    public static String join(List<String> argv) {
        StringBuilder out = new StringBuilder();
        for (String arg : argv) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(quote(arg));
        }
        return out.toString();
    }

    static String quote(String arg) {
        if (!arg.isEmpty() && arg.chars().allMatch(c -> Character.isLetterOrDigit(c) || "@%+=:,./_-*".indexOf(c) >= 0)
                && arg.indexOf('*') < 0) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
