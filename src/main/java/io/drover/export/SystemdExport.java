package io.drover.export;

import io.drover.core.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
            String drop = dropIn("node " + node.nodename(), "drover worker node " + node.nodename(),
                    node.argv(), stopTimeout, SHOWN,
                    sandbox(nodeDirectories(List.of(node)), dropsPrivileges(List.of(node)), node.argv()));
            files.put(unit + ".d/" + DROP_IN, withEnvFile(ordered(drop, ExportRules.after(node, nodes)), node));
        }
        if (beat != null) {
            for (String arg : beat) {
                if (arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0) {
                    throw new UsageException("beat: an argument holds a line break, which systemd cannot pass on");
                }
            }
            putBeat(files, beat);
            wants.add("droverbeat.service");
        }
        files.put(TARGET, target(wants));
        return files;
    }

    private static void putBeat(Map<String, String> files, List<String> beat) {
        files.put("droverbeat.service", shipped("droverbeat.service"));
        files.put("droverbeat.service.d/" + DROP_IN, dropIn("beat", "drover beat periodic scheduler", beat, null, SHOWN,
                sandbox(beatDirectories(beat),
                        beat.stream().anyMatch(a -> a.startsWith("--uid=") || a.startsWith("--gid=")), beat)));
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
     * @param nodes the nodes supervise runs, as the caller expands them: their directories are
     *     the unit's writable ones
     * @param stopTimeout supervise's --timeout in seconds, or null: TimeoutStopSec is given a
     *     margin over it, so supervise kills its late nodes itself and names them
     */
    public static Map<String, String> supervisedFiles(List<String> superviseArgv, List<ExportedNode> nodes,
                                                      Integer stopTimeout, List<String> beat) {
        for (String arg : superviseArgv) {
            if (arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0) {
                throw new UsageException("systemd: an argument holds a line break, which systemd cannot pass on");
            }
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put(SUPERVISED, shipped(SUPERVISED));
        files.put(SUPERVISED + ".d/" + DROP_IN, dropIn("the nodes under one multi supervise",
                "drover worker nodes, supervised (drover multi supervise)", superviseArgv,
                stopTimeout == null ? null : stopTimeout + STOP_MARGIN, SUPERVISING,
                sandbox(nodeDirectories(nodes), dropsPrivileges(nodes), superviseArgv)));
        List<String> wants = new ArrayList<>(List.of(SUPERVISED));
        if (beat != null) {
            putBeat(files, beat);
            wants.add("droverbeat.service");
        }
        files.put(TARGET, target(wants));
        return files;
    }

    /** Seconds systemd waits beyond supervise's own --timeout before it kills what is left. */
    static final int STOP_MARGIN = 30;

    /** The user the template runs every node as ({@code User=}, {@code Group=} of drover@.service). */
    public static final String USER = "drover";
    /** Where the export's directories are declared, beside the shipped drover.tmpfiles (drover.conf). */
    static final String TMPFILES = "/etc/tmpfiles.d/drover-export.conf";
    /** The template's {@code WorkingDirectory=}, beat's default schedule's home: the user's alone. */
    public static final String HOME = "/var/lib/drover";

    /**
     * The commands, in order, that make what the units need and install and start what
     * {@link #files} wrote into {@code dir}: the {@link #USER} (unless it exists), its
     * directories as extra/systemd/drover.tmpfiles makes them (its home 0750; the nodes' pid and
     * log directories 0755, where each node, as that user, creates its files), declared to
     * systemd-tmpfiles so that they are there after a reboot too, then the copy and the start.
     *
     * @param nodes the exported nodes, whose pidfiles' and logfiles' directories are made
     * @param schedule beat's schedule file, or null without beat
     */
    public static List<String> installCommands(String dir, List<ExportedNode> nodes, String schedule) {
        Set<String> open = new LinkedHashSet<>();
        for (ExportedNode node : nodes) {
            open.add(parent(node.spec().mainPidfile()));
            open.add(parent(node.spec().mainLogfile()));
        }
        Set<String> own = new LinkedHashSet<>(List.of(HOME));
        if (schedule != null) {
            own.add(parent(schedule));
        }
        open.removeAll(own);
        open.remove(null);
        // systemd-tmpfiles, not install -d: /run is emptied at every boot, and tmpfiles makes
        // /run/drover again then (as extra/systemd/drover.tmpfiles does for the shipped units)
        List<String> lines = new ArrayList<>();
        own.forEach(d -> lines.add("d " + tmpfilesPath(d) + " 0750 " + USER + " " + USER + " -"));
        open.forEach(d -> lines.add("d " + tmpfilesPath(d) + " 0755 " + USER + " " + USER + " -"));
        List<String> printf = new ArrayList<>(List.of("printf", "%s\\n"));
        printf.addAll(lines);
        String dirs = io.drover.core.ShellWords.join(printf) + " > " + TMPFILES + " && systemd-tmpfiles --create " + TMPFILES;
        return List.of("id -u " + USER + " >/dev/null 2>&1 || useradd --system --home-dir " + HOME
                        + " --shell /usr/sbin/nologin " + USER,
                dirs,
                "cp -R " + io.drover.core.ShellWords.join(List.of(dir + "/.")) + " /etc/systemd/system/"
                        + " && systemctl daemon-reload",
                "systemctl enable --now " + TARGET);
    }

    /**
     * A path as tmpfiles.d(5) reads it: {@code %} is its specifier, so doubled; a blank would
     * end the field, so such a path is quoted, with C escapes for the quote and the backslash.
     */
    static String tmpfilesPath(String path) {
        String p = path.replace("%", "%%");
        if (p.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\\' || c == '\'')) {
            return p;
        }
        return '"' + p.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String parent(String file) {
        java.nio.file.Path parent = java.nio.file.Path.of(file).toAbsolutePath().normalize().getParent();
        return parent == null ? null : parent.toString();
    }

    private static final String SHOWN = "# The command is the one `drover multi show` prints, in the foreground (no --detach):\n"
            + "# systemd is the node's parent. % and $ are doubled: they are drover's, not systemd's.\n";
    private static final String SUPERVISING = "# The command is `drover multi supervise` with the nodes and options given to export:\n"
            + "# it expands them as the unit's user, starts them and keeps them running, their parent.\n"
            + "# % and $ are doubled: they are drover's, not systemd's.\n";

    private static String dropIn(String what, String description, List<String> argv, Integer stopTimeout, String origin,
                                 String sandbox) {
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
        s.append(sandbox);
        return s.toString();
    }

    /**
     * The directories a node writes or works in, by the options it was exported with: its
     * pidfile's and logfile's (the export expanded their templates for the node's main process,
     * so what is left of a {@code %} is a literal one) and its {@code --workdir}.
     */
    private static List<String> nodeDirectories(List<ExportedNode> nodes) {
        List<String> dirs = new ArrayList<>();
        for (ExportedNode node : nodes) {
            dirs.add(parent(node.spec().mainPidfile()));
            dirs.add(parent(node.spec().mainLogfile()));
            String workdir = io.drover.multi.OptionTable.Read.WORKDIR.in(node.spec().options());
            if (workdir != null) {
                dirs.add(java.nio.file.Path.of(workdir).toAbsolutePath().normalize().toString());
            }
        }
        return dirs;
    }

    /**
     * beat's directories, from its command line: its pidfile's, logfile's and schedule's, and its
     * {@code --workdir}. beat expands {@code %I} itself when it starts, so a directory name that
     * holds a {@code %} gives its nearest parent without one.
     */
    static List<String> beatDirectories(List<String> beat) {
        List<String> dirs = new ArrayList<>();
        for (String arg : beat.subList(Math.max(0, beat.indexOf("beat")), beat.size())) {
            for (String option : List.of("--pidfile=", "--logfile=", "--schedule=")) {
                if (arg.startsWith(option)) {
                    java.nio.file.Path dir = java.nio.file.Path.of(arg.substring(option.length())).toAbsolutePath()
                            .normalize().getParent();
                    while (dir != null && dir.toString().contains("%")) {
                        dir = dir.getParent();
                    }
                    dirs.add(dir == null ? null : dir.toString());
                }
            }
            if (arg.startsWith("--workdir=")) {
                dirs.add(java.nio.file.Path.of(arg.substring("--workdir=".length())).toAbsolutePath().normalize().toString());
            }
        }
        return dirs;
    }

    /** Nodes that switch to --uid/--gid themselves call setresuid and setgroups, which @privileged holds. */
    private static boolean dropsPrivileges(List<ExportedNode> nodes) {
        return nodes.stream().anyMatch(n -> io.drover.multi.OptionTable.Read.UID.in(n.spec().options()) != null
                || io.drover.multi.OptionTable.Read.GID.in(n.spec().options()) != null);
    }

    /** Where a user's files live, which the template's ProtectHome=yes hides. */
    private static final List<String> HOMES = List.of("/home", "/root", "/run/user");

    /**
     * The drop-in's part of the sandbox: the template's ReadWritePaths= (drover.conf's
     * directories) replaced by these directories and {@link #HOME}, the working directory and
     * the drover user's registry. Each must exist when the unit starts (the printed tmpfiles
     * line makes them): systemd fails the unit then, naming the directory, rather than the node
     * later with "Read-only file system".
     *
     * @param argv the command: java, drover's jars and the application's, which ProtectHome=yes
     *     would hide if they were in a home
     */
    static String sandbox(List<String> directories, boolean dropsPrivileges, List<String> argv) {
        Set<String> dirs = new LinkedHashSet<>(List.of(HOME));
        for (String dir : directories) {
            if (dir != null) {
                dirs.add(dir);
            }
        }
        StringBuilder s = new StringBuilder();
        s.append("# ProtectSystem=strict (the template): writable are only the drover user's home and the\n");
        s.append("# directories of the node's own files\n");
        s.append("ReadWritePaths=\n");
        s.append("ReadWritePaths=").append(String.join(" ", dirs.stream().map(SystemdExport::tmpfilesPath).toList()))
                .append('\n');
        if (dirs.stream().anyMatch(d -> HOMES.stream().anyMatch(h -> d.equals(h) || d.startsWith(h + "/")))
                || argv.stream().anyMatch(a -> HOMES.stream().anyMatch(h -> a.contains(h + "/")))) {
            s.append("# the node's files or its command are in a home, which ProtectHome=yes would hide: read-only instead\n");
            s.append("ProtectHome=read-only\n");
        }
        if (dropsPrivileges) {
            s.append("# the node switches to --uid/--gid itself (setresuid, setgroups): @privileged is not denied\n");
            s.append("SystemCallFilter=\n");
            s.append("SystemCallFilter=@system-service\n");
            s.append("SystemCallFilter=~@resources\n");
        }
        return s.toString();
    }

    /**
     * {@code --after}: After= and Wants= on each dependency's unit, in [Unit]. The unit is
     * Type=notify, so After= holds the start until the dependency said READY=1, and systemd
     * stops in the reverse order; Wants= (not Requires=) starts the dependency with the node,
     * but does not stop or fail the node with it, as drover's own start does not.
     */
    private static String ordered(String dropIn, List<ExportedNode> after) {
        if (after.isEmpty()) {
            return dropIn;
        }
        StringBuilder units = new StringBuilder();
        after.forEach(d -> units.append(units.length() == 0 ? "" : " ").append("drover@").append(d.name()).append(".service"));
        String lines = "# --after: started once these are ready, stopped before them\n"
                + "After=" + units + "\nWants=" + units + "\n";
        int at = dropIn.indexOf("PartOf=");
        return dropIn.substring(0, at) + lines + dropIn.substring(at);
    }

    /**
     * {@code --env-file}: systemd reads the same syntax itself ({@code EnvironmentFile=}, the
     * optional {@code -PATH} too), as root, at each start; the node in the foreground does not
     * read it.
     */
    private static String withEnvFile(String dropIn, ExportedNode node) {
        String envFile = io.drover.multi.OptionTable.Read.ENV_FILE.in(node.spec().options());
        if (envFile == null) {
            return dropIn;
        }
        String reset = "EnvironmentFile=\n";
        int at = dropIn.indexOf(reset) + reset.length();
        return dropIn.substring(0, at) + "EnvironmentFile=" + escapeValue(envFile) + "\n" + dropIn.substring(at);
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
