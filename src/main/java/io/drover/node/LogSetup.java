package io.drover.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.LogfileRefusal;
import io.drover.core.Host;
import io.drover.core.OsErrors;
import io.drover.core.UsageException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures logback for a node from {@code --logfile}, {@code --loglevel} and the
 * {@link LogOptions}, in celery's line format or JSON, and captures what the application writes
 * to {@code System.out} and {@code System.err} into it ({@link LineCapture}). A user's own
 * configuration ({@code -Dlogback.configurationFile}) wins untouched, and then {@code System.out}
 * and {@code System.err} are left as they are.
 */
final class LogSetup {
    private LogSetup() {}

    static final String PATTERN = "[%d{\"yyyy-MM-dd HH:mm:ss,SSS\"}: %level/%thread] %logger{0}: %msg%n";

    /** Maps celery's level names (WARNING, CRITICAL, FATAL) and logback's to a logback level. */
    static Level level(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "TRACE" -> Level.TRACE;
            case "DEBUG" -> Level.DEBUG;
            case "INFO" -> Level.INFO;
            case "WARN", "WARNING" -> Level.WARN;
            case "ERROR", "CRITICAL", "FATAL" -> Level.ERROR;
            default -> throw new UsageException("unknown log level '" + name
                    + "' (DEBUG, INFO, WARNING, ERROR, CRITICAL)");
        };
    }

    /**
     * @param logfile the expanded path, or null for stderr
     * @param onStdout whether this process's stdout already is {@code logfile}: a node its
     *     spawner started, which opened the logfile for it (or which pointed its own stdout at it
     *     after dropping privileges), so the node does not look the path up again
     * @param options the line format and the rotation
     * @param nodename the node's full name, for the JSON lines
     * @throws DroverException exit 73 if the logfile cannot be opened, 77 if root may not rotate it
     */
    static Logger configure(String logfile, Level level, boolean onStdout, LogOptions options, String nodename) {
        Path path = logfile == null ? null : Path.of(logfile);
        if (options.rotates() && (path == null || INHERITED.containsKey(logfile))) {
            throw new UsageException("--log-max-size and --log-rotate need --logfile naming a file, got "
                    + (logfile == null ? "none (stderr)" : logfile));
        }
        if (options.rotates() && Host.isEffectiveRoot()) {
            String why = RollingLog.rootRefusal(path);
            if (why != null) {
                throw RollingLog.refused(path, why);
            }
        }
        Sized first = null;
        if (path != null) {
            first = onStdout ? Inherited.sized(FileDescriptor.out) : opened(path);
        }
        String unrotatable = options.rotates() ? RollingLog.notRotatable(path) : null;
        if (unrotatable != null) {
            if (!onStdout) {
                try {
                    first.stream().close();
                } catch (IOException e) {
                    // nothing written
                }
            }
            throw new UsageException(unrotatable);
        }
        if (System.getProperty("logback.configurationFile") != null) {
            if (first != null && !onStdout) {
                // the user's configuration writes where it says; this open only checked the file
                try {
                    first.stream().close();
                } catch (IOException e) {
                    // nothing written
                }
            }
            // and System.out stays what it was: the node's stdout, its logfile when spawned
            return LoggerFactory.getLogger("drover");
        }
        LoggerContext ctx = bindLogback();
        ctx.reset();
        Encoder<ILoggingEvent> encoder = options.json() ? new JsonLineEncoder(nodename) : new TextLineEncoder();
        encoder.setContext(ctx);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender;
        if (options.rotates()) {
            Supplier<Sized> reopen = onStdout
                    ? () -> {
                        RollingLog.pointOutputAt(path);
                        return Inherited.sized(FileDescriptor.out);
                    }
                    : () -> opened(path);
            // through a method typed by the superclass: assigning a RollingLog here would make
            // the verifier load it, and GZIPOutputStream with it, in every node
            appender = RollingLog.of(path, options, first, reopen);
        } else {
            // An appender on a descriptor opened here, not logback's FileAppender, which opens
            // its file by name and would follow a symbolic link planted there. Without a
            // logfile, the real descriptor 2, not System.err: that is captured below, and
            // logback's ConsoleAppender writing to it would log its own lines again.
            appender = new OutputStreamAppender<>();
            appender.setOutputStream(first != null ? first.stream() : new Inherited(FileDescriptor.err));
        }
        appender.setContext(ctx);
        appender.setName("node");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(appender);
        LineCapture.install();
        return LoggerFactory.getLogger("drover");
    }

    /** slf4j's property naming its provider, and the one for how much slf4j says about itself. */
    private static final String PROVIDER = "slf4j.provider";
    private static final String VERBOSITY = "slf4j.internal.verbosity";

    /**
     * Binds slf4j to logback through {@link NodeLogProvider}, which leaves out logback's
     * auto-configuration, unless the user set slf4j's provider or its verbosity, or asked logback
     * for its status listener: then slf4j and logback find their own way, as before. The
     * properties are set for the binding only (the application sees none of them); slf4j's
     * verbosity at WARN keeps out its line that it loads a provider by name, which would open
     * the log.
     */
    static LoggerContext bindLogback() {
        if (System.getProperty(PROVIDER) != null || System.getProperty(VERBOSITY) != null
                || System.getProperty("logback.statusListenerClass") != null) {
            return (LoggerContext) LoggerFactory.getILoggerFactory();
        }
        System.setProperty(PROVIDER, NodeLogProvider.class.getName());
        System.setProperty(VERBOSITY, "WARN");
        try {
            return (LoggerContext) LoggerFactory.getILoggerFactory();
        } finally {
            System.clearProperty(PROVIDER);
            System.clearProperty(VERBOSITY);
        }
    }

    /** A stream to the logfile and how many bytes the file held when it was opened. */
    record Sized(OutputStream stream, long size) {}

    private static Sized opened(Path path) {
        OutputStream out = open(path);
        return new Sized(out, RollingLog.sizeOf(path));
    }

    /**
     * Opens the logfile of a node run in the foreground (by hand, by systemd or supervisord) for
     * appending: never through a symbolic link, whatever {@code fs.protected_symlinks} says,
     * never a FIFO (which would block the open), and, as root, only root's own file with one
     * link: in a directory others may write, such as a sticky {@code /tmp}, a name can be
     * another user's link to a file of root's (docs/security.md, class 8).
     */
    static OutputStream open(Path logfile) {
        FileDescriptor inherited = INHERITED.get(logfile.toString());
        if (inherited != null) {
            // a container's or a unit's "log to stderr": the descriptor this process was given,
            // not a path through /proc/self/fd
            return new Inherited(inherited);
        }
        String wrong = kind(logfile);
        if (wrong == null) {
            try {
                OutputStream out = Files.newOutputStream(logfile, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        LinkOption.NOFOLLOW_LINKS);
                wrong = Host.isEffectiveRoot() ? notRoots(logfile) : null;
                if (wrong == null) {
                    return out;
                }
                out.close();
            } catch (IOException e) {
                String now = kind(logfile);
                wrong = now != null ? now : OsErrors.reason(e);
            }
        }
        throw new DroverException(ExitCode.CANT_CREATE, String.format(LogfileRefusal.MESSAGE, logfile, wrong));
    }

    /** The names of this process's own stdout and stderr, which are symbolic links into /proc. */
    private static final Map<String, FileDescriptor> INHERITED = Map.of(
            "/dev/stdout", FileDescriptor.out, "/dev/fd/1", FileDescriptor.out, "/proc/self/fd/1", FileDescriptor.out,
            "/dev/stderr", FileDescriptor.err, "/dev/fd/2", FileDescriptor.err, "/proc/self/fd/2", FileDescriptor.err);

    /**
     * This process's stdout or stderr for logback, which closes its stream when an application
     * resets logging: closing descriptor 1 would hand that number to the next file opened, and
     * {@code System.out} would write into it.
     */
    private static final class Inherited extends OutputStream {
        private final FileOutputStream out;

        Inherited(FileDescriptor fd) {
            out = new FileOutputStream(fd);
        }

        /** The descriptor and the size of the file it is ({@code fstat}; 0 for a pipe or a terminal). */
        static Sized sized(FileDescriptor fd) {
            Inherited in = new Inherited(fd);
            long size;
            try {
                size = in.out.getChannel().size();
            } catch (IOException e) {
                size = 0;
            }
            return new Sized(in, size);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
            // the descriptor stays open: the JVM's own output goes there too
        }
    }


    /**
     * Why the entry at {@code path} is no file to append to, or null: a regular file, none yet, or
     * a character device ({@code /dev/null}, a terminal: only root makes those, and opening one
     * does not block as a FIFO's open does).
     */
    private static String kind(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return switch (mode & S_IFMT) {
                case S_IFREG, S_IFCHR -> null;
                case S_IFLNK -> LogfileRefusal.SYMLINK;
                default -> LogfileRefusal.NOT_A_FILE;
            };
        } catch (IOException e) {
            return null;
        }
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFLNK = 0120000;

    /**
     * Why root must not write the file just opened at {@code path}, or null. Looked at by name:
     * in a sticky directory nobody else can move root's file once it exists, and a name that
     * still is another user's file or link says so.
     */
    private static String notRoots(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:uid,nlink", LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) a.get("uid");
        int links = (Integer) a.get("nlink");
        return uid != 0 ? String.format(LogfileRefusal.ANOTHER_USERS, uid, 0) : links != 1 ? String.format(LogfileRefusal.HARD_LINKS, links) : null;
    }
}
