package io.drover.posix;

import io.drover.core.SignalTable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import jnr.constants.platform.Signal;

/**
 * This platform's signal names and numbers, from jnr-constants' table for the OS drover runs
 * on: the {@link SignalTable} core's {@link io.drover.core.Signals} asks for through
 * {@code META-INF/services}, since core may not name this package. jnr-constants is plain Java (a
 * generated table per platform, no native code), so reading it costs no jffi load; it is read
 * only when a command takes or names a signal, so the commands that only compute load no jnr
 * class at all.
 */
public final class PlatformSignals implements SignalTable {
    /** For {@link java.util.ServiceLoader}. */
    public PlatformSignals() {}

    @Override
    public Map<String, Integer> byName() {
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
