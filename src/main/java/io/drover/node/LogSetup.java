package io.drover.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.OsErrors;
import io.drover.core.UsageException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures logback for a node from {@code --logfile} and {@code --loglevel}, in celery's line
 * format. A user's own configuration ({@code -Dlogback.configurationFile}) wins untouched.
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
     * @throws DroverException exit 73 if the logfile cannot be opened
     */
    static Logger configure(String logfile, Level level) {
        if (logfile != null) {
            try {
                new FileOutputStream(logfile, true).close();
            } catch (IOException e) {
                throw new DroverException(ExitCode.CANT_CREATE, "cannot open logfile " + logfile + ": "
                        + OsErrors.reason(e));
            }
        }
        if (System.getProperty("logback.configurationFile") == null) {
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            ctx.reset();
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(ctx);
            encoder.setPattern(PATTERN);
            encoder.start();
            OutputStreamAppender<ILoggingEvent> appender;
            if (logfile != null) {
                FileAppender<ILoggingEvent> file = new FileAppender<>();
                file.setFile(logfile);
                file.setAppend(true);
                appender = file;
            } else {
                ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
                console.setTarget("System.err");
                appender = console;
            }
            appender.setContext(ctx);
            appender.setName("node");
            appender.setEncoder(encoder);
            appender.start();
            ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.setLevel(level);
            root.addAppender(appender);
        }
        return LoggerFactory.getLogger("drover");
    }
}
