package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTest {
    /** Each row: the text, and what a terminal is to show of it as one line. */
    private static final String[][] ROWS = {
        {"plain text", "plain text"},
        {"\u001b]0;pwned\u0007", "\\u001b]0;pwned\\u0007"},
        {"\u001b]52;c;cHduZWQ=\u0007", "\\u001b]52;c;cHduZWQ=\\u0007"},
        {"\u001b[2J", "\\u001b[2J"},
        {"a\rb", "a\\rb"},
        {"a\nb\tc", "a\\nb\\tc"},
        {"back\bspace\u007f", "back\\u0008space\\u007f"},
        {"c1\u009b2J\u0080\u009f", "c1\\u009b2J\\u0080\\u009f"},
        {"abc\u202edef\u2066\u200f\u061c", "abc\\u202edef\\u2066\\u200f\\u061c"},
        {"nul\u0000", "nul\\u0000"},
        {"\u00e9 \u2713 \u65e5 \\ back\\u001b", "\u00e9 \u2713 \u65e5 \\ back\\u001b"},
    };

    @Test
    void of_escapes_every_control_a_terminal_acts_on_and_keeps_the_rest() {
        for (String[] row : ROWS) {
            assertEquals(row[1], Printable.of(row[0]), () -> "for " + row[1]);
        }
    }

    @Test
    void a_line_keeps_its_tabs_and_text_keeps_tabs_and_newlines() {
        assertEquals("a\tb\\nc\\u001b", Printable.line("a\tb\nc\u001b"));
        assertEquals("a\tb\nc\\u001b\\r", Printable.text("a\tb\nc\u001b\r"));
    }

    @Test
    void printable_text_is_left_as_it_is_and_escaping_twice_changes_nothing() {
        String plain = "pid 12 in /run/w1.pid is gone";
        assertSame(plain, Printable.of(plain));
        String once = Printable.of("x\u001b]0;t\u0007\r\n\t\u009b\u202e");
        assertEquals(once, Printable.of(once));
        assertEquals(null, Printable.of(null));
    }

    @Test
    void nothing_it_shows_is_a_character_a_terminal_acts_on() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            every.append(c);
        }
        String shown = Printable.of(every.toString());
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            assertFalse(Printable.escaped(c), () -> String.format("U+%04X is shown raw", (int) c));
            assertFalse(Character.getType(c) == Character.CONTROL, () -> String.format("U+%04X is shown raw", (int) c));
        }
        assertTrue(shown.contains("\\u001b") && shown.contains("\\u009b") && shown.contains("\\u202e"));
    }
}
