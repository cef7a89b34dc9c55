package io.drover.node;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;

/**
 * logback for a node that {@link LogSetup} configures itself: the same context, MDC and markers
 * as logback's own provider, without logback's auto-configuration, whose every step a node
 * would undo or never use: its version checks and the service search for configurators
 * ({@link NodeLogConfigurator} would stop it at once) open every jar of the class path for a
 * properties file or a service list, and its status printer compiles a date pattern. That was
 * ~40 ms of a node's ~150 ms of CPU to ready. slf4j takes it by name ({@code slf4j.provider},
 * which {@link LogSetup#bindLogback} sets for the moment of binding only), so there is no
 * second provider for slf4j's service search to find and warn about.
 */
public final class NodeLogProvider extends LogbackServiceProvider {
    @Override
    public void initialize() {
        // LogbackServiceProvider.initialize() less its initializeLoggerContext()
        LoggerContext context = (LoggerContext) getLoggerFactory();
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter((LogbackMDCAdapter) getMDCAdapter());
        context.start();
    }
}
