package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/daemonizing.md quotes the shipped files: each code block marked
 * {@code <!-- shipped: extra/PATH -->} must be that file without its comments and blank lines,
 * so the page cannot drift from what the other tests run.
 */
class ServicesDocIT {
    static final Pattern SHIPPED = Pattern.compile("<!-- shipped: (extra/\\S+) -->\\n```[a-z]*\\n(.*?)```", Pattern.DOTALL);

    /** Comment lines: '#' and ';' lines, except a commented-out variable (#JAVA_HOME=...), which the page shows. */
    static List<String> content(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String t = line.strip();
            boolean comment = t.startsWith(";") || (t.startsWith("#") && !t.matches("#[A-Z_]+=.*"));
            if (!t.isEmpty() && !comment) {
                lines.add(line.stripTrailing());
            }
        }
        return lines;
    }

    @Test
    void every_file_the_page_quotes_is_quoted_as_shipped() throws IOException {
        Path dist = Sandbox.dist();
        String page = Files.readString(dist.resolve("docs/daemonizing.md"));
        Matcher m = SHIPPED.matcher(page);
        List<String> quoted = new ArrayList<>();
        while (m.find()) {
            quoted.add(m.group(1));
            assertEquals(content(Files.readString(dist.resolve(m.group(1)))), content(m.group(2)),
                    "docs/daemonizing.md quotes " + m.group(1) + " differently from the shipped file");
        }
        for (String file : List.of("extra/systemd/drover.service", "extra/systemd/drover@.service",
                "extra/systemd/droverbeat.service", "extra/systemd/drover.conf", "extra/systemd/drover.tmpfiles",
                "extra/supervisord/droverd.conf", "extra/logrotate.d/drover")) {
            assertTrue(quoted.contains(file), "the page should quote " + file + "; it quotes " + quoted);
        }
        for (String section : List.of("## systemd", "## Running as root", "## supervisor", "## launchd (macOS)",
                "## Log rotation")) {
            assertTrue(page.lines().anyMatch(section::equals), "the page should have a section " + section);
        }
    }
}
