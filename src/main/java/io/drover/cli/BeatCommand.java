package io.drover.cli;

import io.drover.api.BeatSchedule;
import io.drover.beat.Beat;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.NodeName;
import io.drover.core.Templates;
import io.drover.core.UsageException;
import io.drover.demo.DemoApp;
import io.drover.node.AppLoader;
import io.drover.node.NodeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "beat",
        mixinStandardHelpOptions = true,
        versionProvider = DroverCommand.Version.class,
        customSynopsis = "drover beat [OPTIONS...]",
        description = {"Run the periodic scheduler: one instance per schedule file.",
            "-A is an io.drover.api.BeatSchedule; with no -A the demo's jobs run (demo.tick every second)."
                + " Each job's last due time is kept in --schedule, so a restart neither repeats nor drops a run."
                + " TERM lets running jobs finish (up to --stop-timeout) and exits 0."},
        footer = {"drover beat --detach --schedule=/tmp/drover/beat.schedule --pidfile=/tmp/drover/beat.pid"
                + " --logfile=/tmp/drover/beat.log",
            "# stop it: TERM, then wait until it is gone (multi finds beat by its pidfile)",
            "drover multi stopwait beat --pidfile=/tmp/drover/beat.pid"})
@Manual.Exits({"OK", "NODE_FAILED", "USAGE", "NO_USER", "UNAVAILABLE", "CANT_CREATE", "TEMPFAIL", "NO_PERMISSION"})
@Manual.Environment({"DROVER_FAKEFORK", "DROVER_FORCE_ROOT", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class BeatCommand implements NodeCommand {
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

    @Option(names = {"-s", "--schedule"}, paramLabel = "FILE",
            description = "Schedule file. Default: next to the pidfile (beat.pid -> beat.schedule), else ./droverbeat-schedule.")
    String schedule;

    @Option(names = "--max-interval", paramLabel = "SECONDS", defaultValue = "300",
            description = "Longest sleep between looks at the schedule. Default: ${DEFAULT-VALUE}.")
    double maxInterval;

    @Option(names = "--no-catch-up", description = "Skip the due times missed while beat was down, instead of running each job once at start.")
    boolean noCatchUp;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long TERM waits for running jobs. Default: ${DEFAULT-VALUE}.")
    double stopTimeout;

    @Override
    public Integer call() {
        if (maxInterval <= 0 || stopTimeout < 0) {
            throw new UsageException("--max-interval must be positive and --stop-timeout not negative");
        }
        NodeConfig cfg = daemon.config(rawArgs != null ? rawArgs : DaemonOptions.rawArgs(spec, "beat"),
                io.drover.core.NodeProtocol.BEAT_NAME, 1, List.of(), List.of(), null, null, null);
        String file = Templates.expandForProcess(scheduleFile(cfg), NodeName.parse(cfg.nodename()), Templates.MAIN_PROCESS,
                "--schedule");
        Beat.Settings settings = new Beat.Settings(Path.of(file).toAbsolutePath(),
                Duration.ofMillis((long) (maxInterval * 1000)), !noCatchUp, Duration.ofMillis((long) (stopTimeout * 1000)));
        return DaemonOptions.run(cfg, "beat", cls -> new Beat(settings, schedule(cls), Clock.systemUTC()),
                List.of(settings.schedule().toString()));
    }

    private String scheduleFile(NodeConfig cfg) {
        if (schedule != null) {
            return schedule;
        }
        if (cfg.pidfile() != null) {
            String pid = cfg.pidfile();
            return (pid.endsWith(".pid") ? pid.substring(0, pid.length() - 4) : pid) + ".schedule";
        }
        return "droverbeat-schedule";
    }

    private static BeatSchedule schedule(Class<?> cls) {
        if (cls == null) {
            return new DemoApp();
        }
        if (!BeatSchedule.class.isAssignableFrom(cls)) {
            throw new DroverException(ExitCode.NODE_FAILED, "application class " + cls.getName() + " is not an "
                    + BeatSchedule.class.getName() + ": beat has no periodic jobs to run");
        }
        return (BeatSchedule) AppLoader.construct(cls);
    }
}
