package io.drover.multi;

import io.drover.core.HeapDumps;
import io.drover.core.NodeName;
import io.drover.core.Templates;
import io.drover.launch.NodeLaunch;
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
 * @param after the full nodenames of the nodes it starts after ({@code --after}), in the order
 *     given; not a worker option, so never on its command line
 * @param settings what drover reads of the options itself: always made from {@code options} here
 *     (whatever is passed), so the two cannot disagree
 */
public record NodeSpec(
        int index,
        String name,
        NodeName nodename,
        String pidfile,
        String logfile,
        Map<String, String> options,
        List<String> passthrough,
        List<String> after,
        NodeSettings settings) {

    public NodeSpec {
        options = Collections.unmodifiableMap(options);
        passthrough = List.copyOf(passthrough);
        after = List.copyOf(after);
        settings = NodeSettings.of(options);
    }

    public NodeSpec(int index, String name, NodeName nodename, String pidfile, String logfile,
                    Map<String, String> options, List<String> passthrough) {
        this(index, name, nodename, pidfile, logfile, options, passthrough, List.of(), null);
    }

    public NodeSpec(int index, String name, NodeName nodename, String pidfile, String logfile,
                    Map<String, String> options, List<String> passthrough, List<String> after) {
        this(index, name, nodename, pidfile, logfile, options, passthrough, after, null);
    }

    /** This node starting after {@code nodenames} instead. */
    NodeSpec withAfter(List<String> nodenames) {
        return new NodeSpec(index, name, nodename, pidfile, logfile, options, passthrough, nodenames);
    }

    /**
     * The JVM command line that runs the node, detached: what {@code show} prints and
     * {@code start} executes, with this installation's java and flags. The one place a node's
     * command line is made.
     */
    public List<String> argv() {
        List<String> worker = new ArrayList<>();
        worker.add("worker");
        worker.add("--detach");
        worker.addAll(workerArgs());
        return NodeLaunch.argv(settings.executable(), settings.jvmOpts(), heapDumpDir(), worker);
    }

    /**
     * Where the node dumps its heap on OutOfMemoryError ({@code --heap-dump-dir}, else beside its
     * logfile: {@link HeapDumps}), or null when it does not.
     */
    public String heapDumpDir() {
        return HeapDumps.dir(OptionTable.Read.HEAP_DUMP_DIR.in(options), logfile, nodename);
    }

    /**
     * The same command line without {@code --detach}: the node as a supervisor (systemd,
     * supervisord, a container runtime) runs it, as the supervisor's own child.
     */
    public List<String> foregroundArgv() {
        List<String> argv = new ArrayList<>(argv());
        argv.remove("--detach");
        return argv;
    }

    /** The worker's arguments: {@code -n NODENAME --pidfile=.. --logfile=..}, the options, the passthrough. */
    public List<String> workerArgs() {
        List<String> args = new ArrayList<>();
        args.add("-n");
        args.add(nodename.full());
        args.add("--pidfile=" + pidfile);
        args.add("--logfile=" + logfile);
        options.forEach((name, value) -> args.addAll(optionArgs(name, value)));
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
     * One worker option as the worker's command line writes it: a flag alone, a long option as
     * {@code --name=value}, a short one as {@code -x value}.
     */
    public static List<String> optionArgs(String name, String value) {
        return value == null ? List.of(name) : name.startsWith("--") ? List.of(name + "=" + value) : List.of(name, value);
    }

    /** Whether worker options (or a passthrough) were given: then they replace the node's record. */
    public boolean optionsGiven() {
        return !options.isEmpty() || !passthrough.isEmpty();
    }
}
