package io.drover.cli;

import io.drover.core.ExitCode;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command's help page and man page say besides what picocli's model holds: its exit
 * codes (from {@link ExitCode}, the one place they are defined) and the environment variables it
 * reads. A command's {@code footer} holds its examples only: lines starting with {@code #} are
 * comments, the others commands a test runs.
 */
final class Manual {
    private Manual() {}

    /** The exit codes a command returns, as names of {@link ExitCode} constants; none given: all. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Exits {
        String[] value();
    }

    /** The environment variables a command reads, as keys of {@link #ENVIRONMENT}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Environment {
        String[] value();
    }

    /** Every environment variable drover reads, and what for. */
    static final Map<String, String> ENVIRONMENT = environment(
            "JAVA_HOME", "the Java to run (default: java on the PATH); nodes run on the same Java unless"
                    + " --executable names another",
            "DROVER_JAVA_OPTS", "more JVM options for the drover command itself (a node's JVM takes --jvm-opts)",
            "DROVER_FAKEFORK", "1: --detach and multi start run each node in the foreground, its output on the"
                    + " terminal (multi start: one node after the other), to debug a node that does not start",
            "DROVER_FORCE_ROOT", "1: let an application (-A) run as root; the node logs a warning",
            "XDG_STATE_HOME", "for users other than root, the default pidfiles and logfiles are under"
                    + " $XDG_STATE_HOME/drover/ (run/%n.pid, log/%n%I.log); unset: ~/.local/state",
            "DROVER_STATE_DIR", "the node registry's directory (default: /var/lib/drover-registry for root,"
                    + " $XDG_STATE_HOME/drover for others); a nodename runs once among the nodes started from it",
            "NO_COLOR", "set and not empty: no colour (colour is only used on a terminal)",
            "COLUMNS", "the width help is wrapped to; unset: the terminal's, else 80",
            "NOTIFY_SOCKET", "set by systemd for a Type=notify unit: READY=1 once the node (every node, for"
                    + " supervise) is ready, STATUS=, RELOADING=1, STOPPING=1",
            "WATCHDOG_USEC", "set by systemd's WatchdogSec=: WATCHDOG=1 is sent at half that interval");

    private static Map<String, String> environment(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    static List<ExitCode.Code> exits(CommandSpec spec) {
        Exits exits = annotation(spec, Exits.class);
        if (exits == null) {
            return ExitCode.all();
        }
        List<ExitCode.Code> codes = new ArrayList<>();
        for (String name : exits.value()) {
            codes.add(ExitCode.named(name));
        }
        return codes;
    }

    /**
     * {@link #exits} as a page lists them: each code once, in the order first listed, with its
     * meanings joined ({@code 0  ok; status: every node runs}). A code listed twice with two
     * meanings read as two contradicting answers.
     */
    static Map<Integer, String> exitMeanings(CommandSpec spec) {
        Map<Integer, String> meanings = new LinkedHashMap<>();
        for (ExitCode.Code code : exits(spec)) {
            String meaning = (code.status() ? "status: " : "") + code.meaning();
            meanings.merge(code.value(), meaning, (a, b) -> a + "; " + b);
        }
        return meanings;
    }

    static Map<String, String> environment(CommandSpec spec) {
        Environment env = annotation(spec, Environment.class);
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : env == null ? new String[0] : env.value()) {
            String meaning = ENVIRONMENT.get(name);
            if (meaning == null) {
                throw new IllegalStateException(spec.qualifiedName() + ": no environment variable " + name
                        + " in Manual.ENVIRONMENT");
            }
            m.put(name, meaning);
        }
        return m;
    }

    /** The examples (the footer), format specifiers rendered. */
    static List<String> examples(CommandSpec spec) {
        List<String> lines = new ArrayList<>();
        for (String line : spec.usageMessage().footer()) {
            lines.add(format(line));
        }
        return lines;
    }

    /** The description's paragraphs, format specifiers rendered. */
    static List<String> description(CommandSpec spec) {
        List<String> lines = new ArrayList<>();
        for (String line : spec.usageMessage().description()) {
            lines.add(format(line));
        }
        return lines;
    }

    /** The one-line summary: the description's first paragraph. */
    static String summary(CommandSpec spec) {
        List<String> d = description(spec);
        return d.isEmpty() ? "" : d.get(0);
    }

    /** The synopsis: the command's own, else one made from its kind. */
    static String synopsis(CommandSpec spec) {
        String[] custom = spec.usageMessage().customSynopsis();
        if (custom.length > 0) {
            return format(String.join(" ", custom)).strip();
        }
        if (spec.userObject() instanceof MultiLeaf leaf) {
            return spec.qualifiedName() + " [NODES | COUNT]" + (leaf.acceptsSignal() ? " [-SIGNAL]" : "")
                    + " [OPTIONS...] [-- WORKER-ARGS...]";
        }
        return spec.qualifiedName() + (spec.options().isEmpty() ? "" : " [OPTIONS...]")
                + (spec.subcommands().isEmpty() ? "" : " COMMAND");
    }

    /** A picocli text: {@code %%} is {@code %}, {@code %n} a line break, as picocli renders it. */
    static String format(String text) {
        return String.format(text);
    }

    private static <A extends java.lang.annotation.Annotation> A annotation(CommandSpec spec, Class<A> type) {
        Object command = spec.userObject();
        return command == null ? null : command.getClass().getAnnotation(type);
    }
}
