package io.drover.launch;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.Namespace;
import io.drover.core.NodeProtocol;
import io.drover.core.RootPolicy;
import io.drover.core.Templates;
import io.drover.posix.Identity;
import io.drover.posix.Posix;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts a node from its {@link LaunchSpec}: the one place a node's process is created, for
 * {@code multi start}, {@code restart} and {@code supervise} as for {@code worker --detach} and
 * {@code beat --detach}. The steps, in the order the node itself takes them: the root policy,
 * the logfile, the user, the pidfile, then the spawn and the wait for the node's word
 * ({@link Detacher}).
 */
public final class Launcher implements NodeStarter {
    private final Supplier<Posix> posix;
    private final Host host;

    /**
     * @param posix the native layer, asked for only when a node is spawned or a user looked up
     * @param host whether we are root, and the environment ({@code DROVER_FORCE_ROOT})
     */
    public Launcher(Supplier<Posix> posix, Host host) {
        this.posix = posix;
        this.host = host;
    }

    private Namespace namespace;

    /**
     * The namespace this launcher starts nodes in: its host's node registry. Every node it
     * spawns carries it ({@link NodeProtocol#NAMESPACE_ENV}); looked up once, when first needed.
     */
    @Override
    public synchronized Namespace namespace() {
        if (namespace == null) {
            namespace = Namespace.of(host);
        }
        return namespace;
    }

    /**
     * Whether {@code DROVER_FAKEFORK=1} asks to run nodes in the foreground (celery's
     * {@code C_FAKEFORK}) instead of detaching them: read here and nowhere else.
     */
    public static boolean fakefork() {
        return "1".equals(System.getenv(NodeProtocol.FAKEFORK_ENV));
    }

    /**
     * Refuses, before anything runs, what would fail the node: an application as root
     * (docs/design.md, "Root is refused for applications"), a user or group that does not exist.
     *
     * @return the user the node drops to, or null when it keeps ours
     */
    @Override
    public Identity check(LaunchSpec spec) {
        checkRoot(spec);
        Identity id = identity(spec.runAs());
        if (spec.envFile() != null) {
            io.drover.posix.EnvFiles.read(spec.envFile()); // refused before any node starts
        }
        return id;
    }

    private void checkRoot(LaunchSpec spec) {
        RootPolicy.check(host.root(), spec.app(), spec.runAs().uid(), host.env().get(RootPolicy.FORCE_ROOT));
    }

    /**
     * The user a node drops to, looked up (a bare uid must have a group); null when it keeps
     * ours.
     */
    @Override
    public Identity identity(LaunchSpec.RunAs runAs) {
        return runAs.keepsCaller() ? null
                : posix.get().identity(runAs.uid(), runAs.gid()).requireGroup(runAs.uid(), runAs.gid());
    }

    /** Spawns the node detached and waits until it reports ready, says why not, or dies. */
    public LaunchOutcome start(LaunchSpec spec) {
        return start(spec, () -> { });
    }

    /**
     * {@link #start(LaunchSpec)}, running {@code up} when the node's own start-up is done and
     * its application's begins (a node that fails or dies before may never say so): when a
     * start window may let the next node in.
     */
    @Override
    public LaunchOutcome start(LaunchSpec spec, Runnable up) {
        checkRoot(spec);
        String logfile = logfile(spec);
        Identity owner = identity(spec.runAs());
        String pidfile = pidfile(spec);
        // read at each start, so a restart takes the file as it is now
        Map<String, String> env = spec.envFile() == null ? Map.of() : io.drover.posix.EnvFiles.read(spec.envFile());
        return Detacher.start(posix.get(), spec.argv(), pidfile, logfile, spec.umask(), spec.workdir(),
                spec.startTimeout(), owner, spec.heartbeat(), namespace(), env, up);
    }

    /**
     * What {@link #start} would refuse before it spawns, with nothing made: the pidfile's and
     * the logfile's directories, as {@link Detacher#start} would make them ({@code multi dryrun}).
     */
    @Override
    public void checkFiles(LaunchSpec spec, Identity owner) {
        for (String file : new String[] {pidfile(spec), logfile(spec)}) {
            if (file != null) {
                posix.get().checkDirectory(java.nio.file.Path.of(file), owner);
            }
        }
    }

    /** The main process's logfile, or null. */
    private static String logfile(LaunchSpec spec) {
        return spec.logfile() == null ? null
                : Templates.expandForProcess(spec.logfile(), spec.nodename(), Templates.MAIN_PROCESS, "--logfile");
    }

    /** The main process's pidfile, or null. */
    private static String pidfile(LaunchSpec spec) {
        return spec.pidfile() == null ? null
                : Templates.expandForProcess(spec.pidfile(), spec.nodename(), Templates.MAIN_PROCESS, "--pidfile");
    }

    /**
     * {@code DROVER_FAKEFORK=1}: runs the node as our child in the foreground, its output on our
     * terminal, and waits for its end. The node checks and makes its directories itself.
     *
     * @return the node's exit status
     */
    @Override
    public int runInForeground(LaunchSpec spec) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(spec.argv()).inheritIO();
        pb.environment().put(NodeProtocol.FAKEFORK_ENV, "1");
        pb.environment().put(NodeProtocol.NAMESPACE_ENV, namespace().dir());
        if (spec.workdir() != null) {
            pb.directory(new File(spec.workdir()));
        }
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            throw new DroverException(ExitCode.UNAVAILABLE, "cannot run " + pb.command().get(0) + ": " + e.getMessage());
        }
    }
}
