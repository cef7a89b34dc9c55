package io.drover.multi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes' options by every name they go by: the one place in multi that knows an option by
 * its spelling. What drover itself reads of a node's options is named by {@link Read}; every
 * other name ({@code -A}, {@code -f}) is found through {@link #ALIASES}, so an alias cannot be
 * missed. The table is the worker's and beat's {@code @Option}s, written out here because
 * reading them (or a resource the build wrote from them) costs a short command 10-30 ms; a
 * test ({@code NodeOptionsTest}) holds it equal to the annotations.
 */
public final class OptionTable {
    private OptionTable() {}

    /** The nodes' options that have more than one name, each with all of them, the long one last. */
    public static final List<List<String>> ALIASES = List.of(
            List.of("-A", "--app"),
            List.of("-P", "--pool"),
            List.of("-Q", "--queues"),
            List.of("-c", "--concurrency"),
            List.of("-f", "--logfile"),
            List.of("-l", "--loglevel"),
            List.of("-n", "--hostname"),
            List.of("-s", "--schedule"));

    /**
     * Every option of {@code drover worker}, by every name it goes by: all that may stand before
     * {@code --} on the command line multi builds for a node (every node is a worker). An
     * option not here would make each node's JVM fail with "Unknown option", so multi refuses it
     * before it makes a directory or spawns a process.
     */
    public static final Set<String> WORKER = Set.of(
            "-A", "--app", "-P", "--pool", "-Q", "--queues", "-c", "--concurrency", "-f", "--logfile",
            "-l", "--loglevel", "-n", "--hostname", "--classpath", "--detach", "--env-file", "--executable", "--gid",
            "--health-address", "--health-port", "--health-timeout", "--jvm-opts", "--log-format", "--log-keep",
            "--log-max-size", "--log-rotate", "--pidfile", "--start-timeout",
            "--uid", "--umask", "--verbose", "--wait-for", "--wait-for-timeout", "--workdir",
            "--heap-dump-dir", "--heap-dump-keep");

    /** {@code drover beat}'s options that a worker does not have: given to multi, they reach no node. */
    public static final Set<String> BEAT_ONLY = Set.of("-s", "--schedule", "--max-interval", "--no-catch-up",
            "--stop-timeout");

    /**
     * Whether a worker takes the option written {@code name} (its part before {@code =} or
     * {@code :}): one of {@link #WORKER}, or a short one with its value glued on ({@code -c3},
     * which the worker reads as {@code -c 3}; every short option of the worker takes a value).
     */
    public static boolean workerTakes(String name) {
        return WORKER.contains(name)
                || (name.length() > 2 && name.charAt(0) == '-' && name.charAt(1) != '-' && WORKER.contains(name.substring(0, 2)));
    }

    private static final Map<String, String> LONG_NAME = longNames();

    private static Map<String, String> longNames() {
        Map<String, String> names = new HashMap<>();
        for (List<String> option : ALIASES) {
            for (String name : option) {
                names.put(name, option.get(option.size() - 1));
            }
        }
        return Map.copyOf(names);
    }

    /** The node options drover reads itself, each by its long name. */
    public enum Read {
        APP("--app"),
        UID("--uid"),
        GID("--gid"),
        UMASK("--umask"),
        WORKDIR("--workdir"),
        EXECUTABLE("--executable"),
        JVM_OPTS("--jvm-opts"),
        HEALTH_PORT("--health-port"),
        HEALTH_ADDRESS("--health-address"),
        CONCURRENCY("--concurrency"),
        CLASSPATH("--classpath"),
        LOGLEVEL("--loglevel"),
        DETACH("--detach"),
        PIDFILE("--pidfile"),
        LOGFILE("--logfile"),
        HEAP_DUMP_DIR("--heap-dump-dir"),

        WAIT_FOR("--wait-for"),
        ENV_FILE("--env-file"),

        LOG_MAX_SIZE("--log-max-size"),
        LOG_ROTATE("--log-rotate");

        /** The option's long name, as the table's lines give it. */
        public final String longName;

        Read(String longName) {
            this.longName = longName;
        }

        /** Whether {@code written} ({@code -A}, {@code --app}) is a name of this option. */
        public boolean named(String written) {
            return longName.equals(canonical(written));
        }

        /** The value of this option among {@code options} (by any of its names), or null. */
        public String in(Map<String, String> options) {
            for (Map.Entry<String, String> option : options.entrySet()) {
                if (named(option.getKey())) {
                    return option.getValue();
                }
            }
            return null;
        }
    }

    /**
     * The long name of the option {@code written} is a name of ({@code -c}: {@code --concurrency}),
     * or {@code written} itself when it is one, or the nodes have no such option.
     */
    public static String canonical(String written) {
        return LONG_NAME.getOrDefault(written, written);
    }
}
