package io.drover.posix;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import jnr.constants.platform.Signal;

/**
 * This platform's signal names and numbers, from jnr-constants' table for the OS drover runs
 * on. jnr-constants is plain Java (a generated table per platform, no native code), so reading
 * it costs no jffi load; {@link io.drover.core.Signals} still reads it only when a command takes
 * a signal argument, so the commands that only compute load no jnr class at all.
 */
public final class PlatformSignals {
    private PlatformSignals() {}

    /**
     * Every signal the platform defines, by its name without {@code SIG} ({@code TERM}), in the
     * platform's order; aliases ({@code IOT} for {@code ABRT}) are included.
     */
    public static Map<String, Integer> byName() {
        Map<String, Integer> names = new LinkedHashMap<>();
        for (Signal s : Signal.values()) {
            // NSIG is the table's size, not a signal; undefined entries are other platforms' signals
            if (s.defined() && s.name().startsWith("SIG")) {
                names.putIfAbsent(s.name().substring(3), s.intValue());
            }
        }
        return Collections.unmodifiableMap(names);
    }
}
