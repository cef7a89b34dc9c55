package io.drover.launch;

import io.drover.core.HeapDumps;
import io.drover.core.Install;
import io.drover.core.ShellWords;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a node's JVM: {@code java JVM-OPTIONS -cp DROVER-CLASSPATH io.drover.cli.Main
 * worker --detach NODE-OPTIONS}. {@code multi show} prints it and {@code multi start} executes it,
 * so the two cannot disagree. The application's own jars come in through {@code --classpath}, read
 * by the worker, so the node's argv is the same whether multi or a person started it.
 */
public final class NodeLaunch {
    private NodeLaunch() {}

    /**
     * JVM options every node gets before the user's {@code --jvm-opts} (which come later, so
     * they win): the serial collector (a node is one small service, and parallel collectors
     * reserve memory per core); an exit on the first OutOfMemoryError, so a supervisor restarts
     * the node instead of it limping on; and the JIT's thresholds ten times higher, so that code
     * run a few hundred times while the node starts is interpreted instead of compiled. That
     * is about a quarter less CPU per node to ready, which ten nodes starting at once on two
     * cores wait for; the application's hot code is still compiled by both tiers, a little later, and runs
     * as fast afterwards (docs/performance.md has the figures).
     */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:CompileThresholdScaling=10");

    /**
     * @param executable the {@code --executable} option, or null for the JVM drover runs on
     * @param jvmOpts the {@code --jvm-opts} option, or null
     * @param workerArgs the arguments after the main class, starting with {@code worker}
     */
    public static List<String> argv(String executable, String jvmOpts, List<String> workerArgs) {
        return argv(executable, jvmOpts, null, workerArgs);
    }

    /**
     * {@link #argv(String, String, List)} for a node that dumps its heap on OutOfMemoryError
     * into {@code heapDumpDir} ({@code HeapDumps}; null: no dump), before the user's
     * {@code --jvm-opts}, which may override it.
     */
    public static List<String> argv(String executable, String jvmOpts, String heapDumpDir, List<String> workerArgs) {
        List<String> argv = new ArrayList<>();
        boolean sameJava = executable == null || executable.isEmpty();
        argv.add(sameJava ? Install.java() : executable);
        argv.addAll(DEFAULT_JVM_OPTIONS);
        argv.addAll(HeapDumps.jvmOptions(heapDumpDir));
        // drover's classes from a shared archive: a node's start costs a third less CPU, which
        // is most of what ten nodes starting at once on two cores wait for. A mismatching
        // archive (another java in --executable) is ignored without a word.
        argv.addAll(Install.nodeArchiveOptions(sameJava));
        // jffi's stub from the installation, never a copy written where someone else may swap it
        argv.addAll(Install.nativeOptions());
        if (jvmOpts != null) {
            argv.addAll(ShellWords.split(jvmOpts));
        }
        argv.add("-cp");
        argv.add(Install.classpath());
        argv.add(Install.MAIN_CLASS);
        argv.addAll(workerArgs);
        return argv;
    }
}
