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
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: CdsTraining RANGE-PREFIX DIRECTORY");
        }
        List<String> node = List.of("1", "--range-prefix=" + args[0], "--pidfile=" + args[1] + "/%n.pid",
                "--logfile=" + args[1] + "/%n.log");
        boolean ok = run("start", node, "-q", "--nosplash")
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
