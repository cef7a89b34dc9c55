package io.drover.node;

import java.time.Duration;
import java.util.List;

/**
 * A worker node's settings, as {@code drover worker} parsed them.
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
 */
public record WorkerConfig(
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
        String gid) {}
