package io.drover.core;

import java.util.Map;

/**
 * This platform's signal names and numbers, for {@link Signals}. core knows no platform and
 * imports nothing above it, so the layer that talks to the OS provides the table as a service
 * ({@code META-INF/services/io.drover.core.SignalTable}); {@link Signals} asks for it the first
 * time a signal is parsed or named, so a command that takes no signal never loads it.
 */
public interface SignalTable {

    /**
     * Every signal the platform defines, by its name without {@code SIG} ({@code TERM}), in the
     * platform's order; aliases ({@code IOT} for {@code ABRT}) are included.
     */
    Map<String, Integer> byName();
}
