package io.drover.export;

import io.drover.core.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code multi export systemd}: the files for /etc/systemd/system that run the nodes as
 * instances of drover@.service. Per node a drop-in, {@code drover@NAME.service.d/50-export.conf},
 * replaces the template's command with the node's own, exactly (each argument quoted for
 * systemd, its {@code %} and {@code $} escaped, so systemd's specifiers and variables never
 * touch drover's templates), and ties the unit to {@code drover.target}, which wants every
 * node. The template itself (and droverbeat.service with {@code --beat}) is written as
 * shipped, so the directory is complete. Pure: returns file names and contents.
 */
public final class SystemdExport {
    private SystemdExport() {}

    public static final String TARGET = "drover.target";
    public static final String DROP_IN = "50-export.conf";

    /**
     * @param stopTimeout seconds for TimeoutStopSec (multi's --timeout), or null to keep the template's
     * @param beat beat's foreground argv, or null for no beat unit
     * @return relative path to content, in the order to write them
     */
    public static Map<String, String> files(List<ExportedNode> nodes, Integer stopTimeout, List<String> beat) {
        ExportRules.requirePlainNames(nodes, "systemd", "a drover@.service instance");
        nodes.forEach(n -> ExportRules.requireOneLine(n, "systemd"));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("drover@.service", shipped("drover@.service"));
        List<String> wants = new ArrayList<>();
        for (ExportedNode node : nodes) {
            String unit = "drover@" + node.name() + ".service";
            wants.add(unit);
            files.put(unit + ".d/" + DROP_IN, dropIn("node " + node.nodename(), "drover worker node " + node.nodename(),
                    node.argv(), stopTimeout));
        }
        if (beat != null) {
            for (String arg : beat) {
                if (arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0) {
                    throw new UsageException("beat: an argument holds a line break, which systemd cannot pass on");
                }
            }
            files.put("droverbeat.service", shipped("droverbeat.service"));
            files.put("droverbeat.service.d/" + DROP_IN, dropIn("beat", "drover beat periodic scheduler", beat, null));
            wants.add("droverbeat.service");
        }
        files.put(TARGET, target(wants));
        return files;
    }

    /** The unit {@code export systemd --supervised} runs the whole cluster in. */
    public static final String SUPERVISED = "drover-supervise.service";

    /**
     * {@code export systemd --supervised}: one unit for the whole cluster,
     * drover-supervise.service as shipped ({@code Type=notify}: supervise says READY=1 once every
     * node is ready, and WATCHDOG=1), its drop-in running {@code superviseArgv}, the foreground
     * {@code drover multi supervise NODES OPTIONS}; beat's unit beside it with {@code --beat}.
     *
     * @param superviseArgv the supervise command line, java and all
     * @param stopTimeout supervise's --timeout in seconds, or null: TimeoutStopSec is given a
     *     margin over it, so supervise kills its late nodes itself and names them
     */
    public static Map<String, String> supervisedFiles(List<String> superviseArgv, Integer stopTimeout, List<String> beat) {
        for (String arg : superviseArgv) {
            if (arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0) {
                throw new UsageException("systemd: an argument holds a line break, which systemd cannot pass on");
            }
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put(SUPERVISED, shipped(SUPERVISED));
        files.put(SUPERVISED + ".d/" + DROP_IN, dropIn("the nodes under one multi supervise",
                "drover worker nodes, supervised (drover multi supervise)", superviseArgv,
                stopTimeout == null ? null : stopTimeout + STOP_MARGIN, SUPERVISING));
        List<String> wants = new ArrayList<>(List.of(SUPERVISED));
        if (beat != null) {
            files.put("droverbeat.service", shipped("droverbeat.service"));
            files.put("droverbeat.service.d/" + DROP_IN, dropIn("beat", "drover beat periodic scheduler", beat, null));
            wants.add("droverbeat.service");
        }
        files.put(TARGET, target(wants));
        return files;
    }

    /** Seconds systemd waits beyond supervise's own --timeout before it kills what is left. */
    static final int STOP_MARGIN = 30;

    /** The two commands that install and start what {@link #files} wrote into {@code dir}. */
    public static List<String> installCommands(String dir) {
        return List.of("cp -R " + io.drover.core.ShellWords.join(List.of(dir + "/.")) + " /etc/systemd/system/"
                        + " && systemctl daemon-reload",
                "systemctl enable --now " + TARGET);
    }

    private static final String SHOWN = "# The command is the one `drover multi show` prints, in the foreground (no --detach):\n"
            + "# systemd is the node's parent. % and $ are doubled: they are drover's, not systemd's.\n";
    private static final String SUPERVISING = "# The command is `drover multi supervise` with the nodes and options given to export:\n"
            + "# it expands them as the unit's user, starts them and keeps them running, their parent.\n"
            + "# % and $ are doubled: they are drover's, not systemd's.\n";

    private static String dropIn(String what, String description, List<String> argv, Integer stopTimeout) {
        return dropIn(what, description, argv, stopTimeout, SHOWN);
    }

    private static String dropIn(String what, String description, List<String> argv, Integer stopTimeout, String origin) {
        StringBuilder s = new StringBuilder();
        s.append("# Written by `drover multi export systemd` for ").append(comment(what)).append(".\n");
        s.append(origin);
        s.append("[Unit]\n");
        s.append("Description=").append(escapeValue(description)).append('\n');
        s.append("PartOf=").append(TARGET).append('\n');
        s.append('\n');
        s.append("[Service]\n");
        s.append("# everything the node needs is below: drover.conf is not read\n");
        s.append("EnvironmentFile=\n");
        s.append("ExecStart=\n");
        s.append("ExecStart=").append(commandLine(argv)).append('\n');
        if (stopTimeout != null) {
            s.append("# multi's --timeout: how long a warm shutdown may take before SIGKILL\n");
            s.append("TimeoutStopSec=").append(stopTimeout).append('\n');
        }
        return s.toString();
    }

    private static String target(List<String> wants) {
        StringBuilder s = new StringBuilder();
        s.append("# Written by `drover multi export systemd`: starting it starts every exported node, and\n");
        s.append("# stopping it stops them (their drop-ins say PartOf=drover.target).\n");
        s.append("[Unit]\n");
        s.append("Description=drover worker nodes\n");
        s.append("Wants=").append(String.join(" ", wants)).append('\n');
        s.append('\n');
        s.append("[Install]\n");
        s.append("WantedBy=multi-user.target\n");
        return s.toString();
    }

    /** An argv as an ExecStart= value: every word double-quoted with systemd's escapes. */
    static String commandLine(List<String> argv) {
        StringBuilder s = new StringBuilder();
        for (String arg : argv) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append('"').append(escapeWord(arg)).append('"');
        }
        return s.toString();
    }

    /**
     * One word inside double quotes (systemd.service(5), "Command lines"): backslash and quote
     * backslashed, control characters as \xNN, {@code %} as {@code %%} (specifiers) and
     * {@code $} as {@code $$} (environment variables).
     */
    static String escapeWord(String arg) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '"' -> s.append("\\\"");
                case '%' -> s.append("%%");
                case '$' -> s.append("$$");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        s.append(String.format("\\x%02x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.toString();
    }

    /** A value of a setting that expands specifiers (Description=). */
    private static String escapeValue(String value) {
        return value.replace("%", "%%");
    }

    private static String comment(String text) {
        return text.replace('\n', ' ');
    }

    /** The unit as the distribution ships it (extra/systemd), bundled by the build. */
    static String shipped(String name) {
        try (InputStream in = SystemdExport.class.getResourceAsStream("systemd/" + name)) {
            if (in == null) {
                throw new IllegalStateException("extra/systemd/" + name + " is missing from drover's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
