package io.drover.multi;

import io.drover.core.DroverException;
import io.drover.core.NodeName;
import io.drover.launch.LaunchSpec;
import io.drover.launch.NodeStarter;
import io.drover.posix.Identity;
import io.drover.posix.NodeProcesses;
import io.drover.posix.Pidfile;
import io.drover.posix.ProcessTable;
import io.drover.registry.NodeRecord;
import io.drover.registry.NodeRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What one operation knows of the machine, each read once and passed explicitly: the registry's
 * records and the verdict on each ({@link #allRecorded} lists them, {@link #record} reads one),
 * the users nodes drop to, and the processes that look like drover nodes. Made fresh for every
 * operation ({@link Cluster#snapshot}), so a long-lived caller (supervise) never acts on an old one.
 */
public final class Snapshot {
    private final NodeRegistry registry;
    private final NodeStarter launcher;
    /** A record as read, by nodename; {@link Optional#empty} for none (or one not trusted). */
    private final Map<String, Optional<NodeRecord>> records = new ConcurrentHashMap<>();
    /** Names {@link #allRecorded} showed a registry file under, to the file's own name. */
    private final Map<String, String> fileNames = new ConcurrentHashMap<>();
    /** Nodenames whose record {@link #record} could not read, and why. */
    private final Map<String, String> unreadable = new ConcurrentHashMap<>();
    /** Nodenames of {@link #allRecorded} whose record is not trusted, and why. */
    private final Map<String, String> untrusted = new ConcurrentHashMap<>();
    private final Map<LaunchSpec.RunAs, Optional<Identity>> users = new ConcurrentHashMap<>();
    private List<NodeProcesses.Candidate> processes;
    /** The kernel's lock table, read once for the pidfiles status looks at ({@link Pidfile.Locks}). */
    private final Pidfile.Locks locks = new Pidfile.Locks();
    private Map<Long, List<ProcessTable.GroupMember>> sessionGroups;

    Snapshot(NodeRegistry registry, NodeStarter launcher) {
        this.registry = registry;
        this.launcher = launcher;
    }

    /**
     * A snapshot that only reads the registry ({@code logs}: it starts nothing, so it has no
     * launcher), for {@link #recorded}.
     */
    public static Snapshot reading(java.nio.file.Path registryDir) {
        return new Snapshot(new NodeRegistry(registryDir), null);
    }

    NodeRegistry registry() {
        return registry;
    }

    NodeStarter launcher() {
        return launcher;
    }

    /**
     * Every node of this user's registry, for {@code --all}, in nodename order, each with its
     * own pidfile and options. A record that is not trusted is in the list too, so that every
     * operation names it; none acts on it ({@code status} reports it "unknown").
     */
    public List<NodeSpec> allRecorded() {
        List<NodeSpec> nodes = new ArrayList<>();
        for (NodeRegistry.Entry e : registry.all()) {
            int index = nodes.size() + 1;
            if (e.record() != null) {
                try {
                    nodes.add(RecordedNodes.spec(index, e.record()));
                    records.put(e.nodename(), Optional.of(e.record()));
                    continue;
                } catch (DroverException bad) {
                    untrusted.put(e.nodename(), "node record of " + e.nodename() + ": " + bad.getMessage() + "; not trusted");
                }
            } else {
                untrusted.put(e.nodename(), e.problem());
            }
            NodeName name = shownAs(e.nodename());
            if (!name.full().equals(e.nodename())) {
                // a file named so that it is no nodename (a stray "@HOST.node"): named as it can
                // be shown, still forgotten by its own name
                untrusted.put(name.full(), untrusted.remove(e.nodename()));
                fileNames.put(name.full(), e.nodename());
            }
            nodes.add(new NodeSpec(index, name.shortName(), name, "", "", Map.of(), List.of()));
        }
        return nodes;
    }

    /**
     * The name a registry file is shown under: its nodename, or one made from it that parses
     * ({@code '/'} and an empty name before {@code @} replaced) for a file whose name is none.
     */
    private static NodeName shownAs(String fileName) {
        try {
            return NodeName.parse(fileName);
        } catch (DroverException notAName) {
            String shown = NodeName.printable(fileName).replace('/', '_');
            try {
                return NodeName.parse(shown.startsWith("@") ? "_" + shown : shown);
            } catch (DroverException stillNot) {
                return NodeName.parse("_");
            }
        }
    }

    /** The registry's name for a node {@link #allRecorded} listed under another ({@link #shownAs}). */
    String fileName(NodeSpec node) {
        return fileNames.getOrDefault(node.nodename().full(), node.nodename().full());
    }

    /** Why the node's record could not be read when {@link #record} read it, or null. */
    String unreadable(NodeSpec node) {
        return unreadable.get(node.nodename().full());
    }

    /** Why the node's record is not trusted, or null (it is, or there is none). */
    String untrusted(NodeSpec node) {
        return untrusted.isEmpty() ? null : untrusted.get(node.nodename().full());
    }

    /**
     * The node's record made at its pidfile, read once per operation; null when there is none,
     * it is another pidfile's (another deployment of that name), or it is not trusted, which
     * {@code warn} hears of (each time it is asked).
     */
    NodeRecord record(NodeSpec node, Consumer<String> warn) {
        String nodename = node.nodename().full();
        Optional<NodeRecord> known = lookUp(nodename);
        String problem = unreadable.get(nodename);
        if (problem != null) {
            warn.accept(problem);
        }
        return known.filter(r -> node.pidfile().equals(r.pidfile())).orElse(null);
    }

    /**
     * The trusted record of {@code nodename} whatever its pidfile, or null: where a node given
     * without {@code --pidfile}/{@code --logfile} finds its files ({@link NodeExpander.Recorded}).
     * Read once per operation, as {@link #record} reads it; one not trusted is null here, and
     * named when the operation asks {@link #record}.
     */
    public NodeRecord recorded(NodeName nodename) {
        return lookUp(nodename.full()).orElse(null);
    }

    /** Whether the registry has a record of {@code nodename}, of any pidfile, trusted or not. */
    boolean hasRecord(NodeName nodename) {
        return lookUp(nodename.full()).isPresent() || unreadable.containsKey(nodename.full());
    }

    /** The nodenames of every record in the registry, trusted or not, in nodename order. */
    List<String> recordedNames() {
        return registry.all().stream().map(NodeRegistry.Entry::nodename).toList();
    }

    private Optional<NodeRecord> lookUp(String nodename) {
        Optional<NodeRecord> known = records.get(nodename);
        if (known == null) {
            try {
                known = registry.find(nodename);
            } catch (DroverException e) {
                unreadable.put(nodename, e.getMessage());
                known = Optional.empty();
            }
            records.put(nodename, known);
        }
        return known;
    }

    /** Writes a record, and keeps it as this operation's view of that node. */
    void write(NodeRecord record) {
        registry.write(record);
        records.put(record.nodename(), Optional.of(record));
        unreadable.remove(record.nodename());
    }

    /** The user a node drops to, looked up once per operation; null when it keeps ours. */
    Identity identity(NodeSpec node) {
        LaunchSpec.RunAs runAs = node.settings().runAs();
        if (runAs.keepsCaller()) {
            return null;
        }
        return users.computeIfAbsent(runAs, r -> Optional.ofNullable(launcher.identity(r))).orElse(null);
    }

    /** The uid of this process, -1 when it cannot be read. */
    static int self() {
        Integer uid = selfUid();
        return uid == null ? -1 : uid;
    }

    /** The uid of this process, or null when it cannot be read: what a record says then. */
    static Integer selfUid() {
        return Self.UID.orElse(null);
    }

    private static final class Self {
        static final Optional<Integer> UID = ProcessTable.uid(ProcessHandle.current().pid());
    }

    /** The lock table status looks up each pidfile's holder in ({@link Pidfile.Locks}). */
    Pidfile.Locks locks() {
        return locks;
    }

    /**
     * The machine's session leaders' groups (issue 29, item 6), read once, when the first dead
     * node is looked at: what status names as left of a dead node's group.
     */
    synchronized Map<Long, List<ProcessTable.GroupMember>> sessionGroups() {
        if (sessionGroups == null) {
            sessionGroups = ProcessTable.sessionGroups();
        }
        return sessionGroups;
    }

    /** The processes that look like drover nodes, looked up once per operation, when first asked. */
    synchronized List<NodeProcesses.Candidate> processes() {
        if (processes == null) {
            processes = NodeProcesses.candidates();
        }
        return processes;
    }
}
