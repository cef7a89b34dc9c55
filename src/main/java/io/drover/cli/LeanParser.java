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

    private record Target(Object owner, Field field, Option option) {
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
        Declared declared = declared(command);
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
                String dflt = t.option.defaultValue();
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
                    for (String name : t.option.names()) {
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
                lines.add((t.flag() ? "-" : "=") + " " + String.join(" ", t.option.names()));
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
                Target t = new Target(owner, f, option);
                options.add(t);
                // usage and version help go to picocli: leaving them out sends them there
                if (!option.usageHelp() && !option.versionHelp()) {
                    for (String name : option.names()) {
                        byName.put(name, t);
                    }
                }
            } else if (f.getAnnotation(Parameters.class) != null) {
                positional[0] = new Target(owner, f, null);
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

    private static void set(Target t, String value) throws IllegalAccessException {
        Class<?> type = t.field.getType();
        if (t.list()) {
            @SuppressWarnings("unchecked")
            List<String> target = (List<String>) t.field.get(t.owner);
            String split = t.option.split();
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
