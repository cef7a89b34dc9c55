package io.drover.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the kernel says about a pid, read without native calls. A zombie counts as dead: nodes are
 * reparented to whatever PID 1 is, and not every PID 1 reaps (this machine's does not), while
 * {@link ProcessHandle#isAlive()} calls a zombie alive.
 */
public final class ProcessTable {
    private ProcessTable() {}

    private static final boolean PROCFS = Files.isDirectory(Path.of("/proc/self"));

    public static boolean isAlive(long pid) {
        if (pid <= 0) {
            return false;
        }
        if (!PROCFS) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X' && state != 'x';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** The process's argv, as {@code /proc/PID/cmdline} holds it; empty if unreadable. */
    public static List<String> commandLine(long pid) {
        List<String> argv = new ArrayList<>();
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    argv.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return argv;
    }

    /** How long the process has run, if the JDK can tell. */
    public static Optional<Duration> uptime(long pid) {
        return ProcessHandle.of(pid)
                .flatMap(h -> h.info().startInstant())
                .map(start -> Duration.between(start, Instant.now()));
    }
}
