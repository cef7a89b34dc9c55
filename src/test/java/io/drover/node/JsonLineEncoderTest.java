package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {
    @Test
    void quotes_backslashes_and_control_characters_are_escaped_and_the_line_is_one_line() {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        LoggingEvent e = new LoggingEvent("x", ctx.getLogger("stdout"), Level.WARN, "a \"q\" \\ b\nc\td\u001b[31m\u2028é",
                new IllegalStateException("boom"), null);
        String line = new String(new JsonLineEncoder("w1@h").encode(e), StandardCharsets.UTF_8);
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        assertTrue(line.contains(",\"level\":\"WARN\",\"node\":\"w1@h\",\"logger\":\"stdout\",\"thread\":\""), line);
        assertTrue(line.contains(",\"message\":\"a \\\"q\\\" \\\\ b\\nc\\td\\u001b[31m\\u2028é\""), line);
        assertTrue(line.contains(",\"exception\":\"java.lang.IllegalStateException: boom\\n\\tat "), line);
        assertTrue(line.matches("\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)\",.*\\s*"), line);
        assertEquals(-1, line.indexOf('\u001b'), line);
    }
}
