package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.Host;
import io.drover.core.Signals;
import io.drover.posix.PidfileState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The keeper's decisions, with a fake node and a fake clock: no process, no wait but for the
 * keeper's own thread to reach the state a step leads to. A start blocks until the test says how
 * it went; a node's end is a future the test completes; a timer runs when the test fires it.
 */
class KeeperTest {
    private static final Host HOST = new Host("HOST", false, Map.of("XDG_STATE_HOME", "/state"));
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final FakeNode node = new FakeNode();
    private final FakeClock clock = new FakeClock();
    private final List<NodeEvent> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger gaveUp = new AtomicInteger();
    private Keeper keeper;
    private Thread thread;
    /** --give-up-for: null, for good (as supervise was before the cool-down). */
    private Duration giveUpFor;
    /** --after: the first starts the node's own first start waits for; null, none. */
    private CompletableFuture<?> after;

    @AfterEach
    void endTheKeeper() throws InterruptedException {
        if (thread != null) {
            keeper.retire();
            keeper.stop(Signals.TERM);
            node.spawns.add(new NodeEvent.Failed(1, "the test is over")); // a start under way ends
            node.ends.values().forEach(f -> f.complete("status 0"));
            thread.join(PATIENCE.toMillis());
        }
    }

    /** --backoff 1, --backoff-max 60, --backoff-reset 60, --within 60, --timeout 90. */
    private void keep(int maxRestarts) {
        keep(maxRestarts, Duration.ofSeconds(90));
    }

    /** {@link #keep(int)} with {@code --timeout stopTimeout} (0: no timer for a restart's stop, the clock moves only by backoffs). */
    private void keep(int maxRestarts, Duration stopTimeout) {
        Supervisor.Options options = new Supervisor.Options(Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(60), maxRestarts, Duration.ofSeconds(60), 1000, Duration.ofSeconds(10), null,
                stopTimeout, Duration.ofSeconds(30), 1, giveUpFor);
        Backoff noJitter = new Backoff(options.backoff(), options.backoffMax(), () -> 0.0);
        keeper = new Keeper(node, options, noJitter, clock, new ClusterListener() {
            @Override
            public void phase(String title, List<NodeSpec> nodes) {}

            @Override
            public void node(NodeSpec spec, NodeEvent event) {
                events.add(event);
            }

            @Override
            public void waiting(List<NodeSpec> remaining) {}
        }, new KeeperOwner() {
            @Override
            public void ready() {
                ready.incrementAndGet();
            }

            @Override
            public void gaveUp() {
                gaveUp.incrementAndGet();
            }
        });
        if (after != null) {
            keeper.startAfter(after);
        }
        thread = new Thread(keeper::keep, "keeper-under-test");
        thread.setDaemon(true);
        thread.start();
    }

    // --- the steps a test takes, each waiting for the keeper to get where it leads ---

    private void startsAs(long pid) {
        node.spawns.add(new NodeEvent.Started(pid, null));
        await("the start of " + pid, () -> keeper.pid() == pid);
    }

    private void ends(long pid, String how) {
        await("the end of " + pid + " asked for", () -> node.ends.containsKey(pid));
        node.ends.get(pid).complete(how);
        await("the keeper past the end of " + pid, () -> keeper.pid() != pid);
    }

    private void awaitState(KeeperState... states) {
        List<KeeperState> wanted = List.of(states);
        await("state " + wanted, () -> wanted.contains(keeper.state()));
    }

    private void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what + "; state "
                        + keeper.state() + ", events " + events);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private <T extends NodeEvent> List<T> reported(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    // --- the decisions ---

    @Test
    void a_node_that_exits_unasked_again_and_again_is_given_up_after_max_restarts_within_the_window() {
        keep(2);
        startsAs(101);
        ends(101, "signal 9");
        awaitState(KeeperState.BACKOFF);
        clock.fire();
        startsAs(102);
        ends(102, "signal 9");
        clock.fire();
        startsAs(103);
        ends(103, "signal 9");
        awaitState(KeeperState.GAVE_UP);
        assertEquals(List.of(1, 2), reported(NodeEvent.ExitedUnasked.class).stream().map(NodeEvent.ExitedUnasked::restart)
                .toList());
        assertEquals(List.of(new NodeEvent.GaveUp("signal 9", 2, 2, Duration.ofSeconds(60))),
                reported(NodeEvent.GaveUp.class));
        assertEquals(1, gaveUp.get());
        assertEquals(0, clock.pending(), "no backoff after giving up");
    }

    @Test
    void restarts_older_than_within_do_not_count_towards_giving_up() {
        keep(1);
        startsAs(101);
        ends(101, "status 1");
        clock.fire();
        startsAs(102);
        clock.advance(Duration.ofSeconds(61)); // the one restart is out of the window
        ends(102, "status 1");
        awaitState(KeeperState.BACKOFF);
        assertTrue(reported(NodeEvent.GaveUp.class).isEmpty(), events::toString);
    }

    @Test
    void the_first_exit_in_a_row_restarts_at_once_and_the_backoff_doubles_from_the_second_and_starts_over_after_a_long_run() {
        keep(0);
        startsAs(101);
        ends(101, "status 1");
        clock.fire();
        startsAs(102);
        ends(102, "status 1");
        clock.fire();
        startsAs(103);
        ends(103, "status 1");
        clock.fire();
        startsAs(104);
        clock.advance(Duration.ofSeconds(60)); // --backoff-reset: it ran long enough
        ends(104, "status 1");
        awaitState(KeeperState.BACKOFF);
        assertEquals(List.of(0L, 1000L, 2000L, 0L), reported(NodeEvent.ExitedUnasked.class).stream()
                .map(e -> e.delay().toMillis()).toList());
        assertEquals(List.of(0L, 1000L, 2000L, 0L), clock.delays.stream().map(Duration::toMillis).toList());
    }

    @Test
    void a_node_already_running_under_its_pidfile_is_adopted_not_started() {
        node.found = new PidfileState.Running(77);
        node.adoptable = true;
        keep(0);
        awaitState(KeeperState.RUNNING);
        assertEquals(0, node.spawnCalls.get());
        assertEquals(List.of(new NodeEvent.Adopted(77, node.spec().pidfile())), reported(NodeEvent.Adopted.class));
        assertEquals(1, ready.get());
        assertTrue(node.recorded.isEmpty(), "an adopted node's start is not counted");
    }

    @Test
    void a_stop_asked_during_a_start_is_sent_once_the_start_ends_and_the_keeper_ends_only_with_the_node() {
        keep(0);
        await("a start under way", node::waitingSpawn);
        keeper.stop(Signals.TERM);
        assertEquals(KeeperState.STARTING_TO_STOP, keeper.state());
        assertTrue(node.signals.isEmpty(), "no pid to signal yet");
        assertFalse(keeper.awaitEnd(Duration.ofMillis(1)), "not over while the start is under way");
        node.spawns.add(new NodeEvent.Started(101, null));
        awaitState(KeeperState.STOPPING);
        assertEquals(List.of("101 TERM"), node.signals);
        assertFalse(keeper.awaitEnd(Duration.ofMillis(1)), "not over while the node it started runs");
        ends(101, "status 0");
        assertTrue(keeper.awaitEnd(PATIENCE));
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertEquals(List.of(new NodeEvent.Stopped("status 0")), reported(NodeEvent.Stopped.class));
        assertEquals(0, clock.pending(), "no backoff for a node stopped");
    }

    @Test
    void a_kill_asked_during_a_start_is_sent_instead_of_the_stop_once_the_start_ends() {
        keep(0);
        await("a start under way", node::waitingSpawn);
        keeper.stop(Signals.TERM);
        assertTrue(keeper.kill(true), "a starting node is one to kill");
        node.spawns.add(new NodeEvent.Started(101, null));
        awaitState(KeeperState.STOPPING);
        assertEquals(List.of("101 KILL"), node.signals);
    }

    @Test
    void a_stop_and_a_kill_asked_during_a_start_go_to_the_child_it_spawned_which_is_not_yet_ready() {
        node.child = 101;
        keep(0);
        await("a start under way", node::waitingSpawn);
        keeper.stop(Signals.TERM);
        assertEquals(List.of("101 TERM"), node.signals);
        assertTrue(keeper.kill(true));
        assertEquals(List.of("101 TERM", "101 QUIT", "101 KILL"), node.signals, "a thread dump, then the kill");
        node.spawns.add(new NodeEvent.Failed(1, "exited with status 137 before it was ready"));
        assertTrue(keeper.awaitEnd(PATIENCE));
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertEquals(List.of(new NodeEvent.Stopped("while starting: exited with status 137 before it was ready")),
                reported(NodeEvent.Stopped.class));
    }

    @Test
    void a_stop_asked_during_a_start_that_fails_ends_stopped_without_a_backoff() {
        keep(0);
        await("a start under way", node::waitingSpawn);
        keeper.stop(Signals.INT);
        node.spawns.add(new NodeEvent.Failed(78, "cannot open logfile"));
        assertTrue(keeper.awaitEnd(PATIENCE));
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertEquals(0, clock.pending());
        assertTrue(node.signals.isEmpty());
        assertEquals(1, ready.get(), "READY=1 does not wait for a node that will never run");
    }

    @Test
    void a_failed_start_is_an_unasked_end_with_its_reason() {
        keep(0);
        await("a start under way", node::waitingSpawn);
        node.spawns.add(new NodeEvent.Failed(78, "cannot open logfile"));
        awaitState(KeeperState.BACKOFF);
        assertEquals(List.of(new NodeEvent.ExitedUnasked("did not start: cannot open logfile", 1, Duration.ZERO)),
                reported(NodeEvent.ExitedUnasked.class));
        assertEquals(0, ready.get(), "not ready: it will be started again");
    }

    @Test
    void a_restart_asked_while_in_backoff_is_ignored_and_the_backoff_goes_on() {
        keep(0);
        startsAs(101);
        ends(101, "status 1");
        awaitState(KeeperState.BACKOFF);
        assertFalse(keeper.restartAsked(NodeEvent.Why.MEMORY, "RSS over", Signals.TERM));
        assertTrue(keeper.restartNow().isDone(), "a roll does not wait for a node in its backoff");
        assertEquals(KeeperState.BACKOFF, keeper.state());
        assertTrue(node.signals.isEmpty());
        clock.fire();
        startsAs(102);
    }

    @Test
    void a_restart_asked_of_a_running_node_stops_it_and_starts_it_again_at_once() {
        keep(0);
        startsAs(101);
        assertTrue(keeper.restartAsked(NodeEvent.Why.ROLLING, "rolling restart", Signals.TERM));
        assertFalse(keeper.restartAsked(NodeEvent.Why.HUNG, "hung", Signals.KILL), "one restart at a time");
        assertEquals(KeeperState.STOPPING_TO_RESTART, keeper.state());
        assertEquals(List.of("101 TERM"), node.signals);
        ends(101, "signal 15 (TERM)");
        startsAs(102);
        assertEquals(List.of(new NodeEvent.Restarting("signal 15 (TERM)", "rolling restart")),
                reported(NodeEvent.Restarting.class));
        assertTrue(reported(NodeEvent.ExitedUnasked.class).isEmpty(), "no backoff for an asked restart");
        clock.fire(); // the --timeout of the stop of 101: late, it kills nothing
        assertEquals(List.of("101 TERM"), node.signals);
        assertEquals(KeeperState.RUNNING, keeper.state());
    }

    @Test
    void a_restart_whose_warm_stop_outlives_the_timeout_is_made_a_kill() {
        keep(0);
        startsAs(101);
        CompletableFuture<String> back = keeper.restartNow();
        assertFalse(back.isDone());
        clock.fire();
        assertEquals(List.of("101 TERM", "101 QUIT", "101 KILL"), node.signals);
        assertEquals(List.of(new NodeEvent.TimedOut(101)), reported(NodeEvent.TimedOut.class));
        assertEquals(List.of(new NodeEvent.Killing(101, Keeper.TIMED_OUT, DUMPED)), reported(NodeEvent.Killing.class));
        ends(101, "signal 9");
        startsAs(102);
        assertEquals(null, back.getNow("not yet"), "the roll hears the node is back");
        assertEquals(List.of(new NodeEvent.Restarting("killed: " + Keeper.TIMED_OUT + ", " + DUMPED, "rolling restart")),
                reported(NodeEvent.Restarting.class));
    }

    @Test
    void a_node_over_max_memory_whose_stop_outlives_the_timeout_is_killed_after_a_thread_dump_and_its_record_says_so() {
        keep(0);
        startsAs(101);
        keeper.memory(101, 2000);
        keeper.memory(101, 2000);
        clock.fire(); // the --timeout of its warm stop
        assertEquals(List.of("101 TERM", "101 QUIT", "101 KILL"), node.signals);
        ends(101, "signal 9");
        awaitState(KeeperState.BACKOFF);
        clock.fire();
        startsAs(102);
        assertEquals("killed: over --max-memory, " + Keeper.TIMED_OUT + ", " + DUMPED, node.recorded.get(1));
    }

    @Test
    void a_node_that_ends_while_its_thread_dump_is_waited_for_is_not_killed() {
        node.holdDumps = true;
        keep(0);
        startsAs(101);
        assertTrue(keeper.restartAsked(NodeEvent.Why.HUNG, "hung: no heartbeat", Signals.KILL));
        assertEquals(List.of("101 QUIT"), node.signals, "the dump first; the KILL waits for it");
        ends(101, "status 1");
        awaitState(KeeperState.BACKOFF);
        node.heldDumps.forEach(Runnable::run);
        assertEquals(List.of("101 QUIT"), node.signals, "its pid may be another's by now");
        assertTrue(reported(NodeEvent.Killing.class).isEmpty());
    }

    @Test
    void supervises_stop_after_a_backoffs_timer_fired_as_it_retired_ends_stopped_at_once_with_no_start() {
        // a detached supervisor TERMed as the zero backoff of a failed start ran out: it retired
        // the keeper, whose thread then ended without a start, and the timer's STARTING met the stop
        keep(0);
        await("a start under way", node::waitingSpawn);
        node.spawns.add(new NodeEvent.Failed(1, "application start failed"));
        awaitState(KeeperState.BACKOFF);
        keeper.retire();
        await("the keeper's thread to end, retired", () -> !thread.isAlive());
        clock.fire(); // the backoff's end, after the retire and before the stop
        assertEquals(KeeperState.STARTING, keeper.state());
        keeper.stop(Signals.TERM);
        assertTrue(keeper.awaitEnd(PATIENCE), "no start will come to end a STARTING_TO_STOP: " + keeper.state());
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertEquals(1, node.spawnCalls.get());
        assertTrue(node.signals.isEmpty(), node.signals::toString);
        assertEquals(List.of(new NodeEvent.Stopped("before its start began")), reported(NodeEvent.Stopped.class));
        assertFalse(keeper.kill(true), "nothing left to kill");
    }

    @Test
    void the_operators_stop_of_a_node_waiting_for_its_after_keeps_it_down_until_the_operators_start() throws Exception {
        CompletableFuture<Void> first = new CompletableFuture<>();
        after = first;
        keep(0);
        keeper.stopAsked(Signals.TERM);
        assertTrue(keeper.awaitEnd(PATIENCE), "no start will come to end a STARTING_TO_STOP: " + keeper.state());
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertTrue(keeper.view().byRequest());
        first.complete(null); // what it is after is up: it stays down, as asked
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertEquals(0, node.spawnCalls.get());
        CompletableFuture<String> back = keeper.startAsked();
        startsAs(101);
        assertEquals(null, back.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(1, node.spawnCalls.get());
    }

    @Test
    void a_stop_in_the_backoff_ends_the_keeper_and_the_late_timer_moves_nothing() {
        keep(0);
        startsAs(101);
        ends(101, "status 1");
        awaitState(KeeperState.BACKOFF);
        keeper.stop(Signals.TERM);
        assertTrue(keeper.awaitEnd(PATIENCE));
        clock.fire();
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertEquals(1, node.spawnCalls.get());
        assertFalse(keeper.kill(true), "nothing left to kill");
    }

    @Test
    void each_start_is_recorded_with_how_the_node_last_ended() {
        keep(0);
        startsAs(101);
        ends(101, "signal 9");
        clock.fire();
        startsAs(102);
        assertEquals(List.of("null", "signal 9"), node.recorded);
    }

    /** Two samples over --max-memory (1000 bytes) in a row: the memory restart of {@code pid}, until it ended. */
    private void overMemory(long pid) {
        keeper.memory(pid, 2000);
        keeper.memory(pid, 2000);
        assertEquals(KeeperState.STOPPING_TO_RESTART, keeper.state());
        ends(pid, "signal 15 (TERM)");
    }

    @Test
    void a_node_restarted_for_its_memory_waits_a_growing_backoff_as_a_crash_does() {
        keep(0, Duration.ZERO);
        startsAs(101);
        overMemory(101);
        awaitState(KeeperState.BACKOFF);
        clock.fire(); // the backoff
        startsAs(102);
        overMemory(102);
        awaitState(KeeperState.BACKOFF);
        clock.fire();
        startsAs(103);
        assertEquals(List.of("101 TERM", "102 TERM"), node.signals);
        assertEquals(List.of(
                new NodeEvent.Restarting("signal 15 (TERM)", "RSS 0.0 MiB over --max-memory 0.0 MiB; restart 1 in 0.0 s (--backoff)"),
                new NodeEvent.Restarting("signal 15 (TERM)", "RSS 0.0 MiB over --max-memory 0.0 MiB; restart 2 in 1.0 s (--backoff)")),
                reported(NodeEvent.Restarting.class));
        assertEquals(List.of("null", "signal 15 (TERM)", "signal 15 (TERM)"), node.recorded);
    }

    @Test
    void a_node_always_over_max_memory_is_given_up_after_max_restarts_within_the_window() {
        keep(2, Duration.ZERO);
        startsAs(101);
        overMemory(101);
        clock.fire();
        startsAs(102);
        overMemory(102);
        clock.fire();
        startsAs(103);
        overMemory(103);
        awaitState(KeeperState.GAVE_UP);
        assertEquals(List.of(new NodeEvent.GaveUp("signal 15 (TERM)", 2, 2, Duration.ofSeconds(60))),
                reported(NodeEvent.GaveUp.class));
        assertEquals(1, gaveUp.get());
        assertEquals(3, node.spawnCalls.get());
    }

    /** The kill and restart of {@code pid} that a silent heartbeat asks for, until it ended. */
    private void hung(long pid) {
        assertTrue(keeper.restartAsked(NodeEvent.Why.HUNG, "hung: no heartbeat", Signals.KILL));
        assertEquals(KeeperState.STOPPING_TO_RESTART, keeper.state());
        ends(pid, "signal 9 (KILL)");
    }

    @Test
    void a_node_that_hangs_again_and_again_waits_a_growing_backoff_and_is_given_up_after_max_restarts() {
        keep(2, Duration.ZERO);
        startsAs(101);
        hung(101);
        awaitState(KeeperState.BACKOFF);
        clock.fire();
        startsAs(102);
        hung(102);
        awaitState(KeeperState.BACKOFF);
        clock.fire();
        startsAs(103);
        hung(103);
        awaitState(KeeperState.GAVE_UP);
        assertEquals(List.of("101 QUIT", "101 KILL", "102 QUIT", "102 KILL", "103 QUIT", "103 KILL"), node.signals,
                "each hung node is asked for a thread dump before its kill");
        String killed = "killed: hung, " + DUMPED;
        assertEquals(List.of(
                new NodeEvent.Restarting(killed, "hung: no heartbeat; restart 1 in 0.0 s (--backoff)"),
                new NodeEvent.Restarting(killed, "hung: no heartbeat; restart 2 in 1.0 s (--backoff)")),
                reported(NodeEvent.Restarting.class));
        assertEquals(List.of(new NodeEvent.GaveUp(killed, 2, 2, Duration.ofSeconds(60))),
                reported(NodeEvent.GaveUp.class));
        assertEquals(3, node.spawnCalls.get());
    }

    @Test
    void the_operators_stop_keeps_the_node_down_until_the_operators_start_which_is_one_start_not_a_crash() {
        keep(0);
        startsAs(101);
        assertEquals(101, keeper.stopAsked(Signals.TERM));
        assertEquals(List.of("101 TERM"), node.signals);
        ends(101, "status 0");
        awaitState(KeeperState.STOPPED);
        assertTrue(keeper.view().byRequest());
        assertEquals(List.of("status 0"), node.noted);
        assertEquals(0, clock.pending(), "no backoff: nothing is due");
        assertEquals(1, node.spawnCalls.get(), "stopped by request: not started again");
        CompletableFuture<String> up = keeper.startAsked();
        startsAs(102);
        assertEquals(null, up.join());
        assertFalse(keeper.view().byRequest());
        assertEquals(List.of("null", "status 0"), node.recorded);
        assertTrue(reported(NodeEvent.ExitedUnasked.class).isEmpty(), events::toString);
    }

    @Test
    void a_kill_from_the_operator_to_a_node_already_stopping_is_the_stops_escalation() {
        keep(0);
        startsAs(101);
        keeper.stopAsked(Signals.TERM);
        keeper.stopAsked(Signals.KILL);
        assertEquals(List.of("101 TERM", "101 KILL"), node.signals);
        ends(101, "signal 9 (KILL)");
        awaitState(KeeperState.STOPPED);
    }

    @Test
    void a_start_asked_while_the_node_stops_starts_it_again_once_it_stopped() {
        keep(0);
        startsAs(101);
        keeper.stopAsked(Signals.TERM);
        CompletableFuture<String> up = keeper.startAsked();
        assertEquals(KeeperState.STOPPING_TO_RESTART, keeper.state());
        ends(101, "status 0");
        startsAs(102);
        assertEquals(null, up.join());
    }

    @Test
    void a_node_given_up_is_tried_again_after_its_cool_down_with_its_count_begun_anew() {
        giveUpFor = Duration.ofSeconds(600);
        keep(1);
        startsAs(101);
        ends(101, "status 1");
        awaitState(KeeperState.BACKOFF);
        clock.fire();
        startsAs(102);
        ends(102, "status 1");
        awaitState(KeeperState.GAVE_UP);
        assertEquals(Duration.ofSeconds(600), keeper.view().nextTry());
        clock.fire(); // the cool-down
        startsAs(103);
        assertEquals(List.of(new NodeEvent.Restarting("status 1", "given up 600 s ago; trying again (--give-up-for)")),
                reported(NodeEvent.Restarting.class));
        ends(103, "status 1");
        awaitState(KeeperState.BACKOFF); // one restart again before it is given up again
        assertEquals(1, reported(NodeEvent.GaveUp.class).size());
    }

    @Test
    void the_operators_stop_of_a_node_given_up_cancels_its_cool_down() {
        giveUpFor = Duration.ofSeconds(600);
        keep(1);
        startsAs(101);
        ends(101, "status 1");
        clock.fire();
        startsAs(102);
        ends(102, "status 1");
        awaitState(KeeperState.GAVE_UP);
        assertEquals(-1, keeper.stopAsked(Signals.TERM));
        awaitState(KeeperState.STOPPED);
        clock.fire();
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertEquals(2, node.spawnCalls.get());
    }

    @Test
    void the_operators_start_in_a_backoff_starts_now_and_the_late_timer_does_not_cut_the_next_backoff_short() {
        keep(0, Duration.ZERO);
        startsAs(101);
        ends(101, "status 1");
        awaitState(KeeperState.BACKOFF);
        CompletableFuture<String> up = keeper.startAsked();
        startsAs(102);
        assertEquals(null, up.join());
        ends(102, "status 1");
        awaitState(KeeperState.BACKOFF);
        assertEquals(2, clock.pending());
        clock.fireFirst(); // the first backoff's timer, late
        assertEquals(KeeperState.BACKOFF, keeper.state());
        assertEquals(2, node.spawnCalls.get());
        clock.fire(); // the second's
        startsAs(103);
    }

    @Test
    void a_start_asked_once_supervise_is_ending_is_refused_and_leaves_the_node_down() throws Exception {
        keep(0);
        startsAs(101);
        keeper.stopAsked(Signals.TERM);
        ends(101, "status 0");
        awaitState(KeeperState.STOPPED);
        keeper.retire();
        assertEquals("supervise is stopping every node", keeper.startAsked().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertEquals(1, node.spawnCalls.get());
    }

    @Test
    void a_forget_lets_a_node_in_its_backoff_go_and_its_timer_starts_nothing_but_a_running_one_is_refused() {
        keep(0);
        startsAs(101);
        assertEquals("running (pid 101)", keeper.release());
        ends(101, "status 1");
        awaitState(KeeperState.BACKOFF);
        assertEquals(null, keeper.release());
        assertEquals(KeeperState.STOPPED, keeper.state());
        clock.fire(); // the backoff's timer, late
        assertEquals(KeeperState.STOPPED, keeper.state());
        assertEquals(1, node.spawnCalls.get());
    }

    @Test
    void each_failed_start_is_recorded_as_a_start_with_its_reason_as_the_last_exit() {
        keep(1);
        await("a start under way", node::waitingSpawn);
        node.spawns.add(new NodeEvent.Failed(78, "cannot open logfile"));
        awaitState(KeeperState.BACKOFF);
        clock.fire();
        node.spawns.add(new NodeEvent.Failed(75, "did not report ready within 1 s"));
        awaitState(KeeperState.GAVE_UP);
        assertEquals(List.of("did not start: cannot open logfile", "did not start: did not report ready within 1 s"),
                node.recorded);
    }

    @Test
    void a_move_the_table_forbids_is_a_bug_that_names_node_state_and_event() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KeeperState.RUNNING.on(KeeperState.Event.STARTED, "w1@HOST"));
        assertEquals("keeper of w1@HOST: event STARTED is illegal in state RUNNING", e.getMessage());
    }

    @Test
    void no_event_is_both_ignored_and_a_move_and_the_requests_never_throw() {
        for (KeeperState state : KeeperState.values()) {
            for (KeeperState.Event event : KeeperState.Event.values()) {
                boolean moves;
                try {
                    state.on(event, "w1@HOST");
                    moves = true;
                } catch (IllegalStateException e) {
                    moves = false;
                }
                assertFalse(moves && state.ignores(event), state + " both ignores and takes " + event);
                if (event == KeeperState.Event.STOP_ASKED || event == KeeperState.Event.RESTART_ASKED) {
                    // another thread asks without knowing the state: never a bug
                    assertTrue(moves || state.ignores(event), state + " throws on " + event);
                }
            }
        }
    }

    /** A node whose starts, ends and pidfile the test decides. */
    private final class FakeNode implements SupervisedNode {
        private final NodeSpec spec = w1();
        final BlockingQueue<NodeEvent> spawns = new LinkedBlockingQueue<>();
        final AtomicInteger spawnCalls = new AtomicInteger();
        final AtomicInteger spawnsWaiting = new AtomicInteger();
        final Map<Long, CompletableFuture<String>> ends = new ConcurrentHashMap<>();
        final List<String> signals = new CopyOnWriteArrayList<>();
        final List<String> recorded = new CopyOnWriteArrayList<>();
        final List<String> noted = new CopyOnWriteArrayList<>();
        volatile PidfileState found = new PidfileState.Absent();
        volatile boolean adoptable;
        /** The pid a start spawns before it is ready, told to the keeper as the real spawn does; -1 for none. */
        volatile long child = -1;

        private static NodeSpec w1() {
            ParsedArgs parsed = ArgParser.parse(List.of("w1"), false, name -> false);
            return NodeExpander.expand(parsed.positionals(), parsed, HOST, w -> { }).get(0);
        }

        boolean waitingSpawn() {
            return spawnsWaiting.get() > 0;
        }

        @Override
        public NodeSpec spec() {
            return spec;
        }

        @Override
        public PidfileState inspect() {
            return found;
        }

        @Override
        public NodeEvent spawn(Duration startTimeout, Duration heartbeat, java.util.function.LongConsumer spawned) {
            spawnCalls.incrementAndGet();
            if (child > 0) {
                spawned.accept(child);
            }
            spawnsWaiting.incrementAndGet();
            try {
                NodeEvent e = spawns.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                return e != null ? e : new NodeEvent.Failed(1, "the test gave no start");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new NodeEvent.Failed(1, "interrupted");
            } finally {
                spawnsWaiting.decrementAndGet();
            }
        }

        @Override
        public void recordStart(String lastExit) {
            recorded.add(String.valueOf(lastExit));
        }

        @Override
        public void noteExit(String how) {
            noted.add(how);
        }

        @Override
        public CompletableFuture<String> childEnd(long pid) {
            return ends.computeIfAbsent(pid, p -> new CompletableFuture<>());
        }

        @Override
        public CompletableFuture<String> adopt(long pid) {
            return adoptable ? ends.computeIfAbsent(pid, p -> new CompletableFuture<>()) : null;
        }

        @Override
        public void signal(long pid, int signal) {
            signals.add(pid + " " + Signals.name(signal));
        }

        /** Dumps the test holds to finish itself ({@link #holdDumps}); else each is written at once. */
        final List<Runnable> heldDumps = new CopyOnWriteArrayList<>();
        volatile boolean holdDumps;

        @Override
        public void threadDump(long pid, java.util.function.Consumer<String> done) {
            signals.add(pid + " QUIT");
            Runnable finish = () -> done.accept(DUMPED);
            if (holdDumps) {
                heldDumps.add(finish);
            } else {
                finish.run();
            }
        }
    }

    private static final String DUMPED = "thread dump in /tmp/w1.log at 1234 (2026-12-07T06:00:00Z)";

    /** Time that moves when the test says; timers that run when the test fires them. */
    private static final class FakeClock implements KeeperClock {
        private record Timer(Duration delay, Runnable task) {}

        private long now = 1_000_000_000L;
        private final List<Timer> timers = new ArrayList<>();
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        @Override
        public synchronized long nanoTime() {
            return now;
        }

        synchronized void advance(Duration d) {
            now += d.toNanos();
        }

        @Override
        public synchronized void schedule(Duration delay, Runnable task) {
            delays.add(delay);
            timers.add(new Timer(delay, task));
        }

        synchronized int pending() {
            return timers.size();
        }

        /** Runs the first timer set, alone, without moving the clock. */
        void fireFirst() {
            Timer first;
            synchronized (this) {
                first = timers.remove(0);
            }
            first.task().run();
        }

        /** Runs every timer set so far, as if its delay passed (the clock moves by the longest). */
        void fire() {
            List<Timer> due;
            synchronized (this) {
                due = new ArrayList<>(timers);
                timers.clear();
                now += due.stream().mapToLong(t -> t.delay().toNanos()).max().orElse(0);
            }
            due.forEach(t -> t.task().run());
        }
    }
}
