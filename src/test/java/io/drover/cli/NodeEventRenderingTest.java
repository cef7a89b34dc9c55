package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.drover.core.Host;
import io.drover.multi.ArgParser;
import io.drover.multi.NodeEvent;
import io.drover.multi.NodeExpander;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link NodeEvent} variant through the terminal and JSON reporters: none is silent, none
 * is shown as its record's {@code toString()}, and what the reporters and the status table show
 * is byte for byte {@code node-events.txt} (scripts read these lines and this JSON, key order
 * included; a change of it is a change of drover's output, made on purpose or not at all).
 */
class NodeEventRenderingTest {
    private static final Host HOST = new Host("HOST", false, Map.of("XDG_STATE_HOME", "/state"));
    private static final String GOLDEN = "node-events.txt";

    /** One instance of every permitted variant, each component a sample value of its type. */
    static Stream<NodeEvent> everyVariant() {
        return Arrays.stream(NodeEvent.class.getPermittedSubclasses()).map(NodeEventRenderingTest::sample);
    }

    private static NodeEvent sample(Class<?> variant) {
        RecordComponent[] parts = variant.getRecordComponents();
        if (parts == null) {
            throw new AssertionError(variant + " is not a record: give this test a sample of it");
        }
        Class<?>[] types = Arrays.stream(parts).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            return (NodeEvent) variant.getDeclaredConstructor(types).newInstance(Arrays.stream(parts)
                    // a list of pids (a status's leftover) is not a list of options
                    .map(p -> p.getGenericType().getTypeName().equals("java.util.List<java.lang.Long>")
                            ? List.of(4242L, 4243L) : sampleValue(p.getType())).toArray());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot make a " + variant.getSimpleName(), e);
        }
    }

    private static Object sampleValue(Class<?> type) {
        if (type == long.class || type == Long.class) {
            return 4242L;
        } else if (type == int.class || type == Integer.class) {
            return 15;
        } else if (type == boolean.class || type == Boolean.class) {
            return true;
        } else if (type == double.class || type == Double.class) {
            return 12.5;
        } else if (type == String.class) {
            return "a sample reason";
        } else if (type == Duration.class) {
            return Duration.ofSeconds(61);
        } else if (type == List.class) {
            return List.of("-Q", "a,b");
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        } else if (type == NodeEvent.Supervision.class) {
            return new NodeEvent.Supervision(4244L, "backoff", 2, Duration.ofSeconds(3), false);
        } else if (type == io.drover.launch.HandshakeReader.class) {
            return null; // a heartbeat's reader is supervise's, never shown
        }
        return fail("no sample value of " + type + ": add one to this test");
    }

    @ParameterizedTest
    @MethodSource("everyVariant")
    void the_terminal_reporter_shows_every_variant_in_its_own_words(NodeEvent event) {
        String out = terminal(event).out();
        assertTrue(out.contains("\t> w1@HOST: "), () -> event + " printed no line: " + out);
        assertFalse(out.contains(event.toString()), () -> "the record's toString: " + out);
        assertFalse(out.contains(event.getClass().getSimpleName() + "["), () -> "the record's toString: " + out);
    }

    @ParameterizedTest
    @MethodSource("everyVariant")
    void the_json_reporter_records_every_variant_in_its_own_words(NodeEvent event) {
        String before = json(new NodeEvent[0]);
        String after = json(new NodeEvent[] {event});
        assertNotEquals(before, after, () -> event + " left the node's JSON object as it was");
        assertFalse(after.contains(event.getClass().getSimpleName() + "["), () -> "the record's toString: " + after);
    }

    @Test
    void the_golden_events_cover_every_variant() {
        Set<Class<?>> covered = golden().stream().map(Object::getClass).collect(Collectors.toSet());
        Set<Class<?>> all = Set.of(NodeEvent.class.getPermittedSubclasses());
        assertEquals(all, covered, "give " + GOLDEN + " an instance of each variant");
    }

    @Test
    void every_rendering_is_byte_for_byte_the_golden_file() throws IOException {
        String actual = renderAll();
        String expected;
        try (InputStream in = NodeEventRenderingTest.class.getResourceAsStream(GOLDEN)) {
            expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!actual.equals(expected)) {
            Path file = Path.of("target", GOLDEN + ".actual");
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual);
        }
        assertEquals(expected, actual, "what drover shows changed (the new rendering is in target/" + GOLDEN
                + ".actual)");
    }

    /** Events as the cluster sends them, with values that take each branch of each renderer. */
    private static List<NodeEvent> golden() {
        return List.of(
                new NodeEvent.Started(101, null),
                new NodeEvent.Started(102, "pid 7 is not a drover node"),
                new NodeEvent.AlreadyRunning(103),
                new NodeEvent.Failed(78, "cannot open logfile x: Permission denied"),
                new NodeEvent.Failed(70, "boom", "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)"),
                new NodeEvent.Signalled(15, 104),
                new NodeEvent.Signalled(9, 105),
                new NodeEvent.NotRunning(),
                new NodeEvent.StaleIgnored("pid 9 is not a drover node"),
                new NodeEvent.Warning("record not trusted"),
                new NodeEvent.Down(106),
                new NodeEvent.Down(-1),
                new NodeEvent.StillAlive(107),
                new NodeEvent.Status(NodeEvent.State.RUNNING, 108, Duration.ofSeconds(3725), "/run/w1.pid", null, 52_428_800L, 12.345,
                        2, "signal 9", null),
                new NodeEvent.Status(NodeEvent.State.RUNNING, 113, Duration.ofSeconds(61), "/run/w1.pid", null, 52_428_800L, 1.0,
                        0, null, "ready"),
                new NodeEvent.Status(NodeEvent.State.STARTING, 114, Duration.ofSeconds(2), "/run/w1.pid", null, 52_428_800L, 50.0,
                        null, null, "stalled"),
                new NodeEvent.Status(NodeEvent.State.RUNNING, 109, null, "/run/w1.pid", null),
                new NodeEvent.Status(NodeEvent.State.STARTING, 110, Duration.ofSeconds(5), "/run/w1.pid", null, 900_000L, 0.04, 0,
                        null, null),
                new NodeEvent.Status(NodeEvent.State.STOPPED, -1, null, "/run/w1.pid", null, null, null, 1, "status 0", null),
                new NodeEvent.Status(NodeEvent.State.DEAD, 111, null, "/run/w1.pid", "pidfile left by pid 111"),
                new NodeEvent.Status(NodeEvent.State.DEAD, 111, null, "/run/w1.pid", "pidfile left by pid 111", null, null,
                        1, "signal 9", null, List.of(112L, 113L)),
                new NodeEvent.Status(NodeEvent.State.STALE, 112, null, "/run/w1.pid", "pid 112 is another process", 3L << 30, 150.0,
                        null, null, null),
                new NodeEvent.Status(NodeEvent.State.UNKNOWN, -1, null, null, "record not trusted"),
                new NodeEvent.Dropped(List.of("-Q", "a,b", "--autoscale=4,2")),
                new NodeEvent.Forgotten(true),
                new NodeEvent.Forgotten(false),
                new NodeEvent.Adopted(115, "/run/w1.pid"),
                new NodeEvent.Restarting("signal 15 (TERM)", "rolling restart"),
                new NodeEvent.ExitedUnasked("signal 9", 2, Duration.ofMillis(1800)),
                new NodeEvent.ExitedUnasked("did not start: cannot open logfile x", 1, Duration.ofSeconds(1)),
                new NodeEvent.GaveUp("status 1", 5, 5, Duration.ofSeconds(60)),
                new NodeEvent.RestartAsked(NodeEvent.Why.MEMORY, "RSS 230.5 MiB over --max-memory 200.0 MiB", 116, 15),
                new NodeEvent.RestartAsked(NodeEvent.Why.HUNG, "hung: no heartbeat for 0.9 s (3 intervals of --heartbeat)",
                        117, 9),
                new NodeEvent.TimedOut(118),
                new NodeEvent.Stopped("status 0"),
                new NodeEvent.RollStopped("did not start: boom"),
                new NodeEvent.Hook("on-failure", "paging the on-call team", false),
                new NodeEvent.Hook("on-failure", "ended (status 3)", true),
                new NodeEvent.Killing(119, "hung", "thread dump in /var/log/drover/w1.log at 20481 (2026-12-07T06:30:01Z)"),
                new NodeEvent.Status(NodeEvent.State.RUNNING, 120, Duration.ofSeconds(9), "/run/w1.pid", null, 52_428_800L, 1.0,
                        3, "out of memory, heap dump /var/log/drover/heapdump/w1/java_pid119.hprof", null),

                new NodeEvent.EnvChanged(List.of("DB_URL", "TOKEN"), List.of("X"), List.of("Y")),
                new NodeEvent.EnvChanged(List.of(), List.of("X"), List.of()));
    }

    /** Several events of one node, in the order a command sends them: later ones overwrite earlier ones' fields. */
    private static List<List<NodeEvent>> sequences() {
        return List.of(
                List.of(new NodeEvent.Signalled(15, 104), new NodeEvent.Down(104)),
                List.of(new NodeEvent.Signalled(15, 104), new NodeEvent.StillAlive(104)),
                List.of(new NodeEvent.Started(102, "pid 7 is not a drover node"),
                        new NodeEvent.Dropped(List.of("-Q", "a,b"))),
                List.of(new NodeEvent.Started(102, "pid 7 is not a drover node"), new NodeEvent.Failed(1, "again")),
                List.of(new NodeEvent.Warning("record not trusted"),
                        new NodeEvent.Status(NodeEvent.State.DEAD, 111, null, "/run/w1.pid", "pidfile left by pid 111")),
                // stopwait --kill-after-timeout: the stop, the kill after a thread dump, the node gone
                List.of(new NodeEvent.Signalled(15, 104), new NodeEvent.Killing(104, "still running after --timeout",
                        "thread dump in /var/log/drover/w1.log at 20481 (2026-12-07T06:30:01Z)"), new NodeEvent.Down(104)));
    }

    private static String renderAll() {
        StringBuilder b = new StringBuilder();
        List<List<NodeEvent>> all = new ArrayList<>();
        golden().forEach(e -> all.add(List.of(e)));
        all.addAll(sequences());
        for (int i = 0; i < all.size(); i++) {
            NodeEvent[] events = all.get(i).toArray(NodeEvent[]::new);
            b.append("== ").append(i + 1).append(' ').append(Arrays.stream(events)
                    .map(e -> e.getClass().getSimpleName()).collect(Collectors.joining(", "))).append('\n');
            for (String[] flags : new String[][] {{}, {"--verbose"}, {"--quiet"}}) {
                Rendered r = terminal(events, flags);
                b.append("-- terminal ").append(String.join(" ", flags)).append('\n').append(r.out())
                        .append("-- stderr\n").append(r.err());
            }
            b.append("-- json\n").append(json(events)).append("-- json --verbose\n")
                    .append(json(events, "--verbose"));
            b.append("-- status table\n").append(table(events));
        }
        return b.toString();
    }

    private record Rendered(String out, String err) {}

    private static NodeSpec node() {
        ParsedArgs parsed = ArgParser.parse(List.of("w1"), false, name -> false);
        return NodeExpander.expand(parsed.positionals(), parsed, HOST, w -> { }).get(0);
    }

    private static Output output(StringWriter out, StringWriter err, String... flags) {
        List<String> args = new ArrayList<>(List.of(flags));
        args.add("--nosplash"); // the version it names is no rendering of an event
        return new Output(new PrintWriter(out), new PrintWriter(err), ArgParser.parse(args, false, name -> false));
    }

    private static Rendered terminal(NodeEvent event) {
        return terminal(new NodeEvent[] {event});
    }

    private static Rendered terminal(NodeEvent[] events, String... flags) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Output output = output(out, err, flags);
        TerminalReporter reporter = new TerminalReporter(output);
        reporter.phase("Acting on nodes", List.of(node()));
        for (NodeEvent event : events) {
            reporter.node(node(), event);
        }
        output.out.flush();
        output.err.flush();
        return new Rendered(out.toString(), err.toString());
    }

    /** The JSON {@code events} leave, {@code --json} and {@code flags} given. */
    private static String json(NodeEvent[] events, String... flags) {
        StringWriter out = new StringWriter();
        List<String> args = new ArrayList<>(List.of(flags));
        args.add("--json");
        Output output = output(out, new StringWriter(), args.toArray(String[]::new));
        JsonReporter reporter = new JsonReporter(output);
        reporter.phase("Acting on nodes", List.of(node()));
        for (NodeEvent event : events) {
            reporter.node(node(), event);
        }
        reporter.finish();
        output.out.flush();
        return out.toString();
    }

    private static String table(NodeEvent[] events) {
        StringWriter out = new StringWriter();
        Output output = output(out, new StringWriter());
        StatusTable table = new StatusTable(output);
        table.phase("Status", List.of(node()));
        for (NodeEvent event : events) {
            table.node(node(), event);
        }
        table.finish();
        output.out.flush();
        return out.toString();
    }
}
