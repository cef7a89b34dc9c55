package io.drover.multi;

import io.drover.core.NodeName;
import io.drover.core.Templates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One node as multi expanded it: its name, its pidfile and logfile templates (node keys
 * expanded, {@code %i %I %%} left for the worker), and the worker options in the order the
 * worker receives them.
 *
 * @param index 1-based position in the node list
 * @param name the name as given (or generated from a count), the key of namespaced options
 * @param nodename the full node name
 * @param pidfile the pidfile path, node keys expanded
 * @param logfile the logfile path, node keys expanded
 * @param options the remaining worker options in order, values expanded; a null value is a flag
 * @param passthrough {@code --} and what followed it, or empty
 */
public record NodeSpec(
        int index,
        String name,
        NodeName nodename,
        String pidfile,
        String logfile,
        Map<String, String> options,
        List<String> passthrough) {

    public NodeSpec {
        options = Collections.unmodifiableMap(options);
        passthrough = List.copyOf(passthrough);
    }

    /** The worker's arguments: {@code -n NODENAME --pidfile=.. --logfile=..}, the options, the passthrough. */
    public List<String> workerArgs() {
        List<String> args = new ArrayList<>();
        args.add("-n");
        args.add(nodename.full());
        args.add("--pidfile=" + pidfile);
        args.add("--logfile=" + logfile);
        options.forEach((name, value) -> {
            if (value == null) {
                args.add(name);
            } else if (name.startsWith("--")) {
                args.add(name + "=" + value);
            } else {
                args.add(name);
                args.add(value);
            }
        });
        args.addAll(passthrough);
        return args;
    }

    /**
     * The pidfile the node's main process holds: {@link #pidfile} with the per-process keys
     * ({@code %i %I %%}) expanded as the worker expands them for process 0.
     */
    public String mainPidfile() {
        return Templates.expandForProcess(pidfile, nodename, Templates.MAIN_PROCESS, "--pidfile");
    }

    /** The logfile the node's main process writes (no {@code %I} left), as {@link #mainPidfile}. */
    public String mainLogfile() {
        return Templates.expandForProcess(logfile, nodename, Templates.MAIN_PROCESS, "--logfile");
    }

    /**
     * The port of {@code --health-port}, where the node answers {@code /ready} and {@code /live};
     * null when it has none (or a value the worker would refuse).
     */
    public Integer healthPort() {
        String value = option("--health-port");
        if (value == null || !value.matches("[0-9]{1,5}")) {
            return null;
        }
        int port = Integer.parseInt(value);
        return port >= 1 && port <= 65535 ? Integer.valueOf(port) : null;
    }

    /** The value of a worker option given as any of its names, or null. */
    public String option(String... names) {
        for (String n : names) {
            if (options.containsKey(n)) {
                return options.get(n);
            }
        }
        return null;
    }
}
