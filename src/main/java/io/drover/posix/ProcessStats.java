package io.drover.posix;

import io.drover.core.ProcEntry;
import io.drover.core.ProcFiles;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A process's figures for {@code multi status}, read from {@code /proc} without native calls (so
 * status loads no jnr class): resident memory, CPU use, and the exit status of a zombie.
 */
public final class ProcessStats {
    private ProcessStats() {}

    /**
     * USER_HZ, the unit of the times in {@code /proc/PID/stat}: 100 on every Linux the JDK runs on
     * (the kernel fixes it for user space whatever its own HZ is); sysconf would need native code.
     */
    static final int CLOCK_TICKS = 100;

    /**
     * What {@code multi status} shows of a running process, each empty when unreadable.
     *
     * @param rssBytes resident set size ({@code VmRSS} of {@code /proc/PID/status})
     * @param cpuPercent CPU use as {@code ps} computes %CPU: the CPU time of all the process's
     *     threads (user and system) over its life, in percent of one CPU
     * @param uptime how long the process has run
     */
    public record Figures(OptionalLong rssBytes, OptionalDouble cpuPercent, Optional<java.time.Duration> uptime) {}

    /**
     * A running process's {@link Figures}, from one read each of {@code /proc/PID/stat},
     * {@code /proc/PID/status} and {@code /proc/uptime}: {@code status --all} pays this per node.
     * ({@code ProcessHandle.info()} would also read the command line and look the user up.)
     */
    public static Figures figures(long pid) {
        Optional<ProcEntry.Stat> stat = ProcEntry.Stat.of(pid);
        OptionalDouble boot = secondsSinceBoot();
        OptionalDouble cpu = OptionalDouble.empty();
        Optional<java.time.Duration> uptime = Optional.empty();
        if (stat.isPresent() && boot.isPresent()) {
            try {
                ProcEntry.Stat f = stat.get();
                // utime and stime (14, 15) over the time since the process started (22)
                double used = (f.number(14) + f.number(15)) / (double) CLOCK_TICKS;
                double life = boot.getAsDouble() - f.number(22) / (double) CLOCK_TICKS;
                cpu = OptionalDouble.of(life <= 0 ? 0 : 100 * used / life);
                uptime = Optional.of(java.time.Duration.ofMillis(Math.max(0, Math.round(life * 1000))));
            } catch (RuntimeException e) {
                // not the format above
            }
        }
        return new Figures(rssBytes(pid), cpu, uptime);
    }

    /**
     * The CPU time of all the process's threads, user and system, in seconds (utime and stime,
     * fields 14 and 15 of {@code /proc/PID/stat}), if readable: supervise's {@code /metrics}.
     */
    public static OptionalDouble cpuSeconds(long pid) {
        Optional<ProcEntry.Stat> stat = ProcEntry.Stat.of(pid);
        try {
            return stat.isEmpty() ? OptionalDouble.empty()
                    : OptionalDouble.of((stat.get().number(14) + stat.get().number(15)) / (double) CLOCK_TICKS);
        } catch (RuntimeException e) {
            return OptionalDouble.empty(); // not the format above
        }
    }

    /** Resident set size in bytes ({@code VmRSS} of {@code /proc/PID/status}), if readable. */
    public static OptionalLong rssBytes(long pid) {
        // none for a process that is gone, a zombie (no VmRSS), or off Linux
        Optional<Long> rss = ProcEntry.Status.of(pid).flatMap(s -> s.bytes("VmRSS"));
        return rss.isPresent() ? OptionalLong.of(rss.get()) : OptionalLong.empty();
    }

    /**
     * How a process ended, while it is a zombie nobody reaped ({@code exit_code}, field 52 of
     * {@code /proc/PID/stat}, Linux 3.5+, in waitpid's form), in drover's one format
     * ({@link ExitWords}). Empty for a live process, one that is gone, or one this user may not
     * look at.
     */
    public static Optional<String> zombieExit(long pid) {
        Optional<ProcEntry.Stat> stat = ProcEntry.Stat.of(pid);
        if (stat.isEmpty() || stat.get().state() != 'Z' || !stat.get().has(52)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ExitWords.ofWaitStatus((int) stat.get().number(52)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static OptionalDouble secondsSinceBoot() {
        try {
            return OptionalDouble.of(Double.parseDouble(ProcFiles.text("/proc/uptime").trim().split(" ")[0]));
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }
}
