package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.Signals;
import io.drover.posix.Posix;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs supervise's hooks one at a time on a thread of its own, from a bounded queue: a slow
 * hook delays the next hook, never a keeper, and a hook that finds the queue full is skipped,
 * and said to be. Each runs as {@code /bin/sh -c CMD} in a session of its own (so its whole
 * process group can be ended), as supervise's user, stdin from /dev/null; each line of its
 * output, and how it ended, is a {@link NodeEvent.Hook} of its node.
 *
 * <p>supervise is a child subreaper whose {@link Reaper} reaps every child with
 * {@code waitpid(-1)}: a hook spawned through {@link ReapingPosix} is registered with it as a
 * node's child is, and its status is claimed from the reaper. (A {@code ProcessBuilder}'s
 * process would race that reaper for its status, and read 0 when it lost.)
 */
final class HookRunner {
    /** Hooks waiting to run at most: more are skipped, said in a line each. */
    static final int QUEUE = 16;
    /** Lines of one hook's output shown at most; the rest is read and dropped, said once. */
    static final int MAX_LINES = 100;
    /** Characters of one line shown at most. */
    static final int MAX_LINE = 1000;
    /** How long a hook's output may go on after it ended (a child of it holding the pipe) before its end is said. */
    static final Duration OUTPUT_WAIT = Duration.ofSeconds(1);
    /** How long a SIGKILLed hook may take to be reaped: only a process stuck in the kernel outlives it. */
    static final Duration KILL_WAIT = Duration.ofSeconds(30);
    static final String SHELL = "/bin/sh";

    /** The words of supervise's lines about a hook. */
    static final String SKIPPED = "skipped: " + QUEUE + " hooks are waiting to run already (a hook is slow;"
            + " see --hook-timeout)";
    static final String TIMED_OUT = "still running after --hook-timeout %s s: SIGTERM to its process group";
    static final String KILLED = "still running %s s after SIGTERM: SIGKILL to its process group";
    static final String ENDED = "ended (%s)";
    static final String MORE_OUTPUT = "more output dropped (over " + MAX_LINES + " lines)";

    private final ReapingPosix posix;
    private final Reaper reaper;
    private final ClusterListener report;
    private final Duration timeout;
    private final Map<String, String> environment;
    private final BlockingQueue<HookListener.Run> queue = new ArrayBlockingQueue<>(QUEUE);
    /** Hooks queued and not yet run to their end; guarded by this. */
    private int pending;

    /**
     * @param report where each hook's lines go (supervise's queued listener, so that they come in
     *     order with the other events)
     * @param environment supervise's own environment, which each hook gets with its DROVER_* added
     */
    HookRunner(ReapingPosix posix, Reaper reaper, ClusterListener report, Duration timeout, Map<String, String> environment) {
        this.posix = posix;
        this.reaper = reaper;
        this.report = report;
        this.timeout = timeout;
        Map<String, String> env = new HashMap<>(environment);
        // a hook is not the service's main process, nor a node: it tells systemd nothing
        env.remove("NOTIFY_SOCKET");
        env.remove("WATCHDOG_USEC");
        env.remove("WATCHDOG_PID");
        this.environment = Map.copyOf(env);
    }

    void start() {
        Thread t = new Thread(this::loop, "drover-hooks");
        t.setDaemon(true);
        t.start();
    }

    /** Queues {@code run} without waiting: a keeper calls this under its monitor. */
    void offer(HookListener.Run run) {
        synchronized (this) {
            if (queue.offer(run)) {
                pending++;
                return;
            }
        }
        say(run, SKIPPED, true);
    }

    /**
     * Waits until every hook queued so far has run, each within its own deadline: the alert of
     * the give-up that ends supervise (every node given up) is sent before supervise exits.
     */
    synchronized void finish() {
        while (pending > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void loop() {
        try {
            while (true) {
                HookListener.Run run = queue.take();
                try {
                    run(run);
                } finally {
                    synchronized (this) {
                        pending--;
                        notifyAll();
                    }
                }
            }
        } catch (InterruptedException e) {
            // supervise is ending
        }
    }

    private void say(HookListener.Run run, String text, boolean warning) {
        report.node(run.node(), new NodeEvent.Hook(run.kind().option(), text, warning));
    }

    private void run(HookListener.Run run) throws InterruptedException {
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(run.env());
        Posix.Spawned spawned;
        try {
            spawned = posix.spawnHook(List.of(SHELL, "-c", run.command()), env);
        } catch (DroverException e) {
            say(run, e.getMessage(), true);
            return;
        }
        long pid = spawned.pid();
        CompletableFuture<Posix.ChildExit> exit = reaper.claim(pid);
        Thread output = new Thread(() -> relay(run, spawned.outputFd()), "drover-hook-output");
        output.setDaemon(true);
        output.start();
        Posix.ChildExit end = await(exit, timeout);
        if (end == null) {
            say(run, String.format(TIMED_OUT, seconds(timeout)), true);
            signal(pid, exit, Signals.TERM);
            end = await(exit, Hooks.KILL_AFTER);
            if (end == null) {
                say(run, String.format(KILLED, seconds(Hooks.KILL_AFTER)), true);
                signal(pid, exit, Signals.KILL);
                end = await(exit, KILL_WAIT);
            }
        }
        output.join(OUTPUT_WAIT.toMillis());
        if (output.isAlive()) {
            endLeftovers(run, pid);
            output.join(OUTPUT_WAIT.toMillis());
        }
        String how = end == null ? "not reaped " + seconds(KILL_WAIT) + " s after SIGKILL" : end.describe();
        say(run, String.format(ENDED, how), end == null || end.code() != 0);
    }

    /**
     * A hook that ended but left a process of its session holding its output (a command put in
     * the background, {@code mail ... &}): what is left of its group is ended with KILL, so a
     * crash-looping node's hooks do not pile up processes, threads and pipes. Its group is still
     * the hook's: a group id is not reused while a member lives, and only the members found
     * (the hook's session, supervise's own user) are the ones signalled.
     */
    private void endLeftovers(HookListener.Run run, long pid) {
        List<Long> left = io.drover.posix.ProcessTable.groupLeft(io.drover.posix.ProcessTable.sessionGroups(), pid,
                (int) io.drover.posix.ProcessTable.uid(ProcessHandle.current().pid()).orElse(-1));
        if (left.isEmpty()) {
            return;
        }
        say(run, "left " + left.size() + " process" + (left.size() == 1 ? "" : "es") + " of its session behind "
                + left + ": killed (SIGKILL), as a hook's background work would pile up", true);
        try {
            posix.killGroup(pid, Signals.KILL);
        } catch (DroverException e) {
            // gone meanwhile
        }
    }

    /**
     * Signals the hook's process group, a session of its own since its spawn, while the hook
     * is our child not yet reaped: its pid, and so its group, cannot be another's then.
     */
    private void signal(long pid, CompletableFuture<Posix.ChildExit> exit, int signal) {
        if (exit.isDone()) {
            return;
        }
        try {
            posix.killGroup(pid, signal);
        } catch (DroverException e) {
            // it ended meanwhile, or is not ours to signal: its end says what became of it
        }
    }

    private static Posix.ChildExit await(CompletableFuture<Posix.ChildExit> exit, Duration limit)
            throws InterruptedException {
        try {
            return exit.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    /** Each line of the hook's output as an event, bounded; reads to the end, then closes the pipe. */
    private void relay(HookListener.Run run, int fd) {
        byte[] buf = new byte[4096];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int lines = 0;
        try {
            int n;
            while ((n = posix.read(fd, buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines = emit(run, line, lines);
                    } else if (line.size() < MAX_LINE * 4) {
                        line.write(buf[i]);
                    }
                }
            }
            if (line.size() > 0) {
                lines = emit(run, line, lines);
            }
            if (lines > MAX_LINES) {
                say(run, MORE_OUTPUT, false);
            }
        } finally {
            posix.close(fd);
        }
    }

    private int emit(HookListener.Run run, ByteArrayOutputStream line, int lines) {
        if (lines < MAX_LINES) {
            String text = line.toString(StandardCharsets.UTF_8);
            say(run, text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + "..." : text, false);
        }
        line.reset();
        return lines + 1;
    }
}
