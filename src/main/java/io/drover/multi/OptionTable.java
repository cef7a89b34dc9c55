package io.drover.multi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The nodes' options as the build read them off the {@code worker} and {@code beat} commands'
 * declarations ({@value #RESOURCE}, written in the process-classes phase): every name of each
 * option. The one place in multi that knows an option by its spelling: what drover itself reads
 * of a node's options is named by {@link Read}, and every other name ({@code -A}, {@code -f}) is
 * found through the table, so an alias cannot be missed.
 */
public final class OptionTable {
    private OptionTable() {}

    /** Beside this class: one option a line, {@code =} (takes a value) or {@code -} (a flag), then its names. */
    static final String RESOURCE = "node-options.txt";

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

    private static volatile Map<String, String> canonical;

    /**
     * The long name of the option {@code written} is a name of ({@code -c}: {@code --concurrency}),
     * or {@code written} itself when the nodes have no such option.
     */
    public static String canonical(String written) {
        return names().getOrDefault(written, written);
    }

    /**
     * Each name of each option, to its long name. Read on first use: most commands never ask (a
     * command line without worker options does not), and two threads may both read it, to the
     * same map.
     */
    private static Map<String, String> names() {
        Map<String, String> known = canonical;
        if (known != null) {
            return known;
        }
        try (InputStream in = OptionTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("drover's classes lack " + RESOURCE
                        + ": the build's process-classes step (io.drover.cli.NodeOptions) writes it");
            }
            Map<String, String> table = new HashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] words = line.trim().split(" ");
                String longName = null;
                for (int i = 1; i < words.length; i++) {
                    if (words[i].startsWith("--")) {
                        longName = words[i];
                    }
                }
                for (int i = 1; i < words.length && longName != null; i++) {
                    table.put(words[i], longName);
                }
            }
            known = Map.copyOf(table);
            canonical = known;
            return known;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE + " of drover's classes", e);
        }
    }
}
