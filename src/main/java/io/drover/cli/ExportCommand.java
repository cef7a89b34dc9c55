package io.drover.cli;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.UsageException;
import io.drover.export.BeatExport;
import io.drover.export.ExportedNode;
import io.drover.export.SupervisordExport;
import io.drover.export.SystemdExport;
import io.drover.multi.ParsedArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "export",
        customSynopsis = "drover multi export ENGINE NODES [OPTIONS...] [--out DIR] [--beat] [--schedule FILE]"
                + " [-- WORKER-ARGS...]",
        description = {"Write the files another supervisor runs the nodes with, each node with exactly the command"
                + " line 'show' prints, in the foreground. Checks everything before it writes anything.",
            "ENGINE systemd: into --out DIR (default drover-systemd), a drop-in per node for drover@NAME.service,"
                + " drover.target grouping them, drover@.service as shipped; prints the two commands that install and"
                + " start them. ENGINE supervisord: one [program:NAME] per node and [group:drover], on stdout.",
            "--beat adds drover beat (the nodes' -A, --classpath and user; its schedule in --schedule FILE, default "
                + BeatExport.DEFAULT_SCHEDULE + "). multi's --timeout becomes the engine's stop timeout."},
        footer = {"drover multi export systemd 3 -c 2 -c:1 8 --out /tmp/units",
            "drover multi export supervisord 2 -A com.acme.Consumer --classpath='/opt/acme/lib/*' > drover.conf"})
@Manual.Exits({"OK", "USAGE", "CANT_CREATE"})
@Manual.Environment({"XDG_STATE_HOME", "JAVA_HOME", "DROVER_JAVA_OPTS"})
final class ExportCommand extends MultiLeaf {
    static final List<String> ENGINES = List.of("systemd", "supervisord");
    static final String DEFAULT_OUT = "drover-systemd";

    private String out;
    private boolean beat;
    private String schedule;

    /** export's own options, taken out before the multi grammar reads the rest (which goes to the nodes). */
    @Override
    List<String> ownOptions(List<String> tokens) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("--")) {
                rest.addAll(tokens.subList(i, tokens.size()));
                break;
            }
            if (t.equals("--beat")) {
                beat = true;
            } else if (t.equals("--out") || t.equals("--schedule")) {
                if (i + 1 >= tokens.size() || tokens.get(i + 1).startsWith("-")) {
                    throw new UsageException(t + " needs a value (" + t + "=" + (t.equals("--out") ? "DIR" : "FILE") + ")");
                }
                set(t, tokens.get(++i));
            } else if (t.startsWith("--out=") || t.startsWith("--schedule=")) {
                int eq = t.indexOf('=');
                set(t.substring(0, eq), t.substring(eq + 1));
            } else {
                rest.add(t);
            }
        }
        return rest;
    }

    private void set(String option, String value) {
        if (value.isEmpty()) {
            throw new UsageException(option + " needs a value, got an empty one");
        }
        if (option.equals("--out")) {
            out = value;
        } else {
            schedule = value;
        }
    }

    @Override
    int run(ParsedArgs parsed, Output output) {
        String engine = firstPositional(parsed, "ENGINE (drover multi export ENGINE NODES: " + String.join(", ", ENGINES) + ")");
        if (!ENGINES.contains(engine)) {
            throw new UsageException("unknown export engine '" + engine + "': choose " + String.join(", ", ENGINES));
        }
        if (out != null && !engine.equals("systemd")) {
            throw new UsageException("--out is for the systemd export; the " + engine + " export writes to stdout");
        }
        if (schedule != null && !beat) {
            throw new UsageException("--schedule is beat's: give --beat too");
        }
        List<ExportedNode> nodes = nodes(parsed, 1).stream().map(ExportedNode::of).toList();
        Integer timeout = stopTimeout(parsed);
        List<String> beatArgv = beat ? BeatExport.argv(parsed.options(), host(),
                schedule == null ? BeatExport.DEFAULT_SCHEDULE : schedule) : null;
        if (engine.equals("supervisord")) {
            String file = SupervisordExport.file(nodes, timeout, beatArgv);
            if (output.json) {
                output.json(Map.of("supervisord.conf", file));
            } else {
                output.out.print(file);
            }
            return 0;
        }
        Map<String, String> files = SystemdExport.files(nodes, timeout, beatArgv);
        String dir = out == null ? DEFAULT_OUT : out;
        List<String> written = write(Path.of(dir), files);
        List<String> commands = SystemdExport.installCommands(dir);
        if (output.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("files", written);
            m.put("commands", commands);
            output.json(m);
        } else if (!output.quiet) {
            written.forEach(f -> output.out.println("wrote " + f));
            output.out.println("install: " + commands.get(0));
            output.out.println("start:   " + commands.get(1));
        }
        return 0;
    }

    /** multi's --timeout in whole seconds (rounded up), or null when not given. */
    private static Integer stopTimeout(ParsedArgs parsed) {
        String value = parsed.multiOptions().get("--timeout");
        if (value == null) {
            return null;
        }
        java.time.Duration d = Seconds.parse("--timeout", value);
        long s = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, s));
    }

    /** Each file through a temporary sibling and a rename: a reader never sees half a unit. */
    private static List<String> write(Path dir, Map<String, String> files) {
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path file = dir.resolve(e.getKey());
            try {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
                Files.writeString(tmp, e.getValue());
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException ex) {
                throw new DroverException(ExitCode.CANT_CREATE, "cannot write " + file + ": " + ex.getMessage());
            }
            written.add(file.toString());
        }
        return written;
    }
}
