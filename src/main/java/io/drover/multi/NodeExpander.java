package io.drover.multi;

import io.drover.core.Host;
import io.drover.core.NodeName;
import io.drover.core.ShellWords;
import io.drover.core.Templates;
import io.drover.core.UsageException;
import io.drover.registry.NodeRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns node arguments and options into {@link NodeSpec}s: names from a count or a list,
 * nodenames from prefix/suffix/hostname with the host templates expanded over the whole
 * nodename, each node's options as the globals overlaid by its namespaces (the last written
 * namespace winning, with a warning), node templates expanded, default pidfile and logfile
 * filled in, {@code --append} added at the end. Pure: touches no disk, prints nothing.
 */
public final class NodeExpander {
    private NodeExpander() {}

    public static final String DEFAULT_RANGE_PREFIX = "drover";

    /** Options that name the nodes; they shape nodenames and are not passed to workers. */
    private static final Set<String> NAMING = ArgParser.NAMING;

    /** Nodes named in one warning; the rest are counted. */
    private static final int NODES_NAMED_IN_A_WARNING = 5;

    /**
     * @param warnings receives each warning once, as one line: two namespaces that give one node
     *     different values for one option
     */
    public static List<NodeSpec> expand(List<String> nodeArgs, ParsedArgs parsed, Host host, Consumer<String> warnings) {
        return expand(nodeArgs, parsed, host, warnings, n -> null);
    }

    /**
     * The record of a node, if drover started it and the caller trusts the record, else null:
     * where a node whose {@code --pidfile}/{@code --logfile} is not given finds its files.
     */
    public interface Recorded {
        NodeRecord of(NodeName nodename);
    }

    /**
     * {@link #expand(List, ParsedArgs, Host, Consumer)} for nodes that exist: a node whose
     * {@code --pidfile} or {@code --logfile} is not given takes it from its record
     * ({@link RecordedNodes#files}), so {@code status 3} finds the nodes a {@code start 3
     * --pidfile=/x/%n.pid} made; an option given wins, and with neither the defaults.
     */
    public static List<NodeSpec> expand(List<String> nodeArgs, ParsedArgs parsed, Host host, Consumer<String> warnings,
                                        Recorded recorded) {
        refuseCmd(parsed.options());
        if (nodeArgs.isEmpty()) {
            throw new UsageException("no nodes given: name them (multi start w1 w2) or give a count (multi start 3)");
        }
        Map<String, String> naming = namingOptions(parsed.options());
        String suffix = naming.containsKey(ArgParser.Naming.SUFFIX) ? naming.get(ArgParser.Naming.SUFFIX)
                : naming.containsKey(ArgParser.Naming.HOSTNAME) ? naming.get(ArgParser.Naming.HOSTNAME)
                : naming.containsKey(ArgParser.Naming.HOSTNAME_SHORT) ? naming.get(ArgParser.Naming.HOSTNAME_SHORT)
                : host.hostname();
        String prefix = naming.getOrDefault(ArgParser.Naming.PREFIX, "");

        // celery: a count's nodes are named by --range-prefix alone; --prefix names named nodes
        // celery reads a count with Python's int(), so "+3" is three nodes there too
        String count = nodeArgs.size() != 1 ? null
                : isCount(nodeArgs.get(0)) ? nodeArgs.get(0)
                : nodeArgs.get(0).startsWith("+") && isCount(nodeArgs.get(0).substring(1)) ? nodeArgs.get(0).substring(1)
                : null;
        boolean counted = count != null;
        List<String> names = counted
                ? rangeNames(count, naming.getOrDefault(ArgParser.Naming.RANGE_PREFIX, DEFAULT_RANGE_PREFIX))
                : nodeArgs;

        List<NodeName> nodenames = new ArrayList<>();
        for (String name : names) {
            String written = name.contains("@") ? name : (counted ? "" : prefix) + name + "@" + suffix;
            // celery's host_format runs over the whole nodename: host part, prefix, suffix, hostname
            nodenames.add(NodeName.parse(Templates.expandHostInName(written, host.hostname())));
        }
        NamespaceMatcher matcher = new NamespaceMatcher(names, nodenames, counted, host.hostname());

        Map<List<MultiOption>, List<String>> overridden = new LinkedHashMap<>();
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            nodes.add(node(i + 1, names.get(i), nodenames.get(i), parsed, matcher, host, overridden, recorded));
        }
        overridden.forEach((pair, nodesHit) -> warnings.accept(overrideWarning(pair.get(0), pair.get(1), nodesHit)));
        return StartOrder.resolved(nodes, counted, host.hostname());
    }

    private static NodeSpec node(int index, String name, NodeName nodename, ParsedArgs parsed,
                                 NamespaceMatcher matcher, Host host, Map<List<MultiOption>, List<String>> overridden,
                                 Recorded recorded) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> written = new LinkedHashMap<>();
        Map<String, MultiOption> setByNamespace = new HashMap<>();
        // Globals first, then the node's namespaces over them whatever the order written:
        // "-Q:1-3 images -Q default" gives nodes 1-3 images. A namespaced value takes the
        // global's place in the order; one with no global is appended. Between namespaces the
        // last written wins.
        for (boolean namespaced : new boolean[] {false, true}) {
            for (MultiOption opt : parsed.options()) {
                if (NAMING.contains(opt.name()) || (opt.namespace() != null) != namespaced
                        || (namespaced && !matcher.matches(opt, index))) {
                    continue;
                }
                merged.put(opt.name(), opt.value());
                written.put(opt.name(), opt.written());
                if (namespaced) {
                    MultiOption earlier = setByNamespace.put(opt.name(), opt);
                    if (earlier != null && !Objects.equals(earlier.value(), opt.value())) {
                        overridden.computeIfAbsent(List.of(earlier, opt), k -> new ArrayList<>()).add(nodename.full());
                    }
                }
            }
        }
        String pidfile = take(merged, OptionTable.Read.PIDFILE);
        String logfile = take(merged, OptionTable.Read.LOGFILE);
        NodeRecord record = pidfile == null || logfile == null ? recorded.of(nodename) : null;
        RecordedNodes.Files files = RecordedNodes.files(
                expandFile(pidfile == null ? host.defaultPidfile() : pidfile, nodename, "--pidfile"), pidfile != null,
                expandFile(logfile == null ? host.defaultLogfile() : logfile, nodename, "--logfile"), logfile != null,
                record);
        List<String> tail = new ArrayList<>(parsed.passthrough());
        if (merged.containsKey(ArgParser.APPEND)) {
            tail.addAll(appended(merged.remove(ArgParser.APPEND), nodename));
        }
        // the names are resolved once every node is known (StartOrder.resolved)
        boolean hasAfter = merged.containsKey(ArgParser.AFTER);
        String after = merged.remove(ArgParser.AFTER);

        Map<String, String> options = new LinkedHashMap<>();
        merged.forEach((opt, value) -> options.put(opt,
                value == null ? null : Templates.expandForNode(value, nodename, "option " + written.get(opt))));
        return new NodeSpec(index, name, nodename, files.pidfile(), files.logfile(), options, tail,
                !hasAfter ? List.of() : List.of(after == null ? "" : after));
    }

    private static String expandFile(String template, NodeName nodename, String option) {
        return Templates.expandForNode(template, nodename, "option " + option);
    }

    /**
     * celery multi's {@code --append=STRING}: words added at the end of every worker's command
     * line, after the {@code --} passthrough, node templates expanded in each word.
     */
    private static List<String> appended(String value, NodeName nodename) {
        if (value == null) {
            throw new UsageException("--append needs a value (--append=WORDS)");
        }
        List<String> words = new ArrayList<>();
        for (String word : ShellWords.split(value)) {
            words.add(Templates.expandForNode(word, nodename, "option --append"));
        }
        return words;
    }

    /**
     * celery's {@code --cmd} replaces the worker command. A drover node must be drover's worker:
     * it reports ready, holds its pidfile's lock and drops privileges, which another program
     * would not. So it is refused with what does that job here, never passed on to a worker.
     */
    private static void refuseCmd(List<MultiOption> options) {
        for (MultiOption opt : options) {
            if (opt.name().equals("--cmd")) {
                throw new UsageException(opt.written() + ": drover runs its own worker for every node (it reports"
                        + " ready and holds the pidfile); give your application with -A CLASS and --classpath,"
                        + " the java binary with --executable, JVM options with --jvm-opts");
            }
        }
    }

    private static String overrideWarning(MultiOption earlier, MultiOption later, List<String> nodes) {
        String named = String.join(", ", nodes.subList(0, Math.min(nodes.size(), NODES_NAMED_IN_A_WARNING)));
        if (nodes.size() > NODES_NAMED_IN_A_WARNING) {
            named += " and " + (nodes.size() - NODES_NAMED_IN_A_WARNING) + " more";
        }
        return shown(later) + " overrides " + shown(earlier) + " for " + named
                + " (between namespaces the last written wins)";
    }

    /** The option as written, with its value. */
    private static String shown(MultiOption opt) {
        return opt.value() == null || opt.written().contains("=") ? opt.written() : opt.written() + " " + opt.value();
    }

    /**
     * Takes the file option {@code which} out of a node's options (any of its names: {@code -f}
     * is {@code --logfile}; the long name wins when both are given), or null when it is not
     * given; a usage error when it is given without a value.
     */
    private static String take(Map<String, String> merged, OptionTable.Read which) {
        String value = null;
        boolean given = false;
        for (var it = merged.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, String> e = it.next();
            if (which.named(e.getKey())) {
                if (!given || e.getKey().equals(which.longName)) {
                    value = e.getValue();
                }
                given = true;
                it.remove();
            }
        }
        if (!given) {
            return null;
        }
        if (value == null || value.isEmpty()) {
            throw new UsageException(which.longName + " needs a value (" + which.longName + "=PATH)");
        }
        return value;
    }

    /**
     * The naming options' last values. An empty value is an option not given ({@code --suffix=}
     * is this host, {@code --range-prefix=} is drover, as in celery), while {@code ""} and
     * {@code ''} mean the empty string ({@code --suffix='""'}: no host part).
     */
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
            if (opt.value().isEmpty()) {
                naming.remove(opt.name());
            } else {
                naming.put(opt.name(), unquoteEmpty(opt.value()));
            }
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
