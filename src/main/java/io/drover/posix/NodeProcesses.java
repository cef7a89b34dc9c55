package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.Host;
import io.drover.core.Install;
import io.drover.core.Namespace;
import io.drover.core.NodeProtocol;
import io.drover.core.Templates;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Which process is which drover node, read from /proc. Whether a process is the node a pidfile belongs to: a JVM running drover's main class
 * as the node of that name, as the user the node runs as. Root never signals a process on a
 * pidfile's word alone (docs/security.md, S6): the pid must hold the pidfile's lock (checked by
 * {@link Pidfile#inspect}) and be this node.
 */
public final class NodeProcesses {
    private NodeProcesses() {}

    /**
     * @param nodename the full nodename the pidfile is for
     * @param uid the uid the node runs as, or null when it cannot be known without native code
     */
    public static Pidfile.NodeCheck of(String nodename, Integer uid) {
        return pid -> {
            if (uid != null) {
                Optional<Integer> actual = ProcessTable.uid(pid);
                if (actual.isPresent() && !actual.get().equals(uid)) {
                    return "it runs as uid " + actual.get() + ", not " + uid;
                }
            }
            List<String> argv = ProcessTable.commandLine(pid);
            String name = nodename(argv);
            if (name == null) {
                return "it is not a drover node";
            }
            return name.equals(nodename) ? null : "it is the node " + name + ", not " + nodename;
        };
    }

    /**
     * A process whose command line runs drover's main class, as found: its uid, and its argv,
     * which its process wrote, so nothing in it is parsed before the uid says it may count.
     */
    public record Candidate(long pid, int uid, List<String> argv) {}

    /**
     * A drover node process: its pid, uid, the pidfile its command line names (or null), and its
     * {@link Namespace}, or null when it has none drover can read (started by hand or by an older
     * drover, or its environment is not readable to us): then its name is taken in every one.
     */
    public record Running(long pid, int uid, String pidfile, Namespace namespace) {}

    /**
     * The processes on this machine whose command line runs drover's main class, read once for
     * an operation: how drover finds a node whatever pidfile it was started with (one process
     * per nodename in its namespace). Any user can run such a line, so nothing is parsed here;
     * {@link #named} parses the lines of the users that count.
     */
    public static List<Candidate> candidates() {
        List<Candidate> found = new ArrayList<>();
        for (long pid : ProcessTable.pids()) {
            List<String> argv = ProcessTable.commandLine(pid);
            if (argv.contains(Install.MAIN_CLASS)) {
                ProcessTable.uid(pid).ifPresent(uid -> found.add(new Candidate(pid, uid, argv)));
            }
        }
        return found;
    }

    /**
     * The live nodes among {@code candidates} that run {@code nodename}, as a user {@code counts}
     * accepts (root, the caller, the node's user: another user's process proves nothing and
     * can block nothing). Their uid is checked before their line is parsed; a line that does not
     * parse is no node. Only a process that passes is asked for its namespace, so a start reads
     * one {@code environ} per node of its name, not one per process.
     */
    public static List<Running> named(List<Candidate> candidates, String nodename, IntPredicate counts) {
        List<Running> nodes = new ArrayList<>();
        String host = Host.currentHostname();
        for (Candidate c : candidates) {
            if (counts.test(c.uid()) && nodename.equals(nodename(c.argv(), host)) && ProcessTable.isAlive(c.pid())) {
                nodes.add(new Running(c.pid(), c.uid(), pidfile(c.argv()), namespace(c.pid())));
            }
        }
        return nodes;
    }

    /** The namespace its spawner gave the process ({@link NodeProtocol#NAMESPACE_ENV}), or null. */
    static Namespace namespace(long pid) {
        return ProcessTable.environment(pid, NodeProtocol.NAMESPACE_ENV).filter(dir -> !dir.isEmpty())
                .map(Namespace::new).orElse(null);
    }

    /** The {@code --pidfile} of a drover command line, or null. */
    static String pidfile(List<String> argv) {
        int main = argv.indexOf(Install.MAIN_CLASS);
        String found = null;
        for (int i = main + 2; main >= 0 && i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--pidfile") && i + 1 < argv.size()) {
                found = argv.get(++i);
            } else if (a.startsWith("--pidfile=")) {
                found = a.substring("--pidfile=".length());
            }
        }
        return found;
    }

    /**
     * The full nodename a drover command line runs as, or null if it is not a node's or does not
     * parse (a {@code -n} with a template key that is none).
     */
    static String nodename(List<String> argv) {
        return nodename(argv, null);
    }

    /**
     * {@link #nodename(List)} on {@code host}, read once for many lines; null: read only when
     * the name needs it (a key such as {@code %h}, or no {@code @HOST}), as drover's own nodes'
     * lines give their full name ({@code -n web1@host}) and status checks one line per node.
     */
    private static String nodename(List<String> argv, String host) {
        int main = argv.indexOf(Install.MAIN_CLASS);
        if (main < 0 || main + 1 >= argv.size()) {
            return null;
        }
        String command = argv.get(main + 1);
        String name;
        if (command.equals("worker")) {
            name = NodeProtocol.WORKER_NAME;
        } else if (command.equals("beat")) {
            name = NodeProtocol.BEAT_NAME;
        } else {
            return null;
        }
        for (int i = main + 2; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) {
                break;
            }
            if ((a.equals("-n") || a.equals("--hostname")) && i + 1 < argv.size()) {
                name = argv.get(++i);
            } else if (a.startsWith("--hostname=")) {
                name = a.substring("--hostname=".length());
            } else if (a.startsWith("-n") && a.length() > 2 && !a.startsWith("--")) {
                name = a.substring(2);
            }
        }
        if (host == null && (name.indexOf('%') >= 0 || name.indexOf('@') < 0)) {
            host = Host.currentHostname();
        }
        String full;
        try {
            full = Templates.expandHostInName(name, host);
        } catch (DroverException e) {
            // the line is its process's, not an operator's argument: a name drover could not
            // have started is no node of ours, never a usage error of this command
            return null;
        }
        return full.contains("@") ? full : full + "@" + host;
    }
}
