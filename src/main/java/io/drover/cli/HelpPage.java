package io.drover.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A command's help as drover prints it: usage, description, options, subcommands, examples,
 * environment and exit codes, wrapped to the terminal's width at blanks only. picocli's own
 * layout breaks words where a line-break iterator allows ({@code %} then {@code n-templated},
 * {@code SECON} then {@code DS}), which no copied example survives; so drover renders the page
 * from picocli's model itself.
 */
final class HelpPage {
    private HelpPage() {}

    private static final String SECTION = "drover.page";

    /** Makes {@code cmd} and its subcommands print {@link #render} as their usage help. */
    static void install(CommandLine cmd) {
        cmd.setHelpSectionKeys(List.of(SECTION));
        cmd.getHelpSectionMap().put(SECTION, help -> render(help.commandSpec(), Terminal.width()));
        for (CommandLine sub : cmd.getSubcommands().values()) {
            install(sub);
        }
    }

    static String render(CommandSpec spec, int width) {
        List<String> out = new ArrayList<>();
        out.addAll(Wrap.fillSynopsis(Manual.synopsis(spec), width));
        out.add("");
        for (String paragraph : Manual.description(spec)) {
            for (String line : paragraph.split("\n", -1)) {
                if (line.isBlank()) {
                    out.add("");
                } else {
                    out.addAll(Wrap.paragraph(line, "", "", width));
                }
            }
        }
        section(out, "Arguments:", Wrap.table(arguments(spec), width));
        section(out, "Options:", Wrap.table(options(spec), width));
        section(out, "Commands:", Wrap.table(commands(spec), width));
        section(out, "Examples:", examples(spec, width));
        section(out, "Environment:", Wrap.table(environment(spec), width));
        section(out, "Exit codes:", Wrap.table(exits(spec), width));
        StringBuilder text = new StringBuilder();
        for (String line : out) {
            text.append(line.stripTrailing()).append(System.lineSeparator());
        }
        return text.toString();
    }

    private static void section(List<String> out, String heading, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        if (!out.get(out.size() - 1).isEmpty()) {
            out.add("");
        }
        out.add(heading);
        out.addAll(lines);
    }

    static List<Wrap.Row> arguments(CommandSpec spec) {
        List<Wrap.Row> rows = new ArrayList<>();
        if (spec.userObject() instanceof MultiLeaf) {
            return rows; // the synopsis and the description say what multi's arguments are
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden() && p.description().length > 0) {
                rows.add(new Wrap.Row(p.paramLabel() + (p.isMultiValue() ? "..." : ""),
                        String.join(" ", p.description())));
            }
        }
        return rows;
    }

    /** Options as picocli sorts them: by their shortest name, help options last. */
    static List<OptionSpec> sortedOptions(CommandSpec spec) {
        return spec.options().stream()
                .filter(o -> !o.hidden())
                .sorted(Comparator.comparing((OptionSpec o) -> o.usageHelp() || o.versionHelp())
                        .thenComparing(o -> shortest(o).replaceFirst("^-+", "").toLowerCase()))
                .toList();
    }

    static String shortest(OptionSpec o) {
        return Arrays.stream(o.names()).min(Comparator.comparingInt(String::length)).orElseThrow();
    }

    /** {@code -A, --app=CLASS}; a long-only option is indented as if it had a short name. */
    static String term(OptionSpec o) {
        List<String> names = Arrays.stream(o.names()).sorted(Comparator.comparingInt(String::length)).toList();
        String joined = String.join(", ", names);
        if (names.get(0).startsWith("--")) {
            joined = "    " + joined;
        }
        return o.arity().max() == 0 ? joined : joined + "=" + o.paramLabel();
    }

    static List<Wrap.Row> options(CommandSpec spec) {
        List<Wrap.Row> rows = new ArrayList<>();
        for (OptionSpec o : sortedOptions(spec)) {
            rows.add(new Wrap.Row(term(o), description(o)));
        }
        return rows;
    }

    /** An option's description: picocli has formatted it and put in its default value already. */
    static String description(OptionSpec o) {
        return String.join(" ", o.description());
    }

    static List<Wrap.Row> commands(CommandSpec spec) {
        List<Wrap.Row> rows = new ArrayList<>();
        for (Map.Entry<String, CommandLine> sub : spec.subcommands().entrySet()) {
            rows.add(new Wrap.Row(sub.getKey(), Manual.summary(sub.getValue().getCommandSpec())));
        }
        return rows;
    }

    static List<String> examples(CommandSpec spec, int width) {
        List<String> lines = new ArrayList<>();
        for (String example : Manual.examples(spec)) {
            if (example.isBlank()) {
                lines.add("");
            } else if (example.startsWith("#")) {
                lines.addAll(Wrap.paragraph(example.substring(1), "  # ", "  # ", width));
            } else {
                lines.addAll(Wrap.command(example, "  ", width));
            }
        }
        return lines;
    }

    static List<Wrap.Row> environment(CommandSpec spec) {
        return Manual.environment(spec).entrySet().stream().map(e -> new Wrap.Row(e.getKey(), e.getValue())).toList();
    }

    static List<Wrap.Row> exits(CommandSpec spec) {
        return Manual.exitMeanings(spec).entrySet().stream()
                .map(e -> new Wrap.Row(Integer.toString(e.getKey()), e.getValue())).toList();
    }
}
