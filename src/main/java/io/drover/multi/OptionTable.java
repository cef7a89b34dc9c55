package io.drover.multi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        LOGFILE("--logfile");

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
