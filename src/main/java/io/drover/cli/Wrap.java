package io.drover.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Line wrapping for help that never breaks a word: lines are broken at blanks only, so a
 * {@code --pidfile=/run/drover/%n.pid} or a {@code -Q:4,5} always reads (and copies) whole. A
 * word longer than the line runs over it instead.
 */
final class Wrap {
    private Wrap() {}

    /** The words of a text, split at blanks. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String w : text.strip().split(" +")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    /**
     * A paragraph: the first line starts with {@code first}, the others with {@code rest}
     * (both blanks, or a prefix such as {@code "# "}).
     */
    static List<String> paragraph(String text, String first, String rest, int width) {
        return fill(words(text), first, rest, "", width);
    }

    /**
     * A shell command, broken between its words (a quoted word with blanks stays whole) with a
     * {@code \} at the end of each broken line, so that the lines pasted into a shell are the
     * same command.
     */
    static List<String> command(String line, String indent, int width) {
        return fill(shellWords(line), indent, indent + "    ", " \\", width);
    }

    private static List<String> fill(List<String> words, String first, String rest, String continuation, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            // room for the word, and for the continuation mark unless it is the last word
            int needed = (empty ? 0 : 1) + word.length() + (i == words.size() - 1 ? 0 : continuation.length());
            if (!empty && line.length() + needed > width) {
                lines.add(line.append(continuation).toString());
                line = new StringBuilder(rest);
                empty = true;
            }
            if (!empty) {
                line.append(' ');
            }
            line.append(word);
            empty = false;
        }
        if (!empty || lines.isEmpty()) {
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** Splits a command line at the blanks sh splits it at, keeping each word as written (quotes too). */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                word.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                word.append(c);
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(c).append(line.charAt(++i));
            } else if (c == ' ') {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * {@code Usage: SYNOPSIS}, broken between its elements: a bracketed group such as
     * {@code [NODES | COUNT]} stays on one line.
     */
    static List<String> fillSynopsis(String synopsis, int width) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        int depth = 0;
        for (char c : synopsis.toCharArray()) {
            if (c == ' ' && depth == 0) {
                if (part.length() > 0) {
                    parts.add(part.toString());
                    part.setLength(0);
                }
                continue;
            }
            depth += c == '[' ? 1 : c == ']' ? -1 : 0;
            part.append(c);
        }
        if (part.length() > 0) {
            parts.add(part.toString());
        }
        return fill(parts, "Usage: ", "       ", "", width);
    }

    /** One row of a two-column table: a term and its text. */
    record Row(String term, String text) {}

    /**
     * A two-column table indented by two: the text column starts after the widest term (at
     * most a third of the width); a wider term puts its text on the next line.
     */
    static List<String> table(List<Row> rows, int width) {
        int widest = rows.stream().mapToInt(r -> r.term().length()).max().orElse(0);
        int column = 2 + Math.min(widest, Math.max(12, width / 3)) + 2;
        String pad = " ".repeat(column);
        List<String> lines = new ArrayList<>();
        for (Row row : rows) {
            String head = "  " + row.term();
            if (row.text().isEmpty()) {
                lines.add(head);
            } else if (head.length() + 2 > column) {
                lines.add(head);
                lines.addAll(paragraph(row.text(), pad, pad, width));
            } else {
                List<String> text = paragraph(row.text(), pad, pad, width);
                lines.add(head + text.get(0).substring(head.length()));
                lines.addAll(text.subList(1, text.size()));
            }
        }
        return lines;
    }
}
