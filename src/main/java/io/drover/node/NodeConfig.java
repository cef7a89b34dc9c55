package io.drover.node;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * A node's settings, as {@code drover worker} or {@code drover beat} parsed them (beat is a node
 * running the scheduler): everything the node is configured by, passed to it whole.
 *
 * @param app the application class ({@code -A}), or null for the demo
 * @param nodename the full node name, {@code %h} already expanded
 * @param concurrency {@code -c}
 * @param loglevel {@code -l}, a celery level name
 * @param logfile {@code -f}, a template, or null for stderr
 * @param pidfile {@code --pidfile}, a template, or null for none
 * @param queues {@code -Q}
 * @param workdir {@code --workdir}, or null
 * @param umask {@code --umask}, or null to keep the current one
 * @param classpath {@code --classpath}, the application's jars, or null
 * @param detach {@code --detach}
 * @param startTimeout how long a detaching caller waits for the node to report ready
 * @param appArgs the arguments after {@code --}
 * @param argv the worker's own arguments, as given: a detaching worker re-runs itself with them
 * @param executable {@code --executable}, the java binary, or null
 * @param jvmOpts {@code --jvm-opts}, or null
 * @param uid {@code --uid}, a user name or number, or null
 * @param gid {@code --gid}, a group name or number, or null
 * @param healthPort {@code --health-port}, or null to serve none
 * @param healthTimeout {@code --health-timeout}: how long {@code /live} waits for a heartbeat; null without a port
 * @param healthAddress {@code --health-address}, where the port is served, or null for loopback
 * @param heapDumpDir {@code --heap-dump-dir} as given (a template; empty or {@code none}: off), or null for the default
 * @param heapDumpKeep {@code --heap-dump-keep}: how many heap dumps the node keeps at its start
 * @param waitFor {@code --wait-for} and its timeout, or null when the node waits for nothing
 * @param logging {@code --log-format}, {@code --log-max-size}, {@code --log-keep}, {@code --log-rotate}
 */
public record NodeConfig(
        String app,
        String nodename,
        int concurrency,
        String loglevel,
        String logfile,
        String pidfile,
        List<String> queues,
        String workdir,
        Integer umask,
        String classpath,
        boolean detach,
        Duration startTimeout,
        List<String> appArgs,
        List<String> argv,
        String executable,
        String jvmOpts,
        String uid,
        String gid,
        Integer healthPort,
        Duration healthTimeout,
        InetAddress healthAddress,
        String heapDumpDir,
        int heapDumpKeep,
        LogOptions logging,
        WaitFor waitFor) {

    /** A node that waits for nothing before its application loads. */
    public NodeConfig(String app, String nodename, int concurrency, String loglevel, String logfile, String pidfile,
                      List<String> queues, String workdir, Integer umask, String classpath, boolean detach,
                      Duration startTimeout, List<String> appArgs, List<String> argv, String executable, String jvmOpts,
                      String uid, String gid, Integer healthPort, Duration healthTimeout, InetAddress healthAddress,
                      String heapDumpDir, int heapDumpKeep, LogOptions logging) {
        this(app, nodename, concurrency, loglevel, logfile, pidfile, queues, workdir, umask, classpath, detach,
                startTimeout, appArgs, argv, executable, jvmOpts, uid, gid, healthPort, healthTimeout, healthAddress,
                heapDumpDir, heapDumpKeep, logging, null);
    }

    /** These settings with {@code --wait-for}. */
    public NodeConfig withWaitFor(WaitFor w) {
        return new NodeConfig(app, nodename, concurrency, loglevel, logfile, pidfile, queues, workdir, umask, classpath,
                detach, startTimeout, appArgs, argv, executable, jvmOpts, uid, gid, healthPort, healthTimeout,
                healthAddress, heapDumpDir, heapDumpKeep, logging, w);
    }
}
