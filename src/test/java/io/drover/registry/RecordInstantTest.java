package io.drover.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A record's {@code started}, read by hand in the form drover writes, is what {@link Instant#parse} reads. */
class RecordInstantTest {
    @Test
    void every_instant_drover_writes_reads_back_as_instant_parse_reads_it() {
        Random random = new Random(32);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
            // toString writes no fraction, or 3, 6 or 9 digits of one
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            String text = Instant.ofEpochSecond(seconds, nanos).toString();
            assertEquals(Instant.parse(text), NodeRegistry.instant(text), text);
        }
    }

    @Test
    void any_other_text_is_read_or_refused_as_instant_parse_does() {
        for (String text : new String[] {"2026-12-07T08:47:25Z", "2026-12-07T08:47:25.5Z", "2026-12-07T08:47:25.123456789Z",
            "2024-02-29T00:00:00Z", "2000-02-29T12:00:00Z", "2026-12-31T23:59:59.999Z", "2026-12-07T23:59:60Z",
            "2026-12-07t08:47:25z", "2026-12-07T08:47:25+01:00", "+10000-01-01T00:00:00Z", "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
            "2026-12-00T00:00:00Z", "2026-12-07T24:00:00Z", "2026-12-07T24:00:01Z", "2026-12-07T08:60:00Z",
            "2026-12-07T08:47:61Z", "2026-12-07T08:47:25.Z", "2026-12-07T08:47:25.1234567891Z", "2026-12-07T08:47:2xZ",
            "2026-1a-07T08:47:25Z", "2026-12-07T08:47:25,5Z", "2026-12-07 08:47:25Z", "", "x",
            "2026-12-07T08:47:25.12a4Z", "-026-12-07T08:47:25Z", "0000-01-01T00:00:00Z", null}) {
            assertEquals(outcome(() -> Instant.parse(text)), outcome(() -> NodeRegistry.instant(text)), text);
        }
    }

    /** The instant read, or the class of what was thrown. */
    private static Object outcome(java.util.function.Supplier<Instant> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }
}
