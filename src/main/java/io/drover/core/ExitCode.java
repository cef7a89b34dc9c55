package io.drover.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every exit status drover returns, in one place: sysexits(3) for the commands, LSB for
 * {@code status}. Scripts and init systems read these, so they never change meaning.
 *
 * <p>Each constant carries its {@link Means meaning}: the help, the man pages and the table in
 * docs/cli.md are made from these (see {@link #all()}), so a code added here is documented
 * everywhere or a test says where it is missing.
 */
public final class ExitCode {
    private ExitCode() {}

    /** The meaning of a code as a user reads it, one line; {@code status} marks an LSB status code. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Means {
        String value();

        boolean status() default false;
    }

    @Means("ok")
    public static final int OK = 0;
    /** A node failed: it did not start, a stop timed out, a signal could not be delivered. */
    @Means("a node failed: it did not start, a stop timed out, a signal could not be delivered;"
            + " get found no such node")
    public static final int NODE_FAILED = 1;
    /** EX_USAGE: the command line is wrong. */
    @Means("usage error: the message names the argument")
    public static final int USAGE = 64;
    /**
     * EX_DATAERR: a file drover keeps is damaged or cannot be trusted; not a bug in drover,
     * and nothing the command line can fix.
     */
    @Means("a node record is damaged, of another format, or in a file or directory someone else can write:"
            + " the message names it")
    public static final int DATA_ERROR = 65;
    /** EX_NOINPUT: a file the command was given does not exist. */
    @Means("a node's --env-file does not exist (--env-file=-PATH: may be missing)")
    public static final int NO_INPUT = 66;
    /** EX_NOUSER: a user or group named on the command line does not exist. */
    @Means("a user or group named with --uid or --gid does not exist, or a numeric --uid without a passwd"
            + " entry is given without --gid")
    public static final int NO_USER = 67;
    /** EX_UNAVAILABLE: a program drover needs (java) cannot be run, or a node's --wait-for dependency never answered. */
    @Means("java cannot be run (JAVA_HOME wrong, --executable missing), or a node's --wait-for dependency did not"
            + " answer within --wait-for-timeout")
    public static final int UNAVAILABLE = 69;
    /** EX_SOFTWARE: an internal error; a bug in drover or in the application. */
    @Means("internal error, a bug in drover: the stack trace is printed")
    public static final int SOFTWARE = 70;
    /** EX_CANTCREAT: a pidfile, logfile or directory cannot be created. */
    @Means("a pidfile, logfile, beat schedule or directory cannot be created, or given to the --uid user")
    public static final int CANT_CREATE = 73;
    /** EX_TEMPFAIL: a node did not answer in time. */
    @Means("a node did not report ready within --start-timeout (it is killed)")
    public static final int TEMPFAIL = 75;
    /** EX_NOPERM: refused for lack of permission (root policy, privilege drop). */
    @Means("permission: an application (-A) as root without --uid, a refused privilege drop, an unsafe pid or"
            + " log directory (one a user other than root, the caller and the node's user can write;"
            + " see docs/security.md)")
    public static final int NO_PERMISSION = 77;

    /** LSB status: every node runs. */
    @Means(value = "every node runs", status = true)
    public static final int STATUS_RUNNING = 0;
    /** LSB status: a node is dead but its pidfile exists. */
    @Means(value = "a node is dead but its pidfile is left (or names another process)", status = true)
    public static final int STATUS_DEAD_PIDFILE = 1;
    /** LSB status: not running. */
    @Means(value = "not running", status = true)
    public static final int STATUS_NOT_RUNNING = 3;

    /**
     * One exit code as documented.
     *
     * @param name the constant's name here ({@code USAGE})
     * @param status whether it is one of {@code status}'s LSB codes
     */
    public record Code(String name, int value, String meaning, boolean status) {}

    /** Every code: the commands' codes, then {@code status}'s, each in numeric order. */
    public static List<Code> all() {
        List<Code> codes = new ArrayList<>();
        for (Field f : ExitCode.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (f.getType() != int.class || !Modifier.isStatic(m) || !Modifier.isPublic(m)) {
                continue;
            }
            Means means = f.getAnnotation(Means.class);
            if (means == null) {
                throw new IllegalStateException("ExitCode." + f.getName() + " has no @Means: say what it means");
            }
            try {
                codes.add(new Code(f.getName(), f.getInt(null), means.value(), means.status()));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        codes.sort(Comparator.comparing(Code::status).thenComparing(Code::value));
        return codes;
    }

    /** The code named {@code name} ({@code "USAGE"}); fails for a name that is not here. */
    public static Code named(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no exit code ExitCode." + name));
    }
}
