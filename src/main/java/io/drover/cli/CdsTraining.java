package io.drover.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bin/drover-cds} runs to build the drover command's archive ({@code lib/cli.jsa},
 * or {@code lib/cli.aot} on Java 25): one node's life as an operator drives it, in one JVM, so
 * the archive holds the classes of {@code start}, {@code status}, {@code names} and
 * {@code stopwait}, not those of {@code start} alone. Not a command of drover's: drover-cds gives
 * it a node name prefix of its own, a directory, and a registry of its own
 * ({@code DROVER_STATE_DIR}), so the training node is neither anyone's node nor remembered.
 *
 * <p>Arguments: the range prefix, and the directory for the node's pidfile and logfile. It
 * returns when every command did what it should; else it prints the failing command's output
 * on stderr and throws (the JVM exits 1; only {@code Main.main} calls {@code System.exit}).
 *
 * <p>With a third argument, {@code look}, it trains {@code lib/look.aot} instead, the Java 25
 * cache of the commands that only look ({@code names show expand get status}): those look at
 * the node drover-cds started beside it, and nothing else runs, since a cache's classes are all
 * loaded when a JVM that maps it starts.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) {
        if (args.length != 2 && !(args.length == 3 && args[2].equals("look"))) {
            throw new IllegalArgumentException("usage: CdsTraining RANGE-PREFIX DIRECTORY [look]");
        }
        List<String> node = List.of("1", "--range-prefix=" + args[0], "--pidfile=" + args[1] + "/%n.pid",
                "--logfile=" + args[1] + "/%n.log");
        boolean ok = args.length == 3
                ? run("status", node)
                        && run("status", List.of("--all"))
                        && run("names", List.of("1", "--range-prefix=" + args[0]))
                        && run("show", node)
                        && run("expand", List.of("%n.pid", "1", "--range-prefix=" + args[0]))
                        && run("get", List.of(args[0] + "1", "1", "--range-prefix=" + args[0]))
                : run("start", node, "-q", "--nosplash")
                && run("status", node)
                && run("status", List.of("--all"))
                && run("names", List.of("1", "--range-prefix=" + args[0]))
                && run("stopwait", node, "-q");
        if (!ok) {
            throw new IllegalStateException("the training failed");
        }
    }

    /** {@code drover multi SUBCOMMAND NODE... FLAGS...} in this JVM; whether it exited 0. */
    private static boolean run(String subcommand, List<String> node, String... flags) {
        List<String> args = new ArrayList<>(List.of("multi", subcommand));
        args.addAll(node);
        args.addAll(List.of(flags));
        StringWriter output = new StringWriter();
        PrintWriter both = new PrintWriter(output, true);
        int code = Main.run(args.toArray(String[]::new), both, both);
        if (code != 0) {
            System.err.println("drover " + String.join(" ", args) + " exited " + code + ":");
            System.err.print(output);
        }
        return code == 0;
    }
}
