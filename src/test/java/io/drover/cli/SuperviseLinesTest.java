package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drover.core.Host;
import io.drover.multi.ArgParser;
import io.drover.multi.ClusterEvent;
import io.drover.multi.ClusterListener;
import io.drover.multi.NodeEvent;
import io.drover.multi.NodeExpander;
import io.drover.multi.NodeSpec;
import io.drover.multi.ParsedArgs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * supervise's lines, as its operators' journals and the tests that read them know them: the
 * same words, byte for byte, that it printed before it reported through the cluster's
 * listener; and with {@code --json}, one object a line.
 */
class SuperviseLinesTest {
    private static final Host HOST = new Host("HOST", false, Map.of("XDG_STATE_HOME", "/state"));
    private static final Instant AT = Instant.parse("2026-05-01T10:00:00.123456Z");
    private static final String T = "2026-05-01T10:00:00.123Z > ";

    private static NodeSpec w1() {
        ParsedArgs parsed = ArgParser.parse(List.of("w1"), false, name -> false);
        return NodeExpander.expand(parsed.positionals(), parsed, HOST, w -> { }).get(0);
    }

    /** Every line supervise says, each event in the order it may come. */
    private static void everyEvent(ClusterListener l) {
        NodeSpec w1 = w1();
        l.cluster(new ClusterEvent.Supervising(2, 4000, true));
        l.cluster(new ClusterEvent.Supervising(1, 4000, false));
        l.node(w1, new NodeEvent.Started(101, null));
        l.node(w1, new NodeEvent.Adopted(102, "/run/w1.pid"));
        l.cluster(new ClusterEvent.AllReady(new ClusterEvent.Tally(2, 2, 0)));
        l.node(w1, new NodeEvent.ExitedUnasked("signal 9", 2, Duration.ofMillis(1800)));
        l.node(w1, new NodeEvent.ExitedUnasked("did not start: no\u001b[2J", 1, Duration.ofSeconds(1)));
        l.node(w1, new NodeEvent.GaveUp("status 1", 2, 2, Duration.ofSeconds(60)));
        l.cluster(new ClusterEvent.AllGaveUp());
        l.node(w1, new NodeEvent.RestartAsked(NodeEvent.Why.MEMORY, "RSS 230.5 MiB over --max-memory 200.0 MiB", 103, 15));
        l.node(w1, new NodeEvent.RestartAsked(NodeEvent.Why.HUNG, "hung: no heartbeat for 0.9 s (3 intervals of --heartbeat)",
                104, 9));
        l.node(w1, new NodeEvent.TimedOut(103));
        l.node(w1, new NodeEvent.Restarting("signal 15 (TERM)", "rolling restart"));
        l.node(w1, new NodeEvent.Warning("cannot signal pid 5: Operation not permitted"));
        l.cluster(new ClusterEvent.Rolling(2));
        l.cluster(new ClusterEvent.RollIgnored());
        l.node(w1, new NodeEvent.RollStopped("did not start: boom"));
        l.cluster(new ClusterEvent.RollDone(new ClusterEvent.Tally(1, 2, 1)));
        l.cluster(new ClusterEvent.StoppingAll(15));
        l.cluster(new ClusterEvent.StoppingAll(2));
        l.node(w1, new NodeEvent.Stopped("status 0"));
        l.cluster(new ClusterEvent.Killed(Duration.ofSeconds(1), List.of("w1@HOST", "w2@HOST")));
        l.cluster(new ClusterEvent.AllStopped());
    }

    private record Rendered(String out, String err) {}

    private static Rendered render(Consumer<ClusterListener> events, boolean json, String... flags) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of(flags));
        if (json) {
            args.add("--json");
        }
        Output output = new Output(new PrintWriter(out), new PrintWriter(err), ArgParser.parse(args, false, n -> false));
        events.accept(json ? JsonReporter.lines(output, () -> AT) : TerminalReporter.log(output, () -> AT));
        output.out.flush();
        output.err.flush();
        return new Rendered(out.toString(), err.toString());
    }

    private static final String WARNINGS = ""
            + T + "w1@HOST: exited unasked (signal 9); restart 2 in 1.8 s\n"
            + T + "w1@HOST: exited unasked (did not start: no\\u001b[2J); restart 1 in 1.0 s\n"
            + T + "w1@HOST: exited (status 1); GAVE UP: 2 restarts within 60 s (--max-restarts 2 --within 60); the other"
            + " nodes go on\n"
            + T + "supervise: every node was given up: exiting\n"
            + T + "w1@HOST: RSS 230.5 MiB over --max-memory 200.0 MiB: restarting pid 103 (SIGTERM)\n"
            + T + "w1@HOST: hung: no heartbeat for 0.9 s (3 intervals of --heartbeat): restarting pid 104 (SIGKILL)\n"
            + T + "w1@HOST: still running after --timeout: killing pid 103\n"
            + T + "w1@HOST: cannot signal pid 5: Operation not permitted\n"
            + T + "w1@HOST: did not come back from the rolling restart: did not start: boom; the rolling restart stopped,"
            + " the nodes not yet restarted keep running\n"
            + T + "supervise: killed (SIGKILL) after --timeout 1.0 s: w1@HOST, w2@HOST\n";

    @Test
    void every_line_on_stdout_is_the_time_who_and_the_words_supervise_always_printed() {
        String expected = ""
                + T + "supervise: supervising 2 nodes (pid 4000, child subreaper)\n"
                + T + "supervise: supervising 1 node (pid 4000)\n"
                + T + "w1@HOST: started (pid 101)\n"
                + T + "w1@HOST: adopted (pid 102, already running under /run/w1.pid)\n"
                + T + "supervise: all nodes ready: 2 of 2 nodes running\n"
                + T + "w1@HOST: exited unasked (signal 9); restart 2 in 1.8 s\n"
                + T + "w1@HOST: exited unasked (did not start: no\\u001b[2J); restart 1 in 1.0 s\n"
                + T + "w1@HOST: exited (status 1); GAVE UP: 2 restarts within 60 s (--max-restarts 2 --within 60); the"
                + " other nodes go on\n"
                + T + "supervise: every node was given up: exiting\n"
                + T + "w1@HOST: RSS 230.5 MiB over --max-memory 200.0 MiB: restarting pid 103 (SIGTERM)\n"
                + T + "w1@HOST: hung: no heartbeat for 0.9 s (3 intervals of --heartbeat): restarting pid 104 (SIGKILL)\n"
                + T + "w1@HOST: still running after --timeout: killing pid 103\n"
                + T + "w1@HOST: exited (signal 15 (TERM)) after rolling restart; starting it again\n"
                + T + "w1@HOST: cannot signal pid 5: Operation not permitted\n"
                + T + "supervise: rolling restart (SIGHUP), 2 at a time\n"
                + T + "supervise: SIGHUP ignored: a rolling restart is under way\n"
                + T + "w1@HOST: did not come back from the rolling restart: did not start: boom; the rolling restart"
                + " stopped, the nodes not yet restarted keep running\n"
                + T + "supervise: rolling restart done: 1 of 2 nodes running, 1 given up\n"
                + T + "supervise: warm stop (SIGTERM) of every node\n"
                + T + "supervise: cold stop (SIGINT) of every node\n"
                + T + "w1@HOST: stopped (status 0)\n"
                + T + "supervise: killed (SIGKILL) after --timeout 1.0 s: w1@HOST, w2@HOST\n"
                + T + "supervise: every node stopped\n";
        assertEquals(expected, render(SuperviseLinesTest::everyEvent, false).out());
    }

    @Test
    void a_warning_is_also_one_line_on_stderr_and_quiet_keeps_only_the_warnings() {
        String stderr = WARNINGS.lines().map(l -> "drover: " + l.substring(T.length()).replaceFirst("^supervise: ", ""))
                .reduce("", (a, l) -> a + l + "\n");
        assertEquals(stderr, render(SuperviseLinesTest::everyEvent, false).err());
        Rendered quiet = render(SuperviseLinesTest::everyEvent, false, "--quiet");
        assertEquals(WARNINGS, quiet.out());
        assertEquals(stderr, quiet.err());
    }

    @Test
    void with_json_each_event_is_one_object_on_a_line_as_it_comes() {
        Rendered r = render(l -> {
            l.cluster(new ClusterEvent.Supervising(2, 4000, true));
            l.node(w1(), new NodeEvent.ExitedUnasked("signal 9", 2, Duration.ofMillis(1800)));
            l.node(w1(), new NodeEvent.RestartAsked(NodeEvent.Why.HUNG, "hung", 104, 9));
            l.cluster(new ClusterEvent.AllReady(new ClusterEvent.Tally(1, 2, 1)));
            l.finish();
        }, true);
        String time = "{\"time\":\"2026-05-01T10:00:00.123Z\",";
        assertEquals(time + "\"event\":\"supervising\",\"nodes\":2,\"pid\":4000,\"child_subreaper\":true}\n"
                + time + "\"nodename\":\"w1@HOST\",\"state\":\"exited_unasked\",\"last_exit\":\"signal 9\","
                + "\"restart\":2,\"backoff_seconds\":1.8}\n"
                + time + "\"nodename\":\"w1@HOST\",\"state\":\"restart_asked\",\"why\":\"hung\",\"reason\":\"hung\","
                + "\"pid\":104,\"signal\":\"KILL\"}\n"
                + time + "\"event\":\"all_ready\",\"running\":1,\"nodes\":2,\"given_up\":1}\n", r.out());
        assertEquals("", r.err());
    }
}
