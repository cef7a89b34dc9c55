package io.drover.registry;

import java.time.Instant;
import java.util.List;

/**
 * One node as drover last started it.
 *
 * @param nodename the full nodename, the record's key
 * @param pidfile the pidfile path
 * @param logfile the logfile template ({@code %I} left for the node)
 * @param argv the exact command line drover ran
 * @param started when it reported ready
 * @param restarts how many times drover started it again
 * @param lastExit how it last ended, when drover saw it (e.g. "status 1", "signal 9"), or null
 * @param version the drover that wrote the record
 * @param uid the uid the node runs as
 */
public record NodeRecord(String nodename, String pidfile, String logfile, List<String> argv, Instant started,
                         int restarts, String lastExit, String version, Integer uid) {
    public NodeRecord {
        argv = List.copyOf(argv);
    }
}
