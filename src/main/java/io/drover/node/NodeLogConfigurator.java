package io.drover.node;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Tells logback, through its Configurator service, that drover configures logging itself
 * ({@link LogSetup}, from --logfile and --loglevel): logback then skips its search for
 * configuration files and its default console setup, which {@link LogSetup} would undo right
 * away. A user's {@code -Dlogback.configurationFile} still goes to logback's own configurator.
 */
public final class NodeLogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return System.getProperty("logback.configurationFile") != null
                ? ExecutionStatus.INVOKE_NEXT_IF_ANY
                : ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
