package io.drover.e2e;

import io.drover.posix.ProcessTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;

/**
 * What the kernel says about processes, read from {@code /proc}, and polling with a deadline.
 * PID 1 here does not reap, so a dead node may linger as a zombie: "gone" means no
 * {@code /proc/PID/stat} or state {@code Z} ({@link ProcessTable#isAlive}).
 */
public final class Procs {
    private Procs() {}

    /** How long a test waits for something the system will do "soon" on a loaded 2-core machine. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    static final long POLL_MILLIS = 50;

    public static boolean alive(long pid) {
        return ProcessTable.isAlive(pid);
    }

    /** Field 6 of {@code /proc/PID/stat} (counted after the command name in parentheses). */
    public static long sessionId(long pid) {
        String[] fields = statFields(pid);
        return Long.parseLong(fields[3]);
    }

    /** Field 3 of {@code /proc/PID/stat}: R, S, D, Z, ... */
    public static char state(long pid) {
        return statFields(pid)[0].charAt(0);
    }

    /** The fields after {@code "(comm) "}: state, ppid, pgrp, session, ... */
    private static String[] statFields(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/" + pid + "/stat: " + e, e);
        }
        int close = stat.lastIndexOf(')');
        return stat.substring(close + 2).trim().split(" ");
    }

    /** The argv of a process; empty when it is gone or a zombie. */
    public static List<String> argv(long pid) {
        return ProcessTable.commandLine(pid);
    }

    /** The argv joined with spaces, for matching and messages. */
    public static String cmdline(long pid) {
        return String.join(" ", argv(pid));
    }

    /** Live processes (not this JVM) whose command line contains {@code needle}. */
    public static Set<Long> pidsWithCmdlineContaining(String needle) {
        Set<Long> pids = new TreeSet<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                long pid;
                try {
                    pid = Long.parseLong(p.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == self) {
                    continue;
                }
                byte[] raw;
                try {
                    raw = Files.readAllBytes(p.resolve("cmdline"));
                } catch (NoSuchFileException e) {
                    continue;
                } catch (IOException e) {
                    continue; // gone meanwhile, or not ours to read
                }
                String cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
                if (cmd.contains(needle) && alive(pid)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc: " + e, e);
        }
        return pids;
    }

    /** Sends a signal by name ({@code TERM}, {@code HUP}, {@code 9}) with kill(1), as an operator would. */
    public static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new AssertionError("kill -" + signal + " " + pid + " did not return");
            }
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Assertions.assertEquals(0, kill.exitValue(), () -> "kill -" + signal + " " + pid + ": " + out);
        } catch (IOException e) {
            throw new AssertionError("cannot run kill: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} at the deadline. */
    public static void waitUntil(String what, Duration deadline, BooleanSupplier condition) {
        waitUntil(what, deadline, condition, () -> "");
    }

    /**
     * Polls {@code condition} until it holds; fails naming {@code what} and what {@code state}
     * says at the deadline.
     */
    public static void waitUntil(String what, Duration deadline, BooleanSupplier condition, Supplier<String> state) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= end) {
                Assertions.fail("waited " + deadline.toSeconds() + " s for " + what + "; " + state.get());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /**
     * Whether every thread of the process has exited: no {@code /proc/PID}, or a zombie leader
     * with no other thread left. Stricter than {@link #alive}: a JVM's main thread can be a
     * zombie while its other threads still tear the process down (unmapping the heap) and
     * still hold its descriptors, the pidfile lock among them.
     */
    public static boolean exited(long pid) {
        if (alive(pid)) {
            return false;
        }
        String[] tasks = new java.io.File("/proc/" + pid + "/task").list();
        return tasks == null || tasks.length <= 1;
    }

    /** Waits until the process has {@link #exited}, so its pidfile lock is free. */
    public static void waitUntilGone(long pid) {
        waitUntil("pid " + pid + " to be gone", PATIENCE, () -> exited(pid), () -> "still: " + cmdline(pid));
    }

    /** The pids among {@code pids} that are alive, for messages. */
    public static List<Long> living(Iterable<Long> pids) {
        List<Long> alive = new ArrayList<>();
        for (long pid : pids) {
            if (alive(pid)) {
                alive.add(pid);
            }
        }
        return alive;
    }
}
