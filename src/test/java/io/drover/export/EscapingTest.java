package io.drover.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How each engine's file carries an argument: a pure function, checked on the nasty characters. */
class EscapingTest {
    @Test
    void systemd_doubles_percent_and_dollar_and_backslashes_quote_and_backslash_inside_double_quotes() {
        assertEquals("\"a%%b$$c\\\"d\\\\e\" \"\\x09\"", SystemdExport.commandLine(List.of("a%b$c\"d\\e", "\t")));
    }

    @Test
    void supervisord_doubles_percent_and_backslashes_what_a_shell_or_an_inline_comment_would_take() {
        assertEquals("a\\ \\;b %%n \\'q\\' ''", SupervisordExport.commandLine(List.of("a ;b", "%n", "'q'", "")));
    }
}
