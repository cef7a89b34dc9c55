package io.drover.posix;

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
        Optional<String[]> stat = stat(pid);
        OptionalDouble boot = secondsSinceBoot();
        OptionalDouble cpu = OptionalDouble.empty();
        Optional<java.time.Duration> uptime = Optional.empty();
        if (stat.isPresent() && boot.isPresent()) {
            try {
                String[] f = stat.get();
                // fields after the command: f[0] is field 3 (state), so field N is f[N - 3]
                double used = (Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3])) / (double) CLOCK_TICKS;
                double life = boot.getAsDouble() - Long.parseLong(f[22 - 3]) / (double) CLOCK_TICKS;
                cpu = OptionalDouble.of(life <= 0 ? 0 : 100 * used / life);
                uptime = Optional.of(java.time.Duration.ofMillis(Math.max(0, Math.round(life * 1000))));
            } catch (RuntimeException e) {
                // not the format above
            }
        }
        return new Figures(rssBytes(pid), cpu, uptime);
    }

    /** Resident set size in bytes ({@code VmRSS} of {@code /proc/PID/status}), if readable. */
    static OptionalLong rssBytes(long pid) {
        try {
            String status = ProcFiles.text("/proc/" + pid + "/status");
            int at = status.indexOf("VmRSS:");
            if (at == 0 || at > 0 && status.charAt(at - 1) == '\n') {
                int end = status.indexOf('\n', at);
                String kib = status.substring(at + "VmRSS:".length(), end < 0 ? status.length() : end).trim();
                int blank = kib.indexOf(' ');
                return OptionalLong.of(Long.parseLong(blank < 0 ? kib : kib.substring(0, blank)) * 1024);
            }
        } catch (IOException | RuntimeException e) {
            // gone, a zombie (no VmRSS), or not Linux
        }
        return OptionalLong.empty();
    }

    /** The process's CPU time (user and system) in seconds, if readable. */
    public static OptionalDouble cpuSeconds(long pid) {
        Optional<String[]> stat = stat(pid);
        try {
            return stat.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(
                    (Long.parseLong(stat.get()[14 - 3]) + Long.parseLong(stat.get()[15 - 3])) / (double) CLOCK_TICKS);
        } catch (RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * How a process ended, while it is a zombie nobody reaped ({@code exit_code}, field 52 of
     * {@code /proc/PID/stat}, Linux 3.5+, in waitpid's form): "status N" or "signal N". Empty
     * for a live process, one that is gone, or one this user may not look at.
     */
    public static Optional<String> zombieExit(long pid) {
        Optional<String[]> stat = stat(pid);
        if (stat.isEmpty() || !stat.get()[0].equals("Z") || stat.get().length < 52 - 2) {
            return Optional.empty();
        }
        try {
            int status = Integer.parseInt(stat.get()[52 - 3]);
            int signal = status & 0x7f;
            return Optional.of(signal == 0 ? "status " + ((status >> 8) & 0xff) : "signal " + signal);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The fields of {@code /proc/PID/stat} after the command name (which may hold blanks). */
    private static Optional<String[]> stat(long pid) {
        try {
            String text = ProcFiles.text("/proc/" + pid + "/stat");
            int close = text.lastIndexOf(')');
            return close < 0 ? Optional.empty() : Optional.of(text.substring(close + 2).trim().split(" "));
        } catch (IOException | RuntimeException e) {
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
