package io.drover.multi;

import io.drover.core.Host;
import io.drover.core.NodeName;
import io.drover.core.Templates;
import io.drover.core.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns node arguments and options into {@link NodeSpec}s: names from a count or a list,
 * nodenames from prefix/suffix/hostname, each node's options as the globals overlaid by its
 * namespaces, templates expanded, default pidfile and logfile filled in. Pure: touches no disk.
 */
public final class NodeExpander {
    private NodeExpander() {}

    public static final String DEFAULT_RANGE_PREFIX = "drover";

    /** Options that name the nodes; they shape nodenames and are not passed to workers. */
    private static final Set<String> NAMING = Set.of("--range-prefix", "--prefix", "--suffix", "--hostname", "-n");

    public static List<NodeSpec> expand(List<String> nodeArgs, ParsedArgs parsed, Host host) {
        if (nodeArgs.isEmpty()) {
            throw new UsageException("no nodes given: name them (multi start w1 w2) or give a count (multi start 3)");
        }
        Map<String, String> naming = namingOptions(parsed.options());
        String hostSuffix = naming.containsKey("--suffix") ? naming.get("--suffix")
                : naming.containsKey("--hostname") ? naming.get("--hostname")
                : naming.containsKey("-n") ? naming.get("-n")
                : host.hostname();
        hostSuffix = Templates.expandHostInName(hostSuffix, host.hostname());
        String prefix = naming.getOrDefault("--prefix", "");

        boolean counted = nodeArgs.size() == 1 && isCount(nodeArgs.get(0));
        List<String> names = counted
                ? rangeNames(nodeArgs.get(0), naming.getOrDefault("--range-prefix", DEFAULT_RANGE_PREFIX))
                : nodeArgs;

        List<NodeName> nodenames = new ArrayList<>();
        for (String name : names) {
            nodenames.add(name.contains("@")
                    ? NodeName.parse(Templates.expandHostInName(name, host.hostname()))
                    : NodeName.of(prefix + name, hostSuffix));
        }
        NamespaceMatcher matcher = new NamespaceMatcher(names, nodenames, counted, host.hostname());

        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            nodes.add(node(i + 1, names.get(i), nodenames.get(i), parsed, matcher, host));
        }
        return List.copyOf(nodes);
    }

    private static NodeSpec node(int index, String name, NodeName nodename, ParsedArgs parsed,
                                 NamespaceMatcher matcher, Host host) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> written = new LinkedHashMap<>();
        // Globals first, then the node's namespaces over them whatever the order written:
        // "-Q:1-3 images -Q default" gives nodes 1-3 images. A namespaced value takes the
        // global's place in the order; one with no global is appended.
        for (boolean namespaced : new boolean[] {false, true}) {
            for (MultiOption opt : parsed.options()) {
                if (NAMING.contains(opt.name()) || (opt.namespace() != null) != namespaced) {
                    continue;
                }
                if (!namespaced || matcher.matches(opt, index)) {
                    merged.put(opt.name(), opt.value());
                    written.put(opt.name(), opt.written());
                }
            }
        }
        String pidfile = merged.containsKey("--pidfile") ? merged.remove("--pidfile") : host.defaultPidfile();
        String logfile = merged.containsKey("--logfile") ? merged.remove("--logfile")
                : merged.containsKey("-f") ? merged.remove("-f") : host.defaultLogfile();
        requireValue("--pidfile", pidfile);
        requireValue("--logfile", logfile);

        Map<String, String> options = new LinkedHashMap<>();
        merged.forEach((opt, value) -> options.put(opt,
                value == null ? null : Templates.expandForNode(value, nodename, "option " + written.get(opt))));
        return new NodeSpec(index, name, nodename,
                Templates.expandForNode(pidfile, nodename, "option --pidfile"),
                Templates.expandForNode(logfile, nodename, "option --logfile"),
                options, parsed.passthrough());
    }

    private static void requireValue(String option, String value) {
        if (value == null || value.isEmpty()) {
            throw new UsageException(option + " needs a value (" + option + "=PATH)");
        }
    }

    private static Map<String, String> namingOptions(List<MultiOption> options) {
        Map<String, String> naming = new LinkedHashMap<>();
        for (MultiOption opt : options) {
            if (!NAMING.contains(opt.name())) {
                continue;
            }
            if (opt.namespace() != null) {
                throw new UsageException(opt.written() + ": " + opt.name() + " names the nodes and cannot be set per node");
            }
            if (opt.value() == null) {
                throw new UsageException(opt.written() + " needs a value (" + opt.name()
                        + (opt.name().startsWith("--") ? "=VALUE" : " VALUE") + ")");
            }
            naming.put(opt.name(), unquoteEmpty(opt.value()));
        }
        return naming;
    }

    /** {@code ""} and {@code ''} mean the empty string, as celery multi reads them. */
    private static String unquoteEmpty(String value) {
        return value.equals("\"\"") || value.equals("''") ? "" : value;
    }

    static boolean isCount(String arg) {
        return !arg.isEmpty() && arg.chars().allMatch(Character::isDigit);
    }

    private static List<String> rangeNames(String count, String rangePrefix) {
        int n;
        try {
            n = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw new UsageException("node count " + count + " is too large");
        }
        if (n < 1) {
            throw new UsageException("node count must be at least 1, got " + count);
        }
        if (n > 10_000) {
            throw new UsageException("node count " + n + " is too large (at most 10000)");
        }
        List<String> names = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            names.add(rangePrefix + i);
        }
        return names;
    }
}
