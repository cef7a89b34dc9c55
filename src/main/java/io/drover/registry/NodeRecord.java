package io.drover.registry;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node as drover last started it: what it was started with, as typed fields (never a
 * command line to be parsed back), and what drover saw of it since.
 *
 * @param nodename the full nodename, the record's key
 * @param pidfile the pidfile path
 * @param logfile the logfile template ({@code %I} left for the node)
 * @param options the worker options in the order given, values expanded; a null value is a flag
 * @param passthrough {@code --} and what followed it (and {@code --append}'s words), or empty
 * @param started when it reported ready
 * @param restarts how many times drover started it again
 * @param lastExit how it last ended, when drover saw it (e.g. "status 1", "signal 9"), or null
 * @param version the drover that wrote the record
 * @param uid the uid the node runs as
 * @param after the full nodenames it was started after ({@code --after}), or empty: a restart
 *     or stop of recorded nodes keeps their order
 * @param envSalt the random salt of {@code envHashes}, or null when it has no {@code --env-file}
 * @param envHashes each variable of its {@code --env-file} at that start, by name, as
 *     {@link io.drover.core.EnvFile#hash} of the value under {@code envSalt}: never the value
 */
public record NodeRecord(String nodename, String pidfile, String logfile, Map<String, String> options,
                         List<String> passthrough, Instant started, int restarts, String lastExit, String version,
                         Integer uid, List<String> after, String envSalt, Map<String, String> envHashes) {
    public NodeRecord {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        passthrough = List.copyOf(passthrough);
        after = List.copyOf(after);
        envHashes = Collections.unmodifiableMap(new LinkedHashMap<>(envHashes));
    }

    /** A record without an env file's hashes. */
    public NodeRecord(String nodename, String pidfile, String logfile, Map<String, String> options,
                      List<String> passthrough, Instant started, int restarts, String lastExit, String version,
                      Integer uid, List<String> after) {
        this(nodename, pidfile, logfile, options, passthrough, started, restarts, lastExit, version, uid, after, null,
                Map.of());
    }

    /** A record of a node started after no other. */
    public NodeRecord(String nodename, String pidfile, String logfile, Map<String, String> options,
                      List<String> passthrough, Instant started, int restarts, String lastExit, String version,
                      Integer uid) {
        this(nodename, pidfile, logfile, options, passthrough, started, restarts, lastExit, version, uid, List.of());
    }

    /** This record with {@code exit} as how the node last ended, to be written by this drover (version null). */
    public NodeRecord withLastExit(String exit) {
        return new NodeRecord(nodename, pidfile, logfile, options, passthrough, started, restarts, exit, null, uid, after, envSalt, envHashes);
    }
}
