package io.drover.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code multi} group: holds no logic, only the manual and the subcommands. */
@Command(name = "multi",
        mixinStandardHelpOptions = true,
        versionProvider = DroverCommand.Version.class,
        customSynopsis = {"drover multi SUBCOMMAND [NODES | COUNT] [OPTIONS...] [-- WORKER-ARGS...]"},
        description = {
            "Start, stop and inspect several worker nodes on this host, tracked through pidfiles.",
            "",
            "Nodes are a count (3 -> drover1@HOST..drover3@HOST) or names (image video -> image@HOST,"
                + " video@HOST); a name with @ is a full nodename. In node names %%h, %%n and %%d are this"
                + " host's name, short name and domain; a name is never a path (no /, . or ..).",
            "Options go to every node's worker; -x:NS value and --name:NS=value go only to the nodes in NS:"
                + " names (a name first, even 1-3), full nodenames, 1-based indexes, comma lists of those,"
                + " or index ranges (1-3, only with a count); between namespaces the last written wins."
                + " --pidfile and --logfile default to %%n-templated paths"
                + " (root: /run/drover/%%n.pid, /var/log/drover/%%n%%I.log).",
            "Templates in option values: %%h full nodename, %%n short name, %%d host part, %%p full nodename;"
                + " %%i, %%I and %%%% are left for the worker (pool index, -INDEX, literal %%).",
            "Naming options (not passed to workers; empty means not given): --range-prefix=drover,"
                + " --prefix=P (named nodes only), --suffix=S (\"\" for none), --hostname=H or -n H."
                + " --append=WORDS ends every worker's command line; --after=NODE[,NODE] (set per node:"
                + " --after:web1,web2=db) starts a node once those are ready and stops it before them."
                + " Output switches, anywhere before --:"
                + " --quiet/-q, --verbose, --no-color, --nosplash, --json.",
            "multi's own options, such as stopwait's --timeout or supervise's --max-restarts, reach no worker;"
                + " a subcommand that does not read one refuses it (exit 64), naming those that do."
                + " Any option that neither multi nor drover worker has is refused too, before a node is touched"
                + " (exit 64, naming the closest known ones: --jsno, did you mean --json?); what follows -- is not checked."},
        footer = {
            "# three nodes, drover1@HOST..drover3@HOST, each with 3 threads",
            "drover multi start 3 -c 3",
            "# the same nodes, named worker1..worker3",
            "drover multi start 3 --range-prefix=worker -c 3",
            "# named nodes; image gets 10 threads, the others 3",
            "drover multi start image video data -c 3 -c:image 10",
            "# nodes on another hostname: drover1@worker.example.com, drover2@worker.example.com",
            "drover multi start 2 --hostname=worker.example.com",
            "# full nodenames: foo@HOST, bar@HOST",
            "drover multi start foo@%%h bar@%%h",
            "# 10 nodes: 1-3 consume images,video; 4-5 data at DEBUG; the rest default",
            "drover multi start 10 -l INFO -Q:1-3 images,video -Q:4,5 data -Q default -l:4,5 DEBUG",
            "# pass arguments through to every worker's application",
            "drover multi start 2 -- --extra x",
            "# your application, its jars, and where the files go",
            "drover multi start 2 -A com.acme.Consumer --classpath='/opt/acme/lib/*'"
                + " --pidfile=/var/run/acme/%%n.pid --logfile=/var/log/acme/%%n%%I.log",
            "# stop them, wait until they are gone (at most 30 s), then start again",
            "drover multi stopwait 2 --pidfile=/var/run/acme/%%n.pid --timeout=30",
            "drover multi restart 2 -A com.acme.Consumer --pidfile=/var/run/acme/%%n.pid",
            "# stop with another signal: -INT (cold), -KILL, -9",
            "drover multi stop 3 -KILL",
            "# what would run, touching nothing",
            "drover multi show 3 -c 3",
            "drover multi names 3",
            "drover multi expand '%%n.pid' foo bar@%%h",
            "drover multi get drover2 3 -c 3",
            "# the same nodes as systemd units, or supervisord programs",
            "drover multi export systemd 3 -c 3 --out \"$(mktemp -d)\"",
            "drover multi export supervisord 3 -c 3"})
@Manual.Environment({"JAVA_HOME", "DROVER_JAVA_OPTS", "DROVER_FAKEFORK", "DROVER_FORCE_ROOT", "XDG_STATE_HOME",
    "NO_COLOR", "COLUMNS"})
final class MultiCommand implements Runnable {
    /**
     * multi's subcommands in the order its help lists them, then {@code help}: the one list, which
     * picocli's tree ({@link Main#commandLine}) and the fast path that skips picocli both read.
     * It is no {@code @Command(subcommands = ...)}: the fast path would have to read that
     * annotation, which costs {@code multi names} about a third of its start-up (picocli's jar
     * opened, a proxy class made per annotation type).
     */
    static final Map<String, Supplier<MultiLeaf>> SUBCOMMANDS = subcommands(
            Map.entry(StartCommand.NAME, StartCommand::new), Map.entry(StopCommand.NAME, StopCommand::new),
            Map.entry(StopwaitCommand.NAME, StopwaitCommand::new), Map.entry(RestartCommand.NAME, RestartCommand::new),
            Map.entry(SuperviseCommand.NAME, SuperviseCommand::new), Map.entry(KillCommand.NAME, KillCommand::new),
            Map.entry(StatusCommand.NAME, StatusCommand::new), Map.entry(ShowCommand.NAME, ShowCommand::new),
            Map.entry(NamesCommand.NAME, NamesCommand::new), Map.entry(ExpandCommand.NAME, ExpandCommand::new),
            Map.entry(GetCommand.NAME, GetCommand::new), Map.entry(DryrunCommand.NAME, DryrunCommand::new),
            Map.entry(ForgetCommand.NAME, ForgetCommand::new), Map.entry(LogsCommand.NAME, LogsCommand::new),
            Map.entry(ExportCommand.NAME, ExportCommand::new));

    @SafeVarargs
    private static Map<String, Supplier<MultiLeaf>> subcommands(Map.Entry<String, Supplier<MultiLeaf>>... leaves) {
        Map<String, Supplier<MultiLeaf>> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<MultiLeaf>> leaf : leaves) {
            ordered.put(leaf.getKey(), leaf.getValue());
        }
        return Collections.unmodifiableMap(ordered);
    }

    /** Adds the subcommands to {@code multi}, the picocli command of this group. */
    static void addSubcommands(CommandLine multi) {
        SUBCOMMANDS.values().forEach(leaf -> multi.addSubcommand(leaf.get()));
        multi.addSubcommand(new HelpSubcommand());
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
