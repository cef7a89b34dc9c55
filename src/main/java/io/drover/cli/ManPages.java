package io.drover.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Writes drover's man pages, one roff file per command, from the model the help is made of:
 * the build runs {@code ManPages DIR VERSION}. Every {@code -} is written {@code \-}, which man
 * prints as the ASCII hyphen-minus a shell needs, and examples are literal lines; a generic
 * AsciiDoc converter had turned {@code --} into an em dash and {@code '} into a curly quote.
 */
public final class ManPages {
    private ManPages() {}

    /** Where a wrapped example breaks in a man page: what fits 80 columns after man's indent. */
    static final int EXAMPLE_WIDTH = 70;

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> page : pages(args[1]).entrySet()) {
            Files.writeString(dir.resolve(page.getKey() + ".1"), page.getValue());
        }
    }

    /** Every page, by name ({@code drover-multi-start}). */
    static Map<String, String> pages(String version) {
        List<CommandSpec> specs = new ArrayList<>();
        collect(Main.commandLine(), specs);
        Map<String, String> pages = new LinkedHashMap<>();
        for (CommandSpec spec : specs) {
            pages.put(name(spec), page(spec, version, specs));
        }
        return pages;
    }

    private static void collect(CommandLine cmd, List<CommandSpec> into) {
        into.add(cmd.getCommandSpec());
        cmd.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    static String name(CommandSpec spec) {
        return spec.qualifiedName().replace(' ', '-');
    }

    static String page(CommandSpec spec, String version, List<CommandSpec> all) {
        StringBuilder r = new StringBuilder();
        String name = name(spec);
        r.append(".\\\" Made by io.drover.cli.ManPages from drover's command model: edit the commands, not this.\n");
        r.append(".TH \"").append(escape(name.toUpperCase())).append("\" \"1\" \"\" \"drover ")
                .append(escape(version)).append("\" \"Drover Manual\"\n");
        // no hyphenation, ragged right: a word (--executable, SECONDS) is never split in two
        r.append(".nh\n.ad l\n");
        r.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(Manual.summary(spec))).append('\n');
        r.append(".SH SYNOPSIS\n.nf\n").append(literal(Manual.synopsis(spec))).append(".fi\n");
        r.append(".SH DESCRIPTION\n");
        for (String paragraph : Manual.description(spec)) {
            for (String line : paragraph.split("\n")) {
                if (!line.isBlank()) {
                    r.append(".PP\n").append(escape(line)).append('\n');
                }
            }
        }
        List<OptionSpec> options = HelpPage.sortedOptions(spec);
        if (!options.isEmpty()) {
            r.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                r.append(".TP\n").append(optionTerm(o)).append('\n').append(escape(HelpPage.description(o))).append('\n');
            }
        }
        if (!spec.subcommands().isEmpty()) {
            r.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> sub : spec.subcommands().entrySet()) {
                CommandSpec s = sub.getValue().getCommandSpec();
                r.append(".TP\n\\fB").append(escape(sub.getKey())).append("\\fR\n").append(escape(Manual.summary(s)))
                        .append(" See \\fB").append(escape(name(s))).append("\\fR(1).\n");
            }
        }
        r.append(".SH EXAMPLES\n.nf\n.RS 4\n");
        for (String line : HelpPage.examples(spec, EXAMPLE_WIDTH + 2)) {
            r.append(line.isBlank() ? ".sp\n" : literal(line.substring(2)));
        }
        r.append(".RE\n.fi\n");
        r.append(".SH ENVIRONMENT\n");
        for (Map.Entry<String, String> e : Manual.environment(spec).entrySet()) {
            r.append(".TP\n\\fB").append(escape(e.getKey())).append("\\fR\n").append(escape(e.getValue())).append('\n');
        }
        r.append(".SH \"EXIT STATUS\"\n");
        for (Map.Entry<Integer, String> code : Manual.exitMeanings(spec).entrySet()) {
            r.append(".TP\n\\fB").append(code.getKey()).append("\\fR\n").append(escape(code.getValue())).append('\n');
        }
        r.append(".SH \"SEE ALSO\"\n").append(seeAlso(spec, all)).append('\n');
        return r.toString();
    }

    private static String optionTerm(OptionSpec o) {
        List<String> names = new ArrayList<>(List.of(o.names()));
        names.sort(java.util.Comparator.comparingInt(String::length));
        StringBuilder t = new StringBuilder();
        for (String n : names) {
            t.append(t.length() == 0 ? "" : ", ").append("\\fB").append(escape(n)).append("\\fR");
        }
        if (o.arity().max() > 0) {
            t.append("=\\fI").append(escape(o.paramLabel())).append("\\fR");
        }
        return t.toString();
    }

    /** The commands above this one, and those below it. */
    private static String seeAlso(CommandSpec spec, List<CommandSpec> all) {
        List<String> refs = new ArrayList<>();
        for (CommandSpec other : all) {
            boolean above = false;
            for (CommandSpec p = spec.parent(); p != null; p = p.parent()) {
                above |= p == other;
            }
            if (above || other.parent() == spec) {
                refs.add("\\fB" + escape(name(other)) + "\\fR(1)");
            }
        }
        return String.join(",\n", refs);
    }

    /** A line of text roff prints as it is: backslashes and hyphens escaped, no request at its start. */
    static String escape(String text) {
        String t = text.replace("\\", "\\e").replace("-", "\\-");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }

    /** A line of a literal (.nf) block. */
    private static String literal(String line) {
        return escape(line) + "\n";
    }
}
