package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drover.core.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which of supervise's events run which hook, with what in its environment: a pure decision, over sample events. */
class HookListenerTest {
    private static final Host HOST = new Host("HOST", false, Map.of("XDG_STATE_HOME", "/state"));
    private static final Hooks ALL = new Hooks(Map.of(Hooks.Kind.FAILURE, "alert failure", Hooks.Kind.RESTART,
            "alert restart", Hooks.Kind.GIVE_UP, "alert give-up"), Hooks.DEFAULT_TIMEOUT);

    private final List<NodeEvent> passedOn = new ArrayList<>();
    private final List<HookListener.Run> runs = new ArrayList<>();

    private HookListener listener(Hooks hooks) {
        ClusterListener to = new ClusterListener() {
            @Override
            public void phase(String title, List<NodeSpec> nodes) {}

            @Override
            public void node(NodeSpec node, NodeEvent event) {
                passedOn.add(event);
            }

            @Override
            public void waiting(List<NodeSpec> remaining) {}
        };
        return new HookListener(to, hooks, runs::add);
    }

    private static NodeSpec w1() {
        ParsedArgs parsed = ArgParser.parse(List.of("w1"), false, name -> false);
        return NodeExpander.expand(parsed.positionals(), parsed, HOST, w -> { }).get(0);
    }

    private List<String> kinds() {
        return runs.stream().map(r -> r.kind().event() + " " + r.env().get(HookListener.EXIT) + " "
                + r.env().get(HookListener.RESTARTS)).toList();
    }

    @Test
    void a_crash_runs_the_failure_hook_then_the_restart_hook_with_the_node_s_facts() {
        HookListener l = listener(ALL);
        NodeSpec w1 = w1();
        l.node(w1, new NodeEvent.ExitedUnasked("signal 9", 1, Duration.ofSeconds(1)));
        assertEquals(List.of("failure signal 9 1", "restart signal 9 1"), kinds());
        HookListener.Run failure = runs.get(0);
        assertEquals("alert failure", failure.command());
        assertEquals(Map.of("DROVER_NODE", "w1@HOST", "DROVER_EVENT", "failure", "DROVER_EXIT", "signal 9",
                "DROVER_RESTARTS", "1", "DROVER_LOGFILE", "/state/drover/log/w1.log",
                "DROVER_PIDFILE", "/state/drover/run/w1.pid"), failure.env());
        assertEquals(1, passedOn.size(), "every event is passed on");
    }

    @Test
    void a_give_up_runs_the_failure_and_give_up_hooks_with_the_restarts_made_so_far() {
        HookListener l = listener(ALL);
        NodeSpec w1 = w1();
        l.node(w1, new NodeEvent.ExitedUnasked("status 1", 1, Duration.ofSeconds(1)));
        l.node(w1, new NodeEvent.Started(42, null));
        runs.clear();
        l.node(w1, new NodeEvent.GaveUp("status 1", 1, 1, Duration.ofSeconds(60)));
        assertEquals(List.of("failure status 1 1", "give-up status 1 1"), kinds());
    }

    @Test
    void a_memory_recycle_and_a_hung_kill_run_the_restart_hook_and_a_rolling_restart_runs_none() {
        HookListener l = listener(ALL);
        NodeSpec w1 = w1();
        l.node(w1, new NodeEvent.RestartAsked(NodeEvent.Why.ROLLING, "rolling restart", 42, 15));
        l.node(w1, new NodeEvent.Restarting("status 0", "rolling restart"));
        assertEquals(List.of(), kinds(), "HUP is the operator's own restart");
        l.node(w1, new NodeEvent.RestartAsked(NodeEvent.Why.MEMORY, "RSS over", 43, 15));
        l.node(w1, new NodeEvent.Restarting("status 0", "RSS over; restart 1 in 1.0 s (--backoff)"));
        l.node(w1, new NodeEvent.RestartAsked(NodeEvent.Why.HUNG, "hung", 44, 9));
        l.node(w1, new NodeEvent.Restarting("signal 9", "hung; restart 2 in 2.0 s (--backoff)"));
        assertEquals(List.of("restart status 0 1", "restart signal 9 2"), kinds());
    }

    @Test
    void only_the_hooks_given_run_and_other_events_run_none() {
        HookListener l = listener(new Hooks(Map.of(Hooks.Kind.GIVE_UP, "alert"), Hooks.DEFAULT_TIMEOUT));
        NodeSpec w1 = w1();
        l.node(w1, new NodeEvent.Started(42, null));
        l.node(w1, new NodeEvent.ExitedUnasked("signal 9", 1, Duration.ofSeconds(1)));
        l.node(w1, new NodeEvent.Stopped("status 0"));
        assertEquals(List.of(), kinds());
        l.node(w1, new NodeEvent.GaveUp("signal 9", 1, 1, Duration.ofSeconds(60)));
        assertEquals(List.of("give-up signal 9 1"), kinds());
    }
}
