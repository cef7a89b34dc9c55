package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.Host;
import io.drover.core.Printable;
import io.drover.multi.ArgParser;
import io.drover.multi.NodeEvent;
import io.drover.multi.NodeExpander;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 25, class 3, in this JVM: every {@link NodeEvent} variant with every text of it written
 * by a hostile node user (escape sequences, a carriage return, a C1 CSI, a bidi override), through
 * the terminal reporter (plain, {@code --verbose}, {@code --quiet}), the status table and the JSON
 * reporter. No character a terminal acts on is printed raw (but a line's newline and a trace's
 * tab); JSON decodes to the exact text.
 */
class HostileEventRenderingTest {
    private static final Host HOST = new Host("HOST", false, Map.of("XDG_STATE_HOME", "/state"));
    static final String HOSTILE = "x\u001b]0;pwned\u0007\u001b]52;c;cHduZWQ=\u0007\u001b[2J\r\b\u009b2J\u202e\tend";

    /** Every variant with hostile text; status once per state, so each of its branches is taken. */
    static Stream<NodeEvent> hostileEvents() {
        Stream<NodeEvent> variants = Arrays.stream(NodeEvent.class.getPermittedSubclasses())
                .filter(v -> v != NodeEvent.Status.class).map(HostileEventRenderingTest::hostile);
        Stream<NodeEvent> statuses = Arrays.stream(NodeEvent.State.values())
                .map(state -> new NodeEvent.Status(state, 12, Duration.ofSeconds(5), HOSTILE, HOSTILE, 1L, 1.0, 1,
                        HOSTILE, HOSTILE));
        return Stream.concat(variants, statuses);
    }

    private static NodeEvent hostile(Class<?> variant) {
        RecordComponent[] parts = variant.getRecordComponents();
        Class<?>[] types = Arrays.stream(parts).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] values = Arrays.stream(types).map(t -> t == String.class ? HOSTILE : t == List.class ? List.of(HOSTILE)
                : t == long.class ? (Object) 7L : t == int.class ? (Object) 1 : t == boolean.class ? (Object) true
                : t == Duration.class ? Duration.ofSeconds(1) : t.isEnum() ? t.getEnumConstants()[0] : null)
                .toArray();
        try {
            return (NodeEvent) variant.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot make a " + variant.getSimpleName() + ": give this test a value of its types", e);
        }
    }

    @ParameterizedTest
    @MethodSource("hostileEvents")
    void the_terminal_reporter_and_the_status_table_show_hostile_text_escaped(NodeEvent event) {
        for (String[] flags : new String[][] {{}, {"--verbose"}, {"--quiet"}}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            TerminalReporter reporter = new TerminalReporter(output(out, err, flags));
            reporter.phase("Acting on nodes", List.of(node()));
            reporter.node(node(), event);
            assertPrintable(out.toString(), event);
            assertPrintable(err.toString(), event);
        }
        for (String[] flags : new String[][] {{}, {"--quiet"}}) {
            // supervise's lines, as a journal gets them
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            TerminalReporter.log(output(out, err, flags), java.time.Instant::now).node(node(), event);
            assertPrintable(out.toString(), event);
            assertPrintable(err.toString(), event);
        }
        StringWriter table = new StringWriter();
        StatusTable status = new StatusTable(output(table, new StringWriter()));
        status.phase("Status", List.of(node()));
        status.node(node(), event);
        status.finish();
        assertPrintable(table.toString(), event);
    }

    @ParameterizedTest
    @MethodSource("hostileEvents")
    void json_holds_the_hostile_text_exact_and_escaped(NodeEvent event) {
        StringWriter out = new StringWriter();
        JsonReporter reporter = new JsonReporter(output(out, new StringWriter(), "--json", "--verbose"));
        reporter.phase("Acting on nodes", List.of(node()));
        reporter.node(node(), event);
        reporter.finish();
        String json = out.toString();
        assertPrintable(json, event);
        assertTrue(JsonText.object(JsonText.array(json).get(0)).values().stream()
                .anyMatch(v -> v != null && (v.equals(HOSTILE) || v.equals(List.of(HOSTILE)))) || !hasText(event),
                () -> "no field holds the exact text: " + json);
    }

    private static boolean hasText(NodeEvent event) {
        return Arrays.stream(event.getClass().getRecordComponents())
                .anyMatch(c -> c.getType() == String.class || c.getType() == List.class);
    }

    /**
     * No character a terminal acts on but newline and tab, which only lay out (a line's end, a
     * trace's indent): no escape sequence, no carriage return or backspace over drover's text.
     */
    private static void assertPrintable(String text, NodeEvent event) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int at = i;
            assertFalse(Printable.escaped(c) && c != '\n' && c != '\t',
                    () -> String.format("U+%04X raw at %d rendering %s:%n%s", (int) c, at, event.getClass().getSimpleName(),
                            Printable.text(text)));
        }
    }

    private static NodeSpec node() {
        ParsedArgs parsed = ArgParser.parse(List.of("w1"), false, name -> false);
        return NodeExpander.expand(parsed.positionals(), parsed, HOST, w -> { }).get(0);
    }

    private static Output output(StringWriter out, StringWriter err, String... flags) {
        List<String> args = new ArrayList<>(List.of(flags));
        args.add("--nosplash");
        args.add("--no-color"); // the test JVM's stdout may be a terminal: its colours are not the point here
        return new Output(new PrintWriter(out), new PrintWriter(err), ArgParser.parse(args, false, name -> false));
    }
}
