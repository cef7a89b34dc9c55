package io.drover.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Resident set size in bytes ({@code VmRSS} of {@code /proc/PID/status}), if readable. */
    public static OptionalLong rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    String kib = line.substring(6).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kib) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, a zombie (no VmRSS), or not Linux
        }
        return OptionalLong.empty();
    }

    /**
     * CPU use as {@code ps} computes %CPU: the CPU time of all the process's threads (user and
     * system) over its life, in percent of one CPU.
     */
    public static OptionalDouble cpuPercent(long pid) {
        Optional<String[]> stat = stat(pid);
        OptionalDouble boot = secondsSinceBoot();
        if (stat.isEmpty() || boot.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            String[] f = stat.get();
            // fields after the command: f[0] is field 3 (state), so field N is f[N - 3]
            double cpu = (Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3])) / (double) CLOCK_TICKS;
            double started = Long.parseLong(f[22 - 3]) / (double) CLOCK_TICKS;
            double life = boot.getAsDouble() - started;
            return OptionalDouble.of(life <= 0 ? 0 : 100 * cpu / life);
        } catch (RuntimeException e) {
            return OptionalDouble.empty();
        }
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

    /**
     * How long the process has run, from its start time in /proc/PID/stat and /proc/uptime: two
     * small reads, where {@code ProcessHandle.info()} also reads its command line and looks its
     * user up, which {@code status --all} paid for every node.
     */
    public static Optional<java.time.Duration> uptime(long pid) {
        Optional<String[]> stat = stat(pid);
        OptionalDouble boot = secondsSinceBoot();
        if (stat.isEmpty() || boot.isEmpty()) {
            return Optional.empty();
        }
        try {
            double started = Long.parseLong(stat.get()[22 - 3]) / (double) CLOCK_TICKS;
            return Optional.of(java.time.Duration.ofMillis(Math.max(0, Math.round((boot.getAsDouble() - started) * 1000))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The fields of {@code /proc/PID/stat} after the command name (which may hold blanks). */
    private static Optional<String[]> stat(long pid) {
        try {
            String text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            int close = text.lastIndexOf(')');
            return close < 0 ? Optional.empty() : Optional.of(text.substring(close + 2).trim().split(" "));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static OptionalDouble secondsSinceBoot() {
        try {
            return OptionalDouble.of(Double.parseDouble(Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }
}
