package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A node's text lines are byte for byte what logback's PatternLayoutEncoder writes for LogSetup.PATTERN. */
class TextLineEncoderTest {

    /** Times around DST changes, leap days, midnight, the epoch and the ends of the years logback prints. */
    private static final long[] TIMES = {0L, 999L, 1_000L, -1L, 1_711_846_799_999L, 1_711_846_800_000L,
            1_729_990_800_123L, 1_709_164_800_007L, 1_798_761_599_999L, 1_798_761_600_000L, 4_102_444_800_050L,
            253_402_300_799_999L, 253_402_300_800_000L, -62_135_596_800_000L, -62_135_596_800_001L, 1_765_000_000_042L};

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "GMT+05:30"})
    void every_line_is_what_logbacks_pattern_layout_writes(String zone) {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            LoggerContext ctx = new LoggerContext();
            Encoder<ILoggingEvent> logback = logbacks(ctx);
            TextLineEncoder ours = started(ctx);
            for (ILoggingEvent event : events(ctx)) {
                assertEquals(new String(logback.encode(event), StandardCharsets.UTF_8),
                        new String(ours.encode(event), StandardCharsets.UTF_8), zone + " " + event.getTimeStamp());
            }
        } finally {
            TimeZone.setDefault(before);
        }
    }

    @org.junit.jupiter.api.Test
    void the_date_is_logbacks_in_every_zone_the_jdk_knows() {
        // every 397 days and 7 hours through the years this encoder writes itself (1900-2036), and around this year's changes of time
        List<Long> times = new ArrayList<>(List.of(1_711_846_799_999L, 1_711_846_800_000L, 1_729_990_800_123L));
        for (long t = -2_208_816_000_000L; t < 2_114_208_000_000L; t += (397 * 24 + 7) * 3_600_000L) {
            times.add(t);
        }
        inEveryZone((zone, ctx, logback, ours) -> {
            for (long time : times) {
                assertSameLine(ctx, logback, ours, Level.INFO, null, time, zone + " " + time);
            }
        });
    }

    /**
     * An application that sets the default zone once it runs (TimeZone.setDefault(UTC) in its
     * main, after the node configured logging) changes no line: logback's encoder took the zone
     * when it started, so a line with a stack trace, which this encoder leaves to logback's,
     * keeps the zone of every other line.
     */
    @org.junit.jupiter.api.Test
    void a_line_with_a_throwable_keeps_the_zone_of_the_start_when_the_application_changes_the_default() {
        // from every zone the JDK knows, as the node's environment (TZ) names it, to one the application sets
        inEveryZone((zone, ctx, logback, ours) -> {
            TimeZone.setDefault(TimeZone.getTimeZone(zone.equals("UTC") ? "Asia/Kolkata" : "UTC"));
            for (Throwable thrown : new Throwable[] {null, new IllegalStateException("boom")}) {
                assertSameLine(ctx, logback, ours, Level.ERROR, thrown, 1_765_000_000_042L, zone + ", thrown: " + thrown);
            }
        });
    }

    /** What a test checks in one zone, with both encoders started while it was the default. */
    private interface ZoneCheck {
        void check(String zone, LoggerContext ctx, Encoder<ILoggingEvent> logback, TextLineEncoder ours);
    }

    /** Runs {@code check} in every zone the JDK knows, the default zone restored after. */
    private static void inEveryZone(ZoneCheck check) {
        TimeZone before = TimeZone.getDefault();
        try {
            for (String zone : TimeZone.getAvailableIDs()) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                LoggerContext ctx = new LoggerContext();
                check.check(zone, ctx, logbacks(ctx), started(ctx));
            }
        } finally {
            TimeZone.setDefault(before);
        }
    }

    /** One line of the logger drover on the thread main, written by both encoders. */
    private static void assertSameLine(LoggerContext ctx, Encoder<ILoggingEvent> logback, TextLineEncoder ours, Level level,
                                       Throwable thrown, long time, String what) {
        LoggingEvent e = new LoggingEvent("x", ctx.getLogger("drover"), level, "m", thrown, null);
        e.setTimeStamp(time);
        e.setThreadName("main");
        assertEquals(new String(logback.encode(e), StandardCharsets.UTF_8), new String(ours.encode(e), StandardCharsets.UTF_8), what);
    }

    private static TextLineEncoder started(LoggerContext ctx) {
        TextLineEncoder ours = new TextLineEncoder();
        ours.setContext(ctx);
        ours.start();
        return ours;
    }

    private static Encoder<ILoggingEvent> logbacks(LoggerContext ctx) {
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(ctx);
        pattern.setPattern(LogSetup.PATTERN);
        pattern.start();
        return pattern;
    }

    private static List<ILoggingEvent> events(LoggerContext ctx) {
        List<ILoggingEvent> events = new ArrayList<>();
        String[] loggers = {"drover", "stdout", "com.acme.Consumer", "a.b.", "ROOT"};
        Level[] levels = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
        int i = 0;
        for (long time : TIMES) {
            for (String logger : loggers) {
                Level level = levels[i++ % levels.length];
                Throwable thrown = i % 7 == 0 ? new IllegalStateException("boom", new java.io.IOException("cause")) : null;
                LoggingEvent e = new LoggingEvent("x", ctx.getLogger(logger), level, i % 5 == 0 ? null : "job {} of {}: é ✓",
                        thrown, new Object[] {i, "x y"});
                e.setTimeStamp(time + i);
                e.setThreadName(i % 3 == 0 ? "drover-app-start" : i % 3 == 1 ? "main" : "pool [1]");
                events.add(e);
            }
        }
        return events;
    }
}
