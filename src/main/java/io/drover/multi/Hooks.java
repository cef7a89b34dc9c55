package io.drover.multi;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * supervise's hooks ({@code --on-failure}, {@code --on-restart}, {@code --on-give-up}): the
 * operator's shell commands, run as supervise's own user when a node fails, is restarted or is
 * given up. They come from supervise's command line only, never from a node's files or record:
 * a node's user must not be able to make supervise (maybe root) run anything.
 *
 * @param commands each kind's command, as given to {@code /bin/sh -c}; a kind not given has none
 * @param timeout how long a hook may run before its process group gets TERM (then KILL after {@link #KILL_AFTER})
 */
public record Hooks(Map<Kind, String> commands, Duration timeout) {
    /** How long a hook that got TERM at its deadline has before KILL. */
    public static final Duration KILL_AFTER = Duration.ofSeconds(5);
    /** The hook timeout when {@code --hook-timeout} is not given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** No hook at all. */
    public static final Hooks NONE = new Hooks(Map.of(), DEFAULT_TIMEOUT);

    public Hooks {
        commands = commands.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(commands));
    }

    /** What a hook is run for, with its option and the word {@code DROVER_EVENT} says. */
    public enum Kind {
        /** A node exited unasked, or a start of it failed. */
        FAILURE("on-failure", "failure"),
        /** supervise restarts a node: after a crash, a memory recycle, a hung kill. */
        RESTART("on-restart", "restart"),
        /** A node was given up after {@code --max-restarts}. */
        GIVE_UP("on-give-up", "give-up");

        private final String option;
        private final String event;

        Kind(String option, String event) {
            this.option = option;
            this.event = event;
        }

        /** Its option without dashes, the name supervise's lines give the hook: {@code on-failure}. */
        public String option() {
            return option;
        }

        /** {@code DROVER_EVENT}'s value. */
        public String event() {
            return event;
        }
    }

    /** Whether any hook is given. */
    public boolean any() {
        return !commands.isEmpty();
    }

    /** The command of {@code kind}, or null. */
    public String command(Kind kind) {
        return commands.get(kind);
    }
}
