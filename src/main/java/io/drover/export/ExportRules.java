package io.drover.export;

import io.drover.core.UsageException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks shared by the exports: every one runs before a byte is written. */
final class ExportRules {
    private ExportRules() {}

    /**
     * Names an engine can use as they are: a unit instance, a supervisord program. Wider
     * names (systemd's \x escapes) would make the files unreadable next to the node's name.
     */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    static void requirePlainNames(List<ExportedNode> nodes, String engine, String what) {
        Map<String, String> seen = new HashMap<>();
        for (ExportedNode node : nodes) {
            if (!PLAIN_NAME.matcher(node.name()).matches()) {
                throw new UsageException("node " + node.nodename() + ": '" + node.name() + "' cannot be " + what
                        + " (" + engine + " export takes node names of letters, digits, '_', '.' and '-')");
            }
            String earlier = seen.put(node.name(), node.nodename());
            if (earlier != null) {
                throw new UsageException("nodes " + earlier + " and " + node.nodename() + " share the short name '"
                        + node.name() + "', which would be one " + what + " for both in the " + engine + " export");
            }
        }
    }

    /** A line break in an argument would end the line of the file it is written to. */
    static void requireOneLine(ExportedNode node, String engine) {
        for (String arg : node.argv()) {
            if (arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0 || arg.indexOf('\0') >= 0) {
                throw new UsageException("node " + node.nodename() + ": an argument holds a line break or NUL, which "
                        + engine + " cannot pass on: " + io.drover.core.NodeName.printable(arg));
            }
        }
    }

    /** The exported nodes {@code node} is after ({@code --after}), in the order given; others are not exported, so left out. */
    static List<ExportedNode> after(ExportedNode node, List<ExportedNode> nodes) {
        List<ExportedNode> deps = new java.util.ArrayList<>();
        for (String nodename : node.spec().after()) {
            nodes.stream().filter(n -> n.nodename().equals(nodename)).findFirst().ifPresent(deps::add);
        }
        return deps;
    }

    /** 0 for a node after none of the exported nodes, else one more than its deepest dependency's (multi refused cycles). */
    static int level(ExportedNode node, List<ExportedNode> nodes) {
        int level = 0;
        for (ExportedNode dep : after(node, nodes)) {
            level = Math.max(level, level(dep, nodes) + 1);
        }
        return level;
    }
}
