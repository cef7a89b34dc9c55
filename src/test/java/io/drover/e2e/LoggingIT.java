package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node's logging: drover's format from --logfile/--loglevel, or the user's logback.xml. */
class LoggingIT extends DroverTest {
    @Test
    void a_users_logback_configuration_wins_over_drovers() throws Exception {
        Path xml = dir.resolve("logback.xml");
        Files.writeString(xml, "<configuration><appender name='out' class='ch.qos.logback.core.ConsoleAppender'>"
                + "<encoder><pattern>CUSTOM %level %msg%n</pattern></encoder></appender>"
                + "<root level='INFO'><appender-ref ref='out'/></root></configuration>");
        Drover.Result r = drover.multi(Map.of(), "start", "1", "--jvm-opts=-Dlogback.configurationFile=" + xml);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(drover.log("drover1").contains("CUSTOM INFO drover1@" + Drover.hostname() + " ready"), drover.log("drover1"));
    }

    @Test
    void the_log_level_filters_and_the_line_format_is_celerys() {
        Drover.Result r = drover.multi(Map.of(), "start", "1", "-l", "WARNING");
        assertEquals(0, r.exitCode(), r::toString);
        String log = drover.log("drover1");
        assertTrue(log.matches("(?s)\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}: WARN/main\\] drover: running as root.*"), log);
        assertTrue(!log.contains(" ready"), "INFO lines at -l WARNING: " + log);
    }
}
