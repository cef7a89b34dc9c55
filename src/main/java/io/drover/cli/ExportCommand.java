package io.drover.cli;

import io.drover.core.AtomicFile;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.OsErrors;
import io.drover.core.UsageException;
import io.drover.export.BeatExport;
import io.drover.export.ExportedNode;
import io.drover.export.KubernetesExport;
import io.drover.export.SupervisordExport;
import io.drover.export.SystemdExport;
import io.drover.multi.ArgParser;
import io.drover.multi.OptionTable;
import io.drover.multi.ParsedArgs;
import io.drover.posix.PrivateDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = ExportCommand.NAME,
        customSynopsis = "drover multi export systemd|kubernetes|supervisord NODES [OPTIONS...] [--beat]"
                + " [-- WORKER-ARGS...]",
        description = {"Write the files another supervisor runs the nodes with, each node with exactly the command"
                + " line 'show' prints, in the foreground. Checks everything before it writes anything.",
            "systemd: into --out DIR (default drover-systemd), a drop-in per node for drover@NAME.service,"
                + " drover.target grouping them, drover@.service as shipped; prints the commands that make the drover"
                + " user and its directories the units need, install them and start them. systemd --supervised:"
                + " instead, one Type=notify unit, drover-supervise.service, running multi supervise NODES OPTIONS (supervise's options too) for the whole"
                + " cluster. supervisord: one [program:NAME] per node and [group:drover], on stdout.",
            "kubernetes --image IMAGE [--namespace NS] [--max-memory SIZE]: YAML for kubectl apply -f -, on stdout: nodes with the same options share a"
                + " StatefulSet (nodename from the pod's name), probes on --health-port (default "
                + KubernetesExport.DEFAULT_HEALTH_PORT + "), terminationGracePeriodSeconds from --timeout, CPU from -c,"
                + " --max-memory (default " + KubernetesExport.DEFAULT_MEMORY + ") as the memory limit the JVM sizes its heap"
                + " from; --uid and --gid must be numbers (runAsUser, runAsGroup; default " + KubernetesExport.DEFAULT_UID
                + ", the image's), never 0: the pods pass the restricted Pod Security Standard.",
            "--beat adds drover beat (the nodes' -A, --classpath and user; its schedule in --schedule FILE, default "
                + BeatExport.DEFAULT_SCHEDULE + "). multi's --timeout becomes the engine's stop timeout."},
        footer = {"# into a new directory only you can write: root installs what is in it (not /tmp/units,",
            "# which another user may have made first)",
            "drover multi export systemd 3 -c 2 -c:1 8 --out \"$(mktemp -d)\"",
            "drover multi export kubernetes 3 -c 3 -c:1 10 -Q:2,3 slow --image reg.example/drover:1 --beat",
            "drover multi export supervisord 2 -A com.acme.Consumer --classpath='/opt/acme/lib/*'"})
@Manual.Exits({"OK", "USAGE", "CANT_CREATE"})
@Manual.Environment({"XDG_STATE_HOME", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class ExportCommand extends MultiLeaf {
    static final String NAME = "export";

    static final List<String> ENGINES = List.of("systemd", "kubernetes", "supervisord");
    /** export's own valued options, by engine ("" for all). */
    static final Map<String, String> OWN_VALUED = Map.of("--out", "systemd", "--schedule", "", "--image", "kubernetes",
            "--namespace", "kubernetes", "--max-memory", "kubernetes");
    static final String DEFAULT_OUT = "drover-systemd";

    static final String BEAT = "--beat";

    /** A {@code --schedule} for Kubernetes other than the one path it can be: the path given, that path. */
    static final String K8S_SCHEDULE = "--schedule %s: in Kubernetes beat's schedule is always %s, on a volume of"
            + " its own (drover-beat-schedule): leave --schedule out";

    /** --timeout becomes the engine's stop timeout; kubernetes' --max-memory is export's own (above). */
    @Override
    Set<ArgParser.Own> takes() {
        // --supervised: the unit runs supervise, which reads its own options
        return own.has(SUPERVISED) ? new SuperviseCommand().takes() : EnumSet.of(ArgParser.Own.TIMEOUT);
    }

    /** systemd: one unit running {@code multi supervise} for every node, instead of one unit per node. */
    static final String SUPERVISED = "--supervised";

    /** export's own options, taken out before the multi grammar reads the rest (which goes to the nodes). */
    @Override
    Map<String, OwnOptions.Kind> ownOptions() {
        Map<String, OwnOptions.Kind> options = new HashMap<>();
        for (String valued : OWN_VALUED.keySet()) {
            options.put(valued, OwnOptions.Kind.WORD);
        }
        options.put(BEAT, OwnOptions.Kind.FLAG);
        options.put(SUPERVISED, OwnOptions.Kind.FLAG);
        return options;
    }

    @Override
    int run(ParsedArgs parsed, Output output) {
        String engine = firstPositional(parsed, "ENGINE (drover multi export ENGINE NODES: " + String.join(", ", ENGINES) + ")");
        if (!ENGINES.contains(engine)) {
            throw new UsageException("unknown export engine '" + engine + "': choose " + String.join(", ", ENGINES));
        }
        for (String option : own.given()) {
            String only = OWN_VALUED.getOrDefault(option, "");
            if (!only.isEmpty() && !only.equals(engine)) {
                throw new UsageException(option + " is for the " + only + " export, not " + engine
                        + (option.equals("--out") ? " (which writes to stdout)" : ""));
            }
        }
        if (parsed.options().stream().anyMatch(o -> OptionTable.Read.DETACH.named(o.name()))) {
            throw new UsageException("--detach: an exported node runs in the foreground, its supervisor is its parent");
        }
        if (own.has(SUPERVISED) && !engine.equals("systemd")) {
            throw new UsageException(SUPERVISED + " is for the systemd export, not " + engine);
        }
        String schedule = own.value("--schedule");
        boolean beat = own.has(BEAT);
        if (schedule != null && !beat) {
            throw new UsageException("--schedule is beat's: give --beat too");
        }
        Integer timeout = stopTimeout(parsed);
        if (engine.equals("kubernetes")) {
            // the one path there is, given, is what the user asked for: taken; any other is refused
            // with what to do, which is to leave the option out
            if (schedule != null && !Path.of(schedule).normalize().equals(Path.of(KubernetesExport.SCHEDULE))) {
                throw new UsageException(String.format(K8S_SCHEDULE, schedule, KubernetesExport.SCHEDULE));
            }
            String yaml = KubernetesExport.yaml(nodes(parsed, 1), own.value("--image"), own.value("--namespace"),
                    timeout == null ? (int) LifecycleLeaf.DEFAULT_STOP_TIMEOUT.toSeconds() : timeout,
                    own.value("--max-memory"),
                    beat ? BeatExport.args(parsed.options(), host(), KubernetesExport.SCHEDULE, false) : null);
            if (output.json) {
                output.json(Map.of("kubernetes.yaml", yaml));
            } else {
                output.out.print(yaml);
            }
            return 0;
        }
        List<ExportedNode> nodes = nodes(parsed, 1).stream().map(ExportedNode::of).toList();
        String beatSchedule = beat ? schedule == null ? BeatExport.DEFAULT_SCHEDULE : schedule : null;
        List<String> beatArgv = beat ? BeatExport.argv(parsed.options(), host(), beatSchedule) : null;
        if (engine.equals("supervisord")) {
            String file = SupervisordExport.file(nodes, timeout, beatArgv);
            if (output.json) {
                output.json(Map.of("supervisord.conf", file));
            } else {
                output.out.print(file);
            }
            return 0;
        }
        Map<String, String> files;
        if (own.has(SUPERVISED)) {
            SuperviseCommand.options(parsed); // its options checked now, not when the unit starts
            files = SystemdExport.supervisedFiles(superviseArgv(engine), nodes, timeout, beatArgv);
        } else {
            files = SystemdExport.files(nodes, timeout, beatArgv);
        }
        String dir = own.has("--out") ? own.value("--out") : DEFAULT_OUT;
        List<String> written = write(Path.of(dir), files);
        List<String> commands = SystemdExport.installCommands(dir, nodes, beatSchedule);
        if (output.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("files", written);
            m.put("commands", commands);
            output.json(m);
        } else if (!output.quiet) {
            written.forEach(f -> output.out.println("wrote " + f));
            // the units run as drover (the template's User=), in directories that user owns
            output.out.println("user:    " + commands.get(0));
            output.out.println("dirs:    " + commands.get(1));
            output.out.println("install: " + commands.get(2));
            output.out.println("start:   " + commands.get(3));
        }
        return 0;
    }

    /**
     * The foreground {@code multi supervise} of the nodes and options given (the engine's word
     * taken out), with this installation's java, class path and JVM flags, as a node's command is.
     */
    private List<String> superviseArgv(String engine) {
        List<String> words = new ArrayList<>(own.rest());
        words.remove(engine);
        List<String> command = new ArrayList<>(List.of("multi", SuperviseCommand.NAME));
        command.addAll(words);
        List<String> argv = new ArrayList<>(io.drover.launch.NodeLaunch.argv(null, null, command));
        String home = System.getProperty("drover.home");
        if (home != null && !home.isEmpty()) {
            // as the launcher gives it: supervise spawns the nodes, and gives each one the
            // installation's jffi stub (Install.nativeOptions) from it; without it a node's jffi
            // writes a stub of its own into /tmp, which under the unit's PrivateTmp= fails
            argv.add(argv.indexOf("-cp"), "-Ddrover.home=" + home);
        }
        return argv;
    }

    /** multi's --timeout in whole seconds (rounded up), or null when not given. */
    private static Integer stopTimeout(ParsedArgs parsed) {
        String value = parsed.own(ArgParser.Own.TIMEOUT);
        if (value == null) {
            return null;
        }
        java.time.Duration d = Seconds.parse(ArgParser.Own.TIMEOUT.spelling(), value);
        long s = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, s));
    }

    /**
     * Each file through {@link AtomicFile}: a reader never sees half a unit, nor a crash. Root
     * installs what is in {@code dir} into /etc/systemd/system with the printed {@code cp}, so
     * every directory is checked before the first byte is written: the path to {@code dir} as
     * {@code start} checks a pid directory, and {@code dir} and its drop-in directories must be
     * the caller's alone (docs/security.md, round three, 6).
     */
    private static List<String> write(Path dir, Map<String, String> files) {
        for (String name : files.keySet()) {
            PrivateDirectory.prepare(dir.resolve(name), dir);
        }
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path file = dir.resolve(e.getKey());
            try {
                // a leftover of an export that died: the directory is the caller's alone, so it is theirs
                AtomicFile.removeLeftovers(file);
                AtomicFile.write(file, e.getValue().getBytes(StandardCharsets.UTF_8), UNIT_MODE);
            } catch (IOException ex) {
                throw new DroverException(ExitCode.CANT_CREATE, "cannot write " + file + ": " + OsErrors.reason(ex));
            }
            written.add(file.toString());
        }
        return written;
    }

    /** What systemd's own units are; the umask may narrow it. */
    private static final Set<PosixFilePermission> UNIT_MODE = PosixFilePermissions.fromString("rw-r--r--");
}
