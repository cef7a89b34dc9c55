package io.drover.export;

import java.util.List;

/**
 * {@code multi export supervisord}: one {@code [program:NAME]} per node running its foreground
 * JVM with the node's exact argv, and a {@code [group:drover]} of them, so
 * {@code supervisorctl stop drover:*} stops all. supervisord splits {@code command=} as a
 * POSIX shell would (no shell runs) after its own {@code %(...)s} expansion and strips
 * {@code " ;"} comments: every character outside a safe set is backslashed and {@code %} is
 * doubled, so each argument arrives as written. Pure: returns the file's text.
 */
public final class SupervisordExport {
    private SupervisordExport() {}

    /** Seconds supervisord waits after TERM before SIGKILL when multi's --timeout is not given. */
    static final int DEFAULT_STOP_WAIT = 600;

    /**
     * @param stopTimeout multi's --timeout in seconds, or null
     * @param beat beat's foreground argv, or null
     */
    public static String file(List<ExportedNode> nodes, Integer stopTimeout, List<String> beat) {
        ExportRules.requirePlainNames(nodes, "supervisord", "a supervisord program");
        nodes.forEach(n -> ExportRules.requireOneLine(n, "supervisord"));
        StringBuilder s = new StringBuilder();
        s.append("; Written by `drover multi export supervisord`: include it from supervisord.conf\n");
        s.append("; ([include] files=...), then `supervisorctl reread && supervisorctl update`.\n");
        s.append("; Each command is the one `drover multi show` prints, in the foreground (no --detach):\n");
        s.append("; supervisord is the node's parent. % is written %% and other characters a shell would\n");
        s.append("; read are backslashed: every argument reaches the node as multi would pass it.\n");
        StringBuilder group = new StringBuilder();
        boolean ordered = nodes.stream().anyMatch(n -> !ExportRules.after(n, nodes).isEmpty());
        for (ExportedNode node : nodes) {
            program(s, node.name(), "node " + node.nodename(), node.argv(), stopTimeout);
            if (ordered) {
                // --after as supervisord can say it: a lower priority is started first and
                // stopped last; supervisord does not wait for the node before to be ready
                s.append("priority=").append(PRIORITY + PRIORITY_STEP * ExportRules.level(node, nodes)).append('\n');
            }
            group.append(group.length() == 0 ? "" : ",").append(node.name());
        }
        if (beat != null) {
            program(s, "beat", "drover beat, the one scheduler (never run two)", beat, null);
            group.append(",beat");
        }
        s.append("\n[group:drover]\n");
        s.append("programs=").append(group).append('\n');
        return s.toString();
    }

    /** The priority of a node after none (supervisord's default is 999), and the step of each level of --after. */
    static final int PRIORITY = 500;
    static final int PRIORITY_STEP = 10;

    private static void program(StringBuilder s, String name, String what, List<String> argv, Integer stopTimeout) {
        s.append('\n');
        s.append("; ").append(what.replace('\n', ' ')).append('\n');
        s.append("[program:").append(name).append("]\n");
        s.append("command=").append(commandLine(argv)).append('\n');
        s.append("autostart=true\n");
        s.append("autorestart=true\n");
        s.append("startsecs=5\n");
        s.append("startretries=3\n");
        s.append("; TERM is the warm shutdown: the jobs in flight finish, then the node exits 0\n");
        s.append("stopsignal=TERM\n");
        s.append("stopwaitsecs=").append(stopTimeout == null ? DEFAULT_STOP_WAIT : stopTimeout).append('\n');
        s.append("stopasgroup=true\n");
        s.append("killasgroup=true\n");
        s.append("; what the JVM prints before the node's logfile is open\n");
        s.append("redirect_stderr=true\n");
    }

    static String commandLine(List<String> argv) {
        StringBuilder s = new StringBuilder();
        for (String arg : argv) {
            if (s.length() > 0) {
                s.append(' ');
            }
            if (arg.isEmpty()) {
                s.append("''");
                continue;
            }
            for (int i = 0; i < arg.length(); i++) {
                char c = arg.charAt(i);
                if (c == '%') {
                    s.append("%%");
                } else if (Character.isLetterOrDigit(c) || "@+=:,./_-".indexOf(c) >= 0) {
                    s.append(c);
                } else {
                    s.append('\\').append(c);
                }
            }
        }
        return s.toString();
    }
}
