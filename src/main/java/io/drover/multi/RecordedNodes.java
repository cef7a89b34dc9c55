package io.drover.multi;

import io.drover.core.NodeName;
import io.drover.registry.NodeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The nodes of the node registry as the grammar would have made them: what {@code --all} acts
 * on, what {@code start}/{@code restart} compare new options with, and the record a start
 * writes. Pure: reads no disk.
 */
public final class RecordedNodes {
    private RecordedNodes() {}

    /**
     * The node a record describes: its nodename, pidfile and logfile templates, worker options
     * and passthrough, so {@link NodeSpec#argv} makes its command line with this installation's
     * java and flags.
     *
     * @param index the 1-based position among the nodes acted on
     */
    public static NodeSpec spec(int index, NodeRecord record) {
        NodeName name = NodeName.parse(record.nodename());
        return new NodeSpec(index, name.shortName(), name, record.pidfile(), record.logfile(), record.options(),
                record.passthrough(), record.after());
    }

    /** A node's pidfile and logfile, node keys expanded. */
    public record Files(String pidfile, String logfile) {}

    /**
     * The one rule for where a node's files are, for every subcommand that acts on nodes that
     * exist: a file option given wins; a node without it uses its record's file (drover started
     * it there: as pm2 and supervisord remember a process's files); with neither, the default.
     * The record counts only when it is of the pidfile the node ends up with: given another
     * {@code --pidfile}, it is another deployment of that name, and its logfile is not this one's.
     *
     * @param pidfile the pidfile given, or the default when {@code pidfileGiven} is false
     * @param logfile the logfile given, or the default when {@code logfileGiven} is false
     * @param record the node's trusted record, or null
     */
    static Files files(String pidfile, boolean pidfileGiven, String logfile, boolean logfileGiven, NodeRecord record) {
        if (record == null || record.pidfile() == null) {
            return new Files(pidfile, logfile);
        }
        String chosen = pidfileGiven ? pidfile : record.pidfile();
        boolean ours = chosen.equals(record.pidfile());
        return new Files(chosen, logfileGiven || !ours || record.logfile() == null ? logfile : record.logfile());
    }

    /** The record of a start of {@code node}, its {@code restarts}-th, running as {@code uid}. */
    static NodeRecord record(NodeSpec node, int restarts, String lastExit, Integer uid) {
        return record(node, restarts, lastExit, uid, null);
    }

    /** {@link #record(NodeSpec, int, String, Integer)} with its env file's variables (null: none), hashed under a new salt. */
    static NodeRecord record(NodeSpec node, int restarts, String lastExit, Integer uid, java.util.Map<String, String> env) {
        String salt = env == null ? null : io.drover.core.EnvFile.newSalt();
        return new NodeRecord(node.nodename().full(), node.pidfile(), node.logfile(), node.options(), node.passthrough(),
                Instant.now(), restarts, lastExit, null, uid, node.after(), salt,
                env == null ? java.util.Map.of() : io.drover.core.EnvFile.hashes(salt, env));
    }

    /**
     * The recorded options a new command line does not have, as the user would write them
     * ({@code -Q a,b}), in recorded order: what {@code start}/{@code restart} name as dropped.
     * An option given again with another value, by any of its names, is replaced, not dropped.
     */
    public static List<String> dropped(NodeRecord before, NodeSpec given) {
        Set<String> now = new HashSet<>();
        given.options().keySet().forEach(k -> now.add(OptionTable.canonical(k)));
        List<String> dropped = new ArrayList<>();
        before.options().forEach((k, v) -> {
            if (!now.contains(OptionTable.canonical(k))) {
                dropped.add(v == null ? k : k.startsWith("--") ? k + "=" + v : k + " " + v);
            }
        });
        if (!before.passthrough().isEmpty() && !before.passthrough().equals(given.passthrough())) {
            dropped.add(String.join(" ", before.passthrough()));
        }
        return dropped;
    }
}
