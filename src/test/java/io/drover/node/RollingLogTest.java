package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's own rotation on real files: sizes, days, the files kept, links it never follows. */
class RollingLogTest {
    @TempDir
    Path dir;
    private final LoggerContext ctx = new LoggerContext();
    private OutputStreamAppender<ILoggingEvent> appender;
    private long n;

    @AfterEach
    void stop() {
        if (appender != null) {
            appender.stop();
        }
    }

    private Path start(LogOptions options) {
        // an event copies the MDC: a context of its own needs an adapter, as logback's own gets one
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        Path log = dir.resolve("n.log");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender = RollingLog.of(log, options, new LogSetup.Sized(LogSetup.open(log), 0),
                () -> new LogSetup.Sized(LogSetup.open(log), RollingLog.sizeOf(log)));
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();
        return log;
    }

    /** A 100-byte line numbered {@code n}, stamped {@code time}. */
    private void line(long time) {
        LoggingEvent e = new LoggingEvent("x", ctx.getLogger("t"), Level.INFO, String.format("n=%06d %091d", ++n, 0), null, null);
        e.setTimeStamp(time);
        appender.doAppend(e);
    }

    @Test
    void at_the_size_the_file_rotates_and_keep_gzip_files_stay_each_continuing_the_next() {
        Path log = start(new LogOptions(false, 1024, false, 2));
        for (int i = 0; i < 100; i++) {
            line(System.currentTimeMillis());
        }
        appender.stop(); // waits for the last gzip
        assertEquals(List.of("n.log", "n.log.1.gz", "n.log.2.gz"), files());
        List<String> older = gunzip(dir.resolve("n.log.2.gz"));
        List<String> newer = gunzip(dir.resolve("n.log.1.gz"));
        List<String> active = read(log);
        assertEquals(11, older.size(), "a file holds the lines up to the first at or past 1K");
        assertEquals(number(older.get(older.size() - 1)) + 1, number(newer.get(0)));
        assertEquals(number(newer.get(newer.size() - 1)) + 1, number(active.get(0)));
        assertEquals(100, number(active.get(active.size() - 1)));
    }

    @Test
    void what_the_jvm_writes_to_the_file_itself_counts_toward_the_size() throws IOException {
        Path log = start(new LogOptions(false, 1024, false, 2));
        // a thread dump, -Xlog: written to descriptor 1, past the appender
        Files.write(log, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        line(System.currentTimeMillis());
        appender.stop(); // waits for the gzip
        assertEquals(List.of("n.log", "n.log.1.gz"), files(), "the file past 1K rotated at the next line");
    }

    @Test
    void daily_rotates_at_the_first_line_after_midnight_whatever_the_size() {
        Path log = start(new LogOptions(false, 0, true, 3));
        line(System.currentTimeMillis());
        line(System.currentTimeMillis() + 2 * 86_400_000L);
        appender.stop();
        assertEquals(List.of("n.log", "n.log.1.gz"), files());
        assertEquals(List.of(1L), gunzip(dir.resolve("n.log.1.gz")).stream().map(RollingLogTest::number).toList());
        assertEquals(List.of(2L), read(log).stream().map(RollingLogTest::number).toList());
    }

    @Test
    void links_at_the_rotated_names_are_replaced_never_followed() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "secret\n");
        Path log = start(new LogOptions(false, 1024, false, 2));
        for (String name : List.of("n.log.1.gz.tmp", "n.log.2.gz", "n.log.1.gz")) {
            Files.createSymbolicLink(dir.resolve(name), secret);
        }
        for (int i = 0; i < 40; i++) {
            line(System.currentTimeMillis());
        }
        appender.stop();
        assertEquals("secret\n", Files.readString(secret));
        assertEquals(List.of("n.log", "n.log.1.gz", "n.log.2.gz", "secret"), files());
        assertTrue(Files.isRegularFile(dir.resolve("n.log.2.gz"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(40, number(read(log).get(read(log).size() - 1)));
    }

    private List<String> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long number(String line) {
        return Long.parseLong(line.substring(2, 8));
    }

    private static List<String> read(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> gunzip(Path gz) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
