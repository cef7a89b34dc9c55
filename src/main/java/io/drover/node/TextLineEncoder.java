package io.drover.node;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.TimeZone;

/**
 * A node's text lines, {@link LogSetup#PATTERN} written out by hand: byte for byte what
 * logback's {@code PatternLayoutEncoder} writes for that pattern, without building it. The
 * layout's start (its converter table, the pattern's parser and compiler, a
 * {@code DateTimeFormatter} and the search for time-zone providers, which opens every jar of
 * the class path) was ~20 ms of a node's CPU to ready. The zone's offset comes from {@code TimeZone} rather than
 * {@code ZoneId}, whose rules provider is looked for through a service search: both read the
 * JDK's one tz database and agree from 1900 to 2036 (a test holds them equal in every zone);
 * earlier, local mean times are rounded differently, and later {@code TimeZone} follows a rule
 * of its own where {@code ZoneId} still has the database's transitions. An event with a
 * throwable, and a date outside the years 1900-2036, go to that encoder after all, built at
 * the first such event, in the zone this one started in: its stack trace format is logback's.
 */
final class TextLineEncoder extends EncoderBase<ILoggingEvent> {
    /** The zone at start, as logback's date converter takes {@code ZoneId.systemDefault()} once. */
    private TimeZone zone;
    /** The second of the last line, and its "yyyy-MM-dd HH:mm:ss" text. */
    private long second = Long.MIN_VALUE;
    private String secondText;
    /** logback's encoder of the same pattern, for what this one leaves to it; null until needed. */
    private PatternLayoutEncoder full;

    @Override
    public void start() {
        zone = TimeZone.getDefault();
        super.start();
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        long millis = event.getTimeStamp();
        String date = event.getThrowableProxy() == null ? secondText(Math.floorDiv(millis, 1000)) : null;
        if (date == null) {
            return full().encode(event);
        }
        String logger = event.getLoggerName();
        StringBuilder b = new StringBuilder(128);
        b.append('[').append(date).append(',');
        int ms = Math.floorMod(millis, 1000);
        b.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
        b.append(": ").append(event.getLevel()).append('/').append(event.getThreadName()).append("] ")
                .append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ")
                .append(event.getFormattedMessage()).append(System.lineSeparator());
        // the layout's encoder without a charset: the platform's, as String.getBytes() is
        return b.toString().getBytes();
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    /** "yyyy-MM-dd HH:mm:ss" of {@code epochSecond} in the zone, or null outside the years 1900-2036. */
    private synchronized String secondText(long epochSecond) {
        if (epochSecond != second) {
            int offset = zone.getOffset(epochSecond * 1000) / 1000;
            LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.ofTotalSeconds(offset));
            if (t.getYear() < 1900 || t.getYear() > 2036) {
                return null;
            }
            StringBuilder b = new StringBuilder(19);
            pad(b, t.getYear(), 4).append('-');
            pad(b, t.getMonthValue(), 2).append('-');
            pad(b, t.getDayOfMonth(), 2).append(' ');
            pad(b, t.getHour(), 2).append(':');
            pad(b, t.getMinute(), 2).append(':');
            pad(b, t.getSecond(), 2);
            secondText = b.toString();
            second = epochSecond;
        }
        return secondText;
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits);
    }

    /** {@link LogSetup#PATTERN} with the zone its date is written in named, as its second option. */
    private static String inZone(TimeZone zone) {
        String date = "%d{\"yyyy-MM-dd HH:mm:ss,SSS\"}";
        if (!LogSetup.PATTERN.contains(date)) {
            throw new IllegalStateException("LogSetup.PATTERN has no " + date + ": " + LogSetup.PATTERN);
        }
        return LogSetup.PATTERN.replace(date, "%d{\"yyyy-MM-dd HH:mm:ss,SSS\", \"" + zone.toZoneId().getId() + "\"}");
    }

    private synchronized PatternLayoutEncoder full() {
        if (full == null) {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setContext(getContext());
            // in the zone this encoder started in, named: built now, at the first line with a
            // throwable, logback's would take the default zone of now, which the application
            // may have changed since (TimeZone.setDefault in its main), and that line's time
            // would be in another zone than every other line's
            pattern.setPattern(inZone(zone));
            pattern.start();
            full = pattern;
        }
        return full;
    }
}
