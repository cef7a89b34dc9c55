package io.drover.cli;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Reads a command's picocli annotations without loading picocli itself, for the two paths
 * that skip it: filling a node command ({@code worker}, {@code beat}) from its arguments, so
 * a node starts ~100 ms sooner (picocli is compiled for Java 5, so it is verified the slow way
 * and cannot be class-data shared), and naming the options that take a value, which multi's
 * grammar gives the next token ({@link #valuedLongOptions}).
 *
 * <p>It fills the plain forms a spawner writes ({@code --name=value}, {@code --name value},
 * {@code -x value}, flags, {@code --}, plain decimal numbers). Anything else (help, version, an
 * unknown option, a clustered {@code -c2}, a value that is no plain number, an option given
 * twice, a flag with {@code =}) it leaves to picocli, which parses it with its own messages:
 * decided from the arguments before any field is set. A failure after that is a bug in this
 * class and shows as one ({@link IllegalStateException}), never as a quiet fall back. A test
 * checks both parsers agree.
 */
final class LeanParser {
    private LeanParser() {}

    /** What picocli's {@code @Option.defaultValue()} holds when none is given. */
    private static final String NO_DEFAULT = "__no_default_value__";

    /**
     * One option (or the positional parameter, {@code names} null) and the field it fills: what
     * its annotation says, read from the annotation or from the build's table of it.
     */
    private record Target(Object owner, Field field, List<String> names, String defaultValue, String split,
                          boolean help) {
        static Target of(Object owner, Field field, Option option) {
            return new Target(owner, field, List.of(option.names()), option.defaultValue(), option.split(),
                    option.usageHelp() || option.versionHelp());
        }

        boolean flag() {
            return field.getType() == boolean.class;
        }

        boolean list() {
            return field.getType() == List.class;
        }
    }

    private record Assignment(Target target, String value) {}

    /** A command's options and its positional parameter (null when it has none). */
    private record Declared(Map<String, Target> byName, List<Target> options, Target positional) {}

    /**
     * Fills {@code command} from {@code args}; false, with nothing set, when the arguments are
     * for picocli to parse.
     *
     * @throws IllegalStateException when the command declares what this parser cannot fill, or
     *     filling fails: a bug, not the user's input
     */
    static boolean fill(Object command, List<String> args) {
        Declared declared = tabled(command);
        if (declared == null) {
            declared = declared(command);
        }
        List<Assignment> assignments = new ArrayList<>();
        List<String> positionals = new ArrayList<>();
        if (!read(declared, args, assignments, positionals)) {
            return false;
        }
        try {
            Set<Field> given = new HashSet<>();
            for (Assignment a : assignments) {
                set(a.target, a.value);
                given.add(a.target.field);
            }
            for (Target t : declared.options) {
                String dflt = t.defaultValue;
                if (!given.contains(t.field) && !dflt.equals(NO_DEFAULT) && !dflt.equals(Option.NULL_VALUE)) {
                    if (!t.list() && !plain(t, dflt)) {
                        throw new IllegalStateException("default " + dflt + " of " + t.field + " is no plain value");
                    }
                    set(t, dflt);
                }
            }
            if (!positionals.isEmpty()) {
                @SuppressWarnings("unchecked")
                List<String> target = (List<String>) declared.positional.field.get(declared.positional.owner);
                target.addAll(positionals);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("filling " + command.getClass().getSimpleName() + ": " + e, e);
        }
        return true;
    }

    /**
     * The long names of the options of {@code commands} that take a value ({@code --uid}, not
     * {@code --detach}), read from the same annotations {@link #fill} reads.
     */
    static Set<String> valuedLongOptions(Object... commands) {
        Set<String> valued = new HashSet<>();
        for (Object command : commands) {
            for (Target t : declared(command).options) {
                if (!t.flag()) {
                    for (String name : t.names) {
                        if (name.startsWith("--")) {
                            valued.add(name);
                        }
                    }
                }
            }
        }
        return Set.copyOf(valued);
    }

    /**
     * Every option of the commands, one line each: its names, space-separated, after {@code =}
     * when it takes a value and {@code -} when it is a flag ({@code = -A --app}). An option both
     * commands declare alike is one line.
     */
    static Set<String> optionLines(Object... commands) {
        Set<String> lines = new java.util.TreeSet<>();
        for (Object command : commands) {
            for (Target t : declared(command).options) {
                lines.add((t.flag() ? "-" : "=") + " " + String.join(" ", t.names));
            }
        }
        return lines;
    }

    /**
     * Reads {@code args} into assignments and positionals; false when they are picocli's to
     * parse. Sets nothing.
     */
    private static boolean read(Declared declared, List<String> args, List<Assignment> assignments,
                                List<String> positionals) {
        Set<Field> seen = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String token = args.get(i);
            if (token.equals("--")) {
                positionals.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!token.startsWith("-") || token.equals("-")) {
                positionals.add(token);
                continue;
            }
            int eq = token.startsWith("--") ? token.indexOf('=') : -1;
            Target t = declared.byName.get(eq < 0 ? token : token.substring(0, eq));
            if (t == null) {
                return false; // unknown, clustered (-c2), help, version: picocli's job
            }
            String value;
            if (t.flag()) {
                if (eq >= 0) {
                    return false;
                }
                value = "true";
            } else if (eq >= 0) {
                value = token.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                return false;
            }
            if ((!seen.add(t.field) && !t.list()) || !plain(t, value)) {
                return false;
            }
            assignments.add(new Assignment(t, value));
        }
        return positionals.isEmpty() || declared.positional != null;
    }

    /**
     * Whether {@link #set} converts {@code value} for {@code t} as picocli would: the numbers
     * this parser converts itself are plain decimals ({@code 3}, {@code -1}, {@code 2.5}, at most
     * 9 digits, no sign but '-', no exponent or radix); picocli reads the others. No regular
     * expression: compiling one costs a node's start-up milliseconds.
     */
    private static boolean plain(Target t, String value) {
        Class<?> type = t.field.getType();
        boolean integer = type == Integer.class || type == int.class;
        if (!integer && type != Double.class && type != double.class) {
            return true;
        }
        int start = value.startsWith("-") ? 1 : 0;
        int digits = 0;
        boolean point = false;
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '.' && !integer && !point) {
                point = true;
            } else if (c >= '0' && c <= '9') {
                digits++;
            } else {
                return false;
            }
        }
        return digits > 0 && digits <= 9;
    }

    private static Declared declared(Object command) {
        Map<String, Target> byName = new HashMap<>();
        List<Target> options = new ArrayList<>();
        Target[] positional = new Target[1];
        try {
            collect(command, byName, options, positional);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("reading the options of " + command.getClass().getSimpleName() + ": " + e, e);
        }
        return new Declared(byName, options, positional[0]);
    }

    /** The types {@link #set} converts to. */
    private static final Set<Class<?>> TYPES = Set.of(String.class, Integer.class, int.class, Double.class,
            double.class, boolean.class, List.class);

    private static void collect(Object owner, Map<String, Target> byName, List<Target> options, Target[] positional)
            throws ReflectiveOperationException {
        for (Field f : owner.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Option option = f.getAnnotation(Option.class);
            if (option != null) {
                // picocli would read these differently from this parser: a bug to fix here first
                if (!TYPES.contains(f.getType()) || !option.arity().isEmpty()) {
                    throw new IllegalStateException("the lean parser cannot fill " + f + " (type " + f.getType()
                            + ", arity '" + option.arity() + "')");
                }
                add(Target.of(owner, f, option), byName, options);
            } else if (f.getAnnotation(Parameters.class) != null) {
                positional[0] = new Target(owner, f, null, null, null, false);
            } else if (f.getAnnotation(Mixin.class) != null) {
                Object mixin = f.get(owner);
                if (mixin == null) {
                    mixin = f.getType().getDeclaredConstructor().newInstance();
                    f.set(owner, mixin);
                }
                collect(mixin, byName, options, positional);
            }
        }
    }

    private static void add(Target t, Map<String, Target> byName, List<Target> options) {
        options.add(t);
        // usage and version help go to picocli: leaving them out sends them there
        if (!t.help) {
            for (String name : t.names) {
                byName.put(name, t);
            }
        }
    }

    /**
     * The build's table of the node commands' options ({@link NodeOptions#TABLE}): one line an
     * option or positional parameter, tab-separated: the command's class, the field's path from
     * the command (a mixin's field after the mixin's and a dot), {@code o} for an option,
     * {@code h} for a help option, {@code p} for the positional parameter, the default value, the
     * split, the names (space-separated). Reading the annotations instead costs a node ~30 ms of
     * its start: a proxy class spun for each annotation type, picocli's jar opened for them.
     */
    static List<String> tableLines(Object... commands) {
        List<String> lines = new ArrayList<>();
        for (Object command : commands) {
            Declared d = declared(command);
            Map<Object, String> paths = new java.util.IdentityHashMap<>();
            paths.put(command, "");
            try {
                for (Field f : command.getClass().getDeclaredFields()) {
                    if (f.getAnnotation(Mixin.class) != null) {
                        f.setAccessible(true);
                        paths.put(f.get(command), f.getName() + ".");
                    }
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            List<Target> all = new ArrayList<>(d.options);
            if (d.positional != null) {
                all.add(d.positional);
            }
            for (Target t : all) {
                String kind = t.names == null ? "p" : t.help ? "h" : "o";
                List<String> cells = List.of(command.getClass().getName(), paths.get(t.owner) + t.field.getName(), kind,
                        t.names == null ? "" : t.defaultValue, t.names == null ? "" : t.split,
                        t.names == null ? "" : String.join(" ", t.names));
                for (String cell : cells) {
                    if (cell.indexOf('\t') >= 0 || cell.indexOf('\n') >= 0) {
                        throw new IllegalStateException("the option table cannot hold " + cell + " of " + t.field);
                    }
                }
                lines.add(String.join("\t", cells));
            }
        }
        return lines;
    }

    /** The table's lines by command class, read once; empty when the build wrote none. */
    private static Map<String, List<String[]>> table;

    private static synchronized Map<String, List<String[]>> table() {
        if (table == null) {
            Map<String, List<String[]>> rows = new HashMap<>();
            for (String line : NodeOptions.table()) {
                String[] cells = line.split("\t", -1);
                rows.computeIfAbsent(cells[0], k -> new ArrayList<>()).add(cells);
            }
            table = rows;
        }
        return table;
    }

    /** {@code command}'s options from the build's table, or null when the table has not it. */
    private static Declared tabled(Object command) {
        List<String[]> rows = table().get(command.getClass().getName());
        if (rows == null) {
            return null;
        }
        Map<String, Target> byName = new HashMap<>();
        List<Target> options = new ArrayList<>();
        Target positional = null;
        Map<String, Object> mixins = new HashMap<>();
        try {
            for (String[] row : rows) {
                String path = row[1];
                int dot = path.indexOf('.');
                Object owner = dot < 0 ? command : mixin(command, path.substring(0, dot), mixins);
                Field f = owner.getClass().getDeclaredField(path.substring(dot + 1));
                f.setAccessible(true);
                if (row[2].equals("p")) {
                    positional = new Target(owner, f, null, null, null, false);
                } else {
                    if (!TYPES.contains(f.getType())) {
                        throw new IllegalStateException("the lean parser cannot fill " + f + " (type " + f.getType() + ")");
                    }
                    add(new Target(owner, f, List.of(row[5].split(" ")), row[3], row[4], row[2].equals("h")), byName, options);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("reading the option table of " + command.getClass().getSimpleName() + ": " + e, e);
        }
        return new Declared(byName, options, positional);
    }

    /** The mixin in {@code command}'s field {@code name}, made as picocli makes it when null. */
    private static Object mixin(Object command, String name, Map<String, Object> made) throws ReflectiveOperationException {
        Object mixin = made.get(name);
        if (mixin == null) {
            Field f = command.getClass().getDeclaredField(name);
            f.setAccessible(true);
            mixin = f.get(command);
            if (mixin == null) {
                mixin = f.getType().getDeclaredConstructor().newInstance();
                f.set(command, mixin);
            }
            made.put(name, mixin);
        }
        return mixin;
    }

    private static void set(Target t, String value) throws IllegalAccessException {
        Class<?> type = t.field.getType();
        if (t.list()) {
            @SuppressWarnings("unchecked")
            List<String> target = (List<String>) t.field.get(t.owner);
            String split = t.split;
            target.addAll(split.isEmpty() ? List.of(value) : List.of(value.split(split)));
            return;
        }
        Object converted;
        if (type == Integer.class || type == int.class) {
            converted = Integer.valueOf(value);
        } else if (type == Double.class || type == double.class) {
            converted = Double.valueOf(value);
        } else if (type == boolean.class) {
            converted = Boolean.valueOf(value);
        } else {
            converted = value;
        }
        t.field.set(t.owner, converted);
    }
}
