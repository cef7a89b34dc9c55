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
 * Fills a node command ({@code worker}, {@code beat}) from its arguments by reading the same
 * picocli annotations picocli reads, without loading picocli itself: a node starts ~100 ms
 * sooner (picocli is compiled for Java 5, so it is verified the slow way and cannot be
 * class-data shared). It handles the plain forms a spawner writes ({@code --name=value},
 * {@code --name value}, {@code -x value}, flags, {@code --}); anything else (help, an unknown
 * option, a value that does not convert, an option given twice) returns false and picocli
 * parses the arguments instead, with its own messages. A test checks both parsers agree.
 */
final class LeanParser {
    private LeanParser() {}

    /** What picocli's {@code @Option.defaultValue()} holds when none is given. */
    private static final String NO_DEFAULT = "__no_default_value__";

    private record Target(Object owner, Field field, Option option) {}

    /** Fills {@code command}; false if the arguments need picocli. */
    static boolean fill(Object command, List<String> args) {
        Map<String, Target> byName = new HashMap<>();
        List<Target> options = new ArrayList<>();
        Target[] positional = new Target[1];
        try {
            collect(command, byName, options, positional);
            Set<Field> seen = new HashSet<>();
            List<String> positionals = new ArrayList<>();
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
                String name = eq < 0 ? token : token.substring(0, eq);
                Target t = byName.get(name);
                if (t == null) {
                    return false; // unknown, clustered (-c2), help, version: picocli's job
                }
                boolean flag = t.field.getType() == boolean.class;
                String value;
                if (flag) {
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
                boolean list = List.class.isAssignableFrom(t.field.getType());
                if (!seen.add(t.field) && !list) {
                    return false;
                }
                set(t, value, list);
            }
            for (Target t : options) {
                String dflt = t.option.defaultValue();
                if (!seen.contains(t.field) && !dflt.equals(NO_DEFAULT) && !dflt.equals(Option.NULL_VALUE)) {
                    set(t, t.option.defaultValue(), List.class.isAssignableFrom(t.field.getType()));
                }
            }
            if (!positionals.isEmpty()) {
                if (positional[0] == null) {
                    return false;
                }
                @SuppressWarnings("unchecked")
                List<String> target = (List<String>) positional[0].field.get(positional[0].owner);
                target.addAll(positionals);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static void collect(Object owner, Map<String, Target> byName, List<Target> options, Target[] positional)
            throws ReflectiveOperationException {
        for (Field f : owner.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Option option = f.getAnnotation(Option.class);
            if (option != null) {
                Target t = new Target(owner, f, option);
                options.add(t);
                for (String name : option.names()) {
                    byName.put(name, t);
                }
                // usage and version help go to picocli: leaving them out sends them there
                if (option.usageHelp() || option.versionHelp()) {
                    for (String name : option.names()) {
                        byName.remove(name);
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

    private static void set(Target t, String value, boolean list) throws IllegalAccessException {
        Class<?> type = t.field.getType();
        Object converted;
        if (list) {
            @SuppressWarnings("unchecked")
            List<String> target = (List<String>) t.field.get(t.owner);
            String split = t.option.split();
            target.addAll(split.isEmpty() ? List.of(value) : List.of(value.split(split)));
            return;
        } else if (type == String.class) {
            converted = value;
        } else if (type == Integer.class || type == int.class) {
            converted = Integer.valueOf(value);
        } else if (type == double.class || type == Double.class) {
            converted = Double.valueOf(value);
        } else if (type == boolean.class) {
            converted = Boolean.valueOf(value);
        } else {
            throw new IllegalArgumentException("no lean conversion to " + type);
        }
        t.field.set(t.owner, converted);
    }
}
