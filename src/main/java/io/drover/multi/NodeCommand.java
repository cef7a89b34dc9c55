package io.drover.multi;

import io.drover.launch.NodeLaunch;
import java.util.ArrayList;
import java.util.List;

/** The JVM command line that runs a node: what {@code show} prints and {@code start} executes. */
public final class NodeCommand {
    private NodeCommand() {}

    public static List<String> argv(NodeSpec node) {
        List<String> worker = new ArrayList<>();
        worker.add("worker");
        worker.add("--detach");
        worker.addAll(node.workerArgs());
        return NodeLaunch.argv(node.option("--executable"), node.option("--jvm-opts"), worker);
    }

    /**
     * The same command line without {@code --detach}: the node as a supervisor (systemd,
     * supervisord, a container runtime) runs it, as the supervisor's own child.
     */
    public static List<String> foregroundArgv(NodeSpec node) {
        List<String> argv = new ArrayList<>(argv(node));
        argv.remove("--detach");
        return argv;
    }
}
