package io.drover.multi;

import io.drover.core.UsageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The order {@code --after} gives the nodes of one operation (docs/design.md, "Start order"):
 * a node starts once the nodes it is after are ready, and is stopped before them. Like
 * systemd's {@code After=}, it orders only the nodes acted on together: a dependency that is not
 * among them is neither waited for nor started. Pure: reads no disk, prints nothing.
 */
final class StartOrder {
    private StartOrder() {}

    /** A name in {@code --after} that is none of the nodes given: the option as written, the name, the nodes. */
    static final String UNKNOWN = "%s: no node %s among the nodes given (%s)";

    /** {@code --after} that makes the nodes wait for each other: the cycle, {@code a@h -> b@h -> a@h}. */
    static final String CYCLE = "--after makes a cycle, so none of them could start: %s";

    /** Nodes named in {@link #UNKNOWN}; the rest are counted. */
    private static final int NODES_NAMED = 5;

    /**
     * The nodes with the {@code --after} value the expander left in each ({@link NodeSpec#after},
     * the comma list as written, one element) resolved to full nodenames: a name as given, a full
     * nodename ({@code %h} is this host), or a 1-based index when the nodes were given as a count.
     * A name that is none of the nodes, or an order with a cycle, is a usage error, before any
     * node is started.
     */
    static List<NodeSpec> resolved(List<NodeSpec> nodes, boolean counted, String hostname) {
        if (nodes.stream().allMatch(n -> n.after().isEmpty())) {
            return List.copyOf(nodes);
        }
        Map<String, NodeSpec> byName = new HashMap<>();
        for (NodeSpec n : nodes) {
            byName.putIfAbsent(n.name(), n);
            byName.putIfAbsent(n.nodename().full(), n);
        }
        List<NodeSpec> resolved = new ArrayList<>();
        for (NodeSpec n : nodes) {
            if (n.after().isEmpty()) {
                resolved.add(n);
                continue;
            }
            String value = n.after().get(0);
            if (value == null || value.isBlank()) {
                throw new UsageException(ArgParser.AFTER + " needs a value (" + ArgParser.AFTER + "=NODE[,NODE])");
            }
            Set<String> after = new LinkedHashSet<>();
            for (String word : value.split(",", -1)) {
                String name = word.strip();
                NodeSpec dep = byName.get(name);
                if (dep == null && name.contains("@")) {
                    dep = byName.get(io.drover.core.Templates.expandHostInName(name, hostname));
                }
                if (dep == null && counted && NodeExpander.isCount(name) && name.length() < 6) {
                    int i = Integer.parseInt(name);
                    dep = i >= 1 && i <= nodes.size() ? nodes.get(i - 1) : null;
                }
                if (dep == null) {
                    throw new UsageException(String.format(UNKNOWN, ArgParser.AFTER + "=" + value, name.isEmpty() ? "''" : name,
                            named(nodes)));
                }
                after.add(dep.nodename().full());
            }
            resolved.add(n.withAfter(List.copyOf(after)));
        }
        ordered(resolved, n -> n.nodename().full(), NodeSpec::after);
        return List.copyOf(resolved);
    }

    private static String named(List<NodeSpec> nodes) {
        List<String> names = nodes.stream().limit(NODES_NAMED).map(NodeSpec::name).toList();
        return String.join(", ", names) + (nodes.size() > NODES_NAMED ? " and " + (nodes.size() - NODES_NAMED) + " more" : "");
    }

    /** Whether any of the items is after another of them: else the operation runs as it always did. */
    static <T> boolean any(List<T> items, Function<T, String> name, Function<T, List<String>> after) {
        return dependencies(items, name, after).values().stream().anyMatch(d -> !d.isEmpty());
    }

    /**
     * Each item's dependencies among the items (by name), in the order given; dependencies
     * outside the items are left out.
     */
    static <T> Map<String, List<String>> dependencies(List<T> items, Function<T, String> name,
                                                       Function<T, List<String>> after) {
        Set<String> here = new LinkedHashSet<>();
        items.forEach(i -> here.add(name.apply(i)));
        Map<String, List<String>> deps = new LinkedHashMap<>();
        for (T item : items) {
            deps.put(name.apply(item), after.apply(item).stream().filter(here::contains).distinct().toList());
        }
        return deps;
    }

    /**
     * The items in start order: each after its dependencies, otherwise in the order given (a
     * depth-first walk, stable). A cycle is a usage error naming it.
     */
    static <T> List<T> ordered(List<T> items, Function<T, String> name, Function<T, List<String>> after) {
        Map<String, List<String>> deps = dependencies(items, name, after);
        Map<String, T> byName = new LinkedHashMap<>();
        items.forEach(i -> byName.putIfAbsent(name.apply(i), i));
        List<T> out = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (String n : byName.keySet()) {
            visit(n, deps, byName, new ArrayList<>(), done, out);
        }
        return out;
    }

    private static <T> void visit(String n, Map<String, List<String>> deps, Map<String, T> byName, List<String> path,
                                  Set<String> done, List<T> out) {
        if (done.contains(n)) {
            return;
        }
        int at = path.indexOf(n);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(n);
            // written in start order: each node waits for the one before it
            java.util.Collections.reverse(cycle);
            throw new UsageException(String.format(CYCLE, String.join(" -> ", cycle)));
        }
        path.add(n);
        for (String dep : deps.getOrDefault(n, List.of())) {
            visit(dep, deps, byName, path, done, out);
        }
        path.remove(path.size() - 1);
        done.add(n);
        out.add(byName.get(n));
    }

    /**
     * The items by level: the first holds those after none of the others, each next one those
     * whose dependencies are all in earlier levels. Stopping goes through the levels backwards.
     */
    static <T> List<List<T>> levels(List<T> items, Function<T, String> name, Function<T, List<String>> after) {
        Map<String, List<String>> deps = dependencies(items, name, after);
        Map<String, Integer> level = new HashMap<>();
        List<List<T>> levels = new ArrayList<>();
        for (T item : ordered(items, name, after)) {
            int l = 0;
            for (String dep : deps.get(name.apply(item))) {
                l = Math.max(l, level.get(dep) + 1);
            }
            level.put(name.apply(item), l);
            while (levels.size() <= l) {
                levels.add(new ArrayList<>());
            }
            levels.get(l).add(item);
        }
        return levels;
    }
}
