package io.drover.node;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.drover.core.Printable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * {@code --log-format=json}: one JSON object a line, for Loki, ELK or journald, with
 * {@code time} (ISO 8601, milliseconds, the node's offset), {@code level}, {@code node},
 * {@code logger}, {@code thread}, {@code message} and, when there is one, {@code exception}
 * (the stack trace as the text format prints it). Ours rather than logback's
 * {@code JsonEncoder}, whose lines carry the logger context, its properties and the time in
 * epoch milliseconds on every line, and none of the node's name.
 */
final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());

    private final String node;

    JsonLineEncoder(String node) {
        this.node = node;
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"time\":\"").append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append('"');
        field(b, "level", event.getLevel().toString());
        field(b, "node", node);
        field(b, "logger", event.getLoggerName());
        field(b, "thread", event.getThreadName());
        field(b, "message", event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(b, "exception", ThrowableProxyUtil.asString(thrown));
        }
        b.append("}\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    /** {@code ,"name":"value"}. */
    private static void field(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":");
        Printable.json(b, value == null ? "" : value);
    }
}
