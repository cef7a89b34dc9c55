package io.drover.multi;

import io.drover.core.UsageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What makes a list of nodes ambiguous, found before anything is started or signalled: a
 * pidfile tracks one node, so two nodes on one pidfile would be reported as two while one JVM
 * runs, and {@code stop} would signal it twice; a nodename names one node. Logfiles may be
 * shared (their lines interleave), which deserves a warning, not a refusal.
 */
public final class NodeConflicts {
    private NodeConflicts() {}

    /**
     * @throws UsageException naming the nodes and the nodename or path they share
     */
    public static void check(List<NodeSpec> nodes) {
        List<String> problems = new ArrayList<>();
        for (List<NodeSpec> same : groups(nodes, n -> n.nodename().full())) {
            problems.add("node " + same.get(0).nodename().full() + " is given " + times(same.size())
                    + " (as " + String.join(", ", same.stream().map(NodeConflicts::given).toList())
                    + "): a nodename names one node");
        }
        if (problems.isEmpty()) {
            Map<Path, Path> realDirs = new java.util.HashMap<>();
            for (List<NodeSpec> same : groups(nodes, n -> samePath(n.mainPidfile(), realDirs))) {
                String path = same.get(0).mainPidfile();
                Path parent = Path.of(path).getParent();
                problems.add(names(same) + " would share the pidfile " + path + ", which tracks one node:"
                        + " give each its own (e.g. --pidfile=" + (parent == null ? "" : parent + "/") + "%n.pid)");
            }
        }
        if (!problems.isEmpty()) {
            throw new UsageException(String.join("; ", problems));
        }
    }

    /** One warning per logfile several nodes would write: which nodes, which file. */
    public static List<String> sharedLogfiles(List<NodeSpec> nodes) {
        List<String> warnings = new ArrayList<>();
        Map<Path, Path> realDirs = new java.util.HashMap<>();
        for (List<NodeSpec> same : groups(nodes, n -> samePath(n.mainLogfile(), realDirs))) {
            warnings.add(names(same) + " share the logfile " + same.get(0).mainLogfile()
                    + ": their lines will be interleaved in it");
        }
        return warnings;
    }

    /** The groups of two or more nodes with the same key, in node order. */
    private static List<List<NodeSpec>> groups(List<NodeSpec> nodes, Function<NodeSpec, Object> key) {
        Map<Object, List<NodeSpec>> byKey = new LinkedHashMap<>();
        for (NodeSpec node : nodes) {
            byKey.computeIfAbsent(key.apply(node), k -> new ArrayList<>()).add(node);
        }
        return byKey.values().stream().filter(g -> g.size() > 1).toList();
    }

    /**
     * A key equal for two paths that name one file: absolute, its directory's symbolic links
     * resolved when the directory exists (a read, never a write), {@code .} and {@code ..}
     * removed. The file itself is not resolved: drover never follows a pidfile's link. Each
     * directory is resolved once per check ({@code realDirs}): status --all's 50 nodes mostly
     * share one.
     */
    private static Path samePath(String file, Map<Path, Path> realDirs) {
        Path path = Path.of(file).toAbsolutePath();
        Path parent = path.getParent();
        if (parent == null) {
            return path.normalize();
        }
        Path dir = realDirs.get(parent);
        if (dir == null) {
            try {
                dir = parent.toRealPath();
            } catch (IOException | SecurityException e) {
                dir = parent.normalize();
            }
            realDirs.put(parent, dir);
        }
        return dir.resolve(path.getFileName()).normalize();
    }

    private static String given(NodeSpec node) {
        return "node " + node.index() + " '" + node.name() + "'";
    }

    private static String times(int n) {
        return n == 2 ? "twice" : n + " times";
    }

    private static String names(List<NodeSpec> nodes) {
        List<String> names = nodes.stream().map(n -> n.nodename().full()).toList();
        return "nodes " + String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
