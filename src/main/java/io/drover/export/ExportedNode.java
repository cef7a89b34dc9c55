package io.drover.export;

import io.drover.multi.NodeSpec;
import java.util.List;

/**
 * One node as an engine runs it: its name (the unit instance, the program), its nodename, and
 * the argv of its JVM in the foreground, which is what {@code multi show} prints without
 * {@code --detach}: under systemd or supervisord the engine is the node's parent, so the node
 * must not detach.
 *
 * @param name the node's short name
 * @param nodename the full nodename
 * @param argv the foreground JVM command line
 * @param spec the node as multi expanded it
 */
public record ExportedNode(String name, String nodename, List<String> argv, NodeSpec spec) {

    public ExportedNode {
        argv = List.copyOf(argv);
    }

    public static ExportedNode of(NodeSpec spec) {
        return new ExportedNode(spec.nodename().shortName(), spec.nodename().full(), spec.foregroundArgv(), spec);
    }
}
