package io.drover.launch;

import io.drover.core.NodeName;
import java.time.Duration;
import java.util.List;

/**
 * One node's start, typed, as the {@link Launcher} takes it: filled once by whoever read the
 * node's options (multi's node expansion, or the {@code --detach} options of {@code worker} and
 * {@code beat}), so nothing below looks an option up by its spelling.
 *
 * @param nodename the node's full name
 * @param argv the node's JVM command line ({@link NodeLaunch#argv})
 * @param pidfile the {@code --pidfile} template ({@code %i %I %%} left for the process), or null
 * @param logfile the {@code --logfile} template, as the pidfile's, or null
 * @param umask the {@code --umask}, parsed, or null to keep the caller's
 * @param workdir the {@code --workdir}, or null
 * @param runAs the user and group the node drops to
 * @param app the {@code -A} class, or null for the built-in demo
 * @param startTimeout how long to wait for the node's ready report; the node is killed when it
 *     runs out (the CLI turns "0, no limit" into a very long one: zero here means at once)
 * @param heartbeat the interval of the node's heartbeat on the handshake pipe (supervise), or null
 * @param envFile the {@code --env-file} as given ({@code -PATH}: optional), read at each start, or null
 */
public record LaunchSpec(
        NodeName nodename,
        List<String> argv,
        String pidfile,
        String logfile,
        Integer umask,
        String workdir,
        RunAs runAs,
        String app,
        Duration startTimeout,
        Duration heartbeat,
        String envFile) {

    public LaunchSpec {
        argv = List.copyOf(argv);
    }

    /** A node without {@code --env-file}. */
    public LaunchSpec(NodeName nodename, List<String> argv, String pidfile, String logfile, Integer umask, String workdir,
                      RunAs runAs, String app, Duration startTimeout, Duration heartbeat) {
        this(nodename, argv, pidfile, logfile, umask, workdir, runAs, app, startTimeout, heartbeat, null);
    }

    /**
     * The {@code --uid} and {@code --gid} a node drops to, as given (names or numbers); both
     * null to keep the caller's.
     */
    public record RunAs(String uid, String gid) {
        public static final RunAs CALLER = new RunAs(null, null);

        /** Whether the node keeps the caller's user and group. */
        public boolean keepsCaller() {
            return uid == null && gid == null;
        }
    }
}
