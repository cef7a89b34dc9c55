package io.drover.cli;

import io.drover.core.NodeProtocol;
import io.drover.core.UsageException;
import io.drover.node.Node;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "worker",
        mixinStandardHelpOptions = true,
        versionProvider = DroverCommand.Version.class,
        customSynopsis = "drover worker [OPTIONS...] [-- APP-ARGS...]",
        description = {"Run one worker node, in the foreground or detached (--detach).",
            "-A is an io.drover.api.NodeApp or a class with main(String[]); with no -A the built-in demo runs."
                + " TERM: warm shutdown (finish work in flight); INT: cold shutdown; HUP: restart a NodeApp"
                + " in place (same pid, same pidfile); a main() class logs and ignores HUP."},
        footer = {"drover worker -A com.acme.Consumer --classpath='/opt/acme/lib/*' -c 4 -l INFO",
            "# in the background, returning once the node is ready",
            "drover worker --detach -n w1@%%h --pidfile=/tmp/drover/w1.pid --logfile=/tmp/drover/w1.log"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE", "NO_USER", "UNAVAILABLE", "CANT_CREATE", "TEMPFAIL", "NO_PERMISSION"})
@Manual.Environment({"DROVER_FAKEFORK", "DROVER_FORCE_ROOT", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class WorkerCommand implements NodeCommand {
    @Spec
    CommandSpec spec;

    @Mixin
    DaemonOptions daemon;

    /** The arguments as given, when {@link LeanParser} filled this command instead of picocli. */
    List<String> rawArgs;

    @Override
    public void useRawArgs(List<String> args) {
        rawArgs = args;
    }

    @Option(names = {"-n", "--hostname"}, paramLabel = "NODENAME", defaultValue = NodeProtocol.WORKER_NAME,
            description = "Node name; %%h, %%n and %%d are this host's name, short name and domain. Default: ${DEFAULT-VALUE}.")
    String nodename;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", description = "Threads for the application. Default: CPUs.")
    Integer concurrency;

    @Option(names = {"-P", "--pool"}, paramLabel = "POOL", defaultValue = "threads",
            description = "Pool implementation: threads (solo is threads with -c 1). Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(names = {"-Q", "--queues"}, paramLabel = "QUEUES", split = ",", description = "Queues to consume, comma separated.")
    List<String> queues = new ArrayList<>();

    @Option(names = "--health-port", paramLabel = "PORT",
            description = "Serve GET /ready (200 once ready, else 503), /live (503 when the heartbeat stalls) and /metrics"
                    + " (Prometheus text format) on this port.")
    Integer healthPort;

    @Option(names = "--health-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "/live fails when the heartbeat has not beaten for this long. Default: ${DEFAULT-VALUE}.")
    double healthTimeout;

    @Option(names = "--health-address", paramLabel = "ADDR",
            description = "Serve --health-port on this IP address (0.0.0.0: every interface). Default: loopback.")
    String healthAddress;

    @Option(names = "--wait-for", paramLabel = "DEP", split = ",",
            description = "Before the application loads (status: starting), wait until DEP answers:"
                    + " tcp:HOST:PORT (a connection accepted) or http://URL (GET answered 2xx/3xx); repeatable.")
    List<String> waitFor = new ArrayList<>();

    @Option(names = "--wait-for-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long --wait-for waits, then the start fails (exit 69). Default: ${DEFAULT-VALUE}.")
    double waitForTimeout;

    @Option(names = "--env-file", paramLabel = "PATH",
            description = "Variables for the node (systemd EnvironmentFile= syntax; -PATH: may be missing), read by"
                    + " multi start/restart/supervise at each start.")
    String envFile;

    @Parameters(paramLabel = "ARGS", description = "Arguments after -- are passed to the application.")
    List<String> appArgs = new ArrayList<>();

    @Override
    public Integer call() {
        if (!pool.equals("threads") && !pool.equals("solo")) {
            throw new UsageException("--pool " + pool + " is not available: drover runs applications on threads (threads, solo)");
        }
        int threads = pool.equals("solo") ? 1 : concurrency == null ? Runtime.getRuntime().availableProcessors() : concurrency;
        if (threads < 1) {
            throw new UsageException("--concurrency must be at least 1, got " + threads);
        }
        if (healthPort != null && (healthPort < 1 || healthPort > 65535)) {
            throw new UsageException("--health-port must be a port (1-65535), got " + healthPort);
        }
        if (!(healthTimeout > 0) || healthTimeout > 86_400) {
            throw new UsageException("--health-timeout must be between 0 and 86400 seconds, got " + healthTimeout);
        }
        InetAddress address = healthAddress == null ? null : address(healthAddress);
        if (address != null && healthPort == null) {
            throw new UsageException("--health-address needs --health-port");
        }
        // the node multi spawned has it on its command line too, already applied by its starter
        if (envFile != null && daemon.detach && System.getenv(NodeProtocol.HANDSHAKE_FD_ENV) == null) {
            throw new UsageException("--env-file is read by multi's start (multi start, restart, supervise):"
                    + " give the node to multi start rather than worker --detach");
        }
        // checked before anything is made or spawned; the class is loaded only when the option is given
        io.drover.node.NodeConfig config = daemon.config(rawArgs != null ? rawArgs : DaemonOptions.rawArgs(spec, "worker"),
                nodename, threads, queues, appArgs, healthPort, healthPort == null ? null
                        : java.time.Duration.ofMillis((long) (healthTimeout * 1000)), address);
        if (!waitFor.isEmpty()) {
            config = config.withWaitFor(io.drover.node.WaitFor.of(waitFor, waitForTimeout));
        }
        return DaemonOptions.run(config, "worker", Node.WORKER_APP);
    }

    /**
     * An IP address as written: never a host name, whose lookup could hang a node's start (and
     * InetAddress looks up what only looks like an address, {@code 999.1.1.1}, so it is checked here).
     */
    static InetAddress address(String value) {
        return address("--health-address", value);
    }

    /** {@link #address(String)} of {@code option}'s value, which the refusal names. */
    static InetAddress address(String option, String value) {
        boolean v4 = value.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
                && java.util.Arrays.stream(value.split("\\.")).allMatch(b -> Integer.parseInt(b) <= 255);
        boolean v6 = value.matches("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\\]?");
        if (v4 || v6) {
            try {
                return InetAddress.getByName(value); // a literal: parsed, not looked up
            } catch (IOException e) {
                // below (an UnknownHostException; caught as its superclass, which every node has
                // loaded already: naming it here loaded one more class at every worker's start)
            }
        }
        throw new UsageException(option + " must be an IP address (such as 127.0.0.1 or 0.0.0.0), got " + value);
    }
}
