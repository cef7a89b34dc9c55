package io.drover.cli;

import io.drover.core.Install;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "drover",
        mixinStandardHelpOptions = true,
        versionProvider = DroverCommand.Version.class,
        customSynopsis = "drover [-hV] COMMAND",
        description = {"Start, stop and supervise detached worker JVMs, as celery multi does for Celery.",
            "See 'drover multi --help' for node names, per-node options and templates, 'drover worker --help'"
                + " for a node's options, and 'drover beat --help' for the periodic scheduler."},
        subcommands = {MultiCommand.class, WorkerCommand.class, BeatCommand.class, HelpSubcommand.Top.class},
        footer = {"# start three demo nodes drover1@HOST..drover3@HOST", "drover multi start 3",
            "# show them", "drover multi status 3",
            "# stop them and wait until they are gone", "drover multi stopwait 3"})
@Manual.Environment({"JAVA_HOME", "DROVER_JAVA_OPTS", "DROVER_FAKEFORK", "DROVER_FORCE_ROOT", "XDG_STATE_HOME",
    "NO_COLOR", "COLUMNS"})
final class DroverCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"drover " + Install.version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")"};
        }
    }
}
