package io.drover.launch;

import io.drover.core.Host;
import io.drover.core.Install;
import io.drover.core.Templates;
import io.drover.posix.Pidfile;
import io.drover.posix.ProcessTable;
import java.util.List;
import java.util.Optional;

/**
 * Whether a process is the drover node a pidfile belongs to: a JVM running drover's main class
 * as the node of that name, as the user the node runs as. Root never signals a process on a
 * pidfile's word alone (docs/security.md, S6): the pid must hold the pidfile's lock (checked by
 * {@link Pidfile#inspect}) and be this node.
 */
public final class NodeIdentity {
    private NodeIdentity() {}

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

    /** A drover node process: its pid, uid and the pidfile its command line names (or null). */
    public record Running(long pid, int uid, String pidfile) {}

    /**
     * Every live drover node process on this machine, by full nodename, from
     * {@code /proc/PID/cmdline}: how drover finds a node whatever pidfile it was started with
     * (one process per nodename).
     */
    public static java.util.Map<String, List<Running>> everyNode() {
        java.util.Map<String, List<Running>> nodes = new java.util.HashMap<>();
        for (long pid : ProcessTable.pids()) {
            List<String> argv = ProcessTable.commandLine(pid);
            String name = nodename(argv);
            if (name != null && ProcessTable.isAlive(pid)) {
                int uid = ProcessTable.uid(pid).orElse(-1);
                nodes.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(new Running(pid, uid, pidfile(argv)));
            }
        }
        return nodes;
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

    /** The full nodename a drover command line runs as, or null if it is not a node's. */
    static String nodename(List<String> argv) {
        int main = argv.indexOf(Install.MAIN_CLASS);
        if (main < 0 || main + 1 >= argv.size()) {
            return null;
        }
        String command = argv.get(main + 1);
        String name;
        if (command.equals("worker")) {
            name = "drover@%h";
        } else if (command.equals("beat")) {
            name = "beat@%h";
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
        String host = Host.currentHostname();
        String full = Templates.expandHostInName(name, host);
        return full.contains("@") ? full : full + "@" + host;
    }
}
