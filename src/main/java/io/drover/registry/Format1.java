package io.drover.registry;

import io.drover.core.Install;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a record of format 1, which kept the node's whole command line ({@code argv.N}), back
 * into format 2's fields: the worker options and the passthrough after {@code worker --detach
 * -n NAME --pidfile=P --logfile=L}, as format 1's writer put them there. The only place a
 * command line is parsed back; a record read so is written as format 2 at its next write.
 */
final class Format1 {
    private Format1() {}

    /** The options and passthrough of a format-1 command line. */
    record Worker(Map<String, String> options, List<String> passthrough) {}

    /**
     * @param nodename the record's nodename, which the line must run
     * @return null when the line is not a node's that format 1 wrote: no main class, no
     *     {@code worker}, or another nodename (the record is then not trusted)
     */
    static Worker worker(List<String> argv, String nodename) {
        int at = argv.indexOf(Install.MAIN_CLASS);
        int n = argv.indexOf("-n");
        if (at < 0 || at + 1 >= argv.size() || !argv.get(at + 1).equals("worker")
                || n < at || n + 1 >= argv.size() || !argv.get(n + 1).equals(nodename)) {
            return null;
        }
        int i = at + 1;
        Map<String, String> options = new LinkedHashMap<>();
        List<String> passthrough = new ArrayList<>();
        // skip "worker", "--detach", "-n NAME", and the pidfile and logfile multi put first
        while (i < argv.size()) {
            String t = argv.get(i);
            if (t.equals("worker") || t.equals("--detach") || t.startsWith("--pidfile=") || t.startsWith("--logfile=")) {
                i++;
            } else if (t.equals("-n") && i + 1 < argv.size()) {
                i += 2;
            } else {
                break;
            }
        }
        for (; i < argv.size(); i++) {
            String t = argv.get(i);
            if (t.equals("--") || !t.startsWith("-") || t.equals("-")) {
                // the passthrough, and --append's words after it
                passthrough.addAll(argv.subList(i, argv.size()));
                break;
            }
            int eq = t.indexOf('=');
            String name = t.startsWith("--") && eq >= 0 ? t.substring(0, eq) : t;
            if (options.containsKey(name)) {
                // a second time (--append's words after the options): the rest stays as written
                passthrough.addAll(argv.subList(i, argv.size()));
                break;
            }
            if (t.startsWith("--")) {
                options.put(eq < 0 ? t : t.substring(0, eq), eq < 0 ? null : t.substring(eq + 1));
            } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) {
                options.put(t, argv.get(++i));
            } else {
                options.put(t, null);
            }
        }
        return new Worker(options, passthrough);
    }
}
