package io.drover.multi;

import io.drover.core.Install;
import io.drover.core.NodeName;
import io.drover.registry.NodeRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of the node registry as the grammar would have made them: what {@code --all} acts
 * on, and what {@code start}/{@code restart} compare new options with. Pure: reads no disk.
 */
public final class RecordedNodes {
    private RecordedNodes() {}

    /** Worker options with two names: the one the other means, so {@code -c} replaces {@code --concurrency}. */
    private static final Map<String, String> ALIASES = Map.of(
            "--app", "-A", "--concurrency", "-c", "--pool", "-P", "--loglevel", "-l", "--queues", "-Q");

    /**
     * The node a record describes: its nodename, pidfile and logfile templates, and the worker
     * options and passthrough of its recorded command line, so {@link NodeCommand#argv} gives
     * that command line again (with this drover's java and classpath).
     *
     * @param index the 1-based position among the nodes acted on
     */
    public static NodeSpec spec(int index, NodeRecord record) {
        NodeName name = NodeName.parse(record.nodename());
        Worker w = worker(record.argv());
        return new NodeSpec(index, name.shortName(), name, record.pidfile(), record.logfile(), w.options, w.passthrough);
    }

    /**
     * The recorded options a new command line does not have, as the user would write them
     * ({@code -Q a,b}), in recorded order: what {@code start}/{@code restart} name as dropped.
     * An option given again with another value is replaced, not dropped.
     */
    public static List<String> dropped(List<String> recordedArgv, NodeSpec given) {
        Map<String, String> now = new LinkedHashMap<>();
        given.options().keySet().forEach(k -> now.put(canonical(k), k));
        Worker before = worker(recordedArgv);
        List<String> dropped = new ArrayList<>();
        before.options.forEach((k, v) -> {
            if (!now.containsKey(canonical(k))) {
                dropped.add(v == null ? k : k.startsWith("--") ? k + "=" + v : k + " " + v);
            }
        });
        if (!before.passthrough.isEmpty() && !before.passthrough.equals(given.passthrough())) {
            dropped.add(String.join(" ", before.passthrough));
        }
        return dropped;
    }

    private static String canonical(String option) {
        return ALIASES.getOrDefault(option, option);
    }

    private record Worker(Map<String, String> options, List<String> passthrough) {}

    /**
     * The options of a recorded command line: what follows {@code worker --detach -n NAME
     * --pidfile=P --logfile=L}, read back as {@link NodeSpec#workerArgs} wrote it.
     */
    private static Worker worker(List<String> argv) {
        int at = argv.indexOf(Install.MAIN_CLASS);
        int i = at < 0 ? argv.size() : at + 1;
        Map<String, String> options = new LinkedHashMap<>();
        List<String> passthrough = new ArrayList<>();
        // skip "worker", "--detach", "-n NAME", and the pidfile and logfile multi puts first
        while (i < argv.size()) {
            String t = argv.get(i);
            if (t.equals("worker") || t.equals("--detach") || t.startsWith("--pidfile=") || t.startsWith("--logfile=")) {
                i++;
            } else if (t.equals("-n") && i + 1 < argv.size()) {
                i += 2;
            } else {
                break;
            }
        }
        for (; i < argv.size(); i++) {
            String t = argv.get(i);
            if (t.equals("--") || !t.startsWith("-") || t.equals("-")) {
                // the passthrough, and --append's words after it
                passthrough.addAll(argv.subList(i, argv.size()));
                break;
            }
            int eq = t.indexOf('=');
            if (t.startsWith("--")) {
                options.put(eq < 0 ? t : t.substring(0, eq), eq < 0 ? null : t.substring(eq + 1));
            } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) {
                options.put(t, argv.get(++i));
            } else {
                options.put(t, null);
            }
        }
        return new Worker(options, passthrough);
    }
}
