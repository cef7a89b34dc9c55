package io.drover.export;

import io.drover.core.Host;
import io.drover.core.NodeName;
import io.drover.core.Templates;
import io.drover.launch.NodeLaunch;
import io.drover.multi.MultiOption;
import io.drover.multi.NodeSpec;
import io.drover.multi.OptionTable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * beat as the exports run it: {@code drover beat} in the foreground with the options the nodes
 * share that beat also has (the application, its jars, its JVM, its user, the log level),
 * taken from the options given to all nodes (not namespaced ones), with node templates
 * expanded for the nodename {@code beat@HOST}: the nodes' {@code --pidfile=/run/drover/%n.pid}
 * makes beat's {@code /run/drover/beat.pid}.
 */
public final class BeatExport {
    private BeatExport() {}

    public static final String DEFAULT_SCHEDULE = "/var/lib/drover/beat.schedule";

    /** Worker options beat has too (by any of their names: the option table knows them). */
    private static final Set<OptionTable.Read> SHARED = EnumSet.of(OptionTable.Read.APP, OptionTable.Read.CLASSPATH,
            OptionTable.Read.JVM_OPTS, OptionTable.Read.EXECUTABLE, OptionTable.Read.UID, OptionTable.Read.GID,
            OptionTable.Read.UMASK, OptionTable.Read.WORKDIR, OptionTable.Read.LOGLEVEL);

    private static boolean shared(String name) {
        return SHARED.stream().anyMatch(o -> o.named(name));
    }

    public static List<String> argv(List<MultiOption> options, Host host, String schedule) {
        Map<String, String> shared = shared(options, host);
        return NodeLaunch.argv(OptionTable.Read.EXECUTABLE.in(shared), OptionTable.Read.JVM_OPTS.in(shared),
                args(options, host, schedule, true));
    }

    /** The options beat shares with the nodes, by name, values expanded for {@code beat@HOST}. */
    public static Map<String, String> shared(List<MultiOption> options, Host host) {
        NodeName beat = NodeName.of("beat", host.hostname());
        Map<String, String> shared = new LinkedHashMap<>();
        for (MultiOption opt : options) {
            if (opt.namespace() == null && opt.value() != null && shared(opt.name())) {
                shared.put(opt.name(), Templates.expandForNode(opt.value(), beat, "option " + opt.written()));
            }
        }
        return shared;
    }

    /**
     * {@code beat} and its options, without the JVM's part.
     *
     * @param files whether beat gets a pidfile and a logfile (not in a container: one process, its log on stderr)
     */
    public static List<String> args(List<MultiOption> options, Host host, String schedule, boolean files) {
        NodeName beat = NodeName.of("beat", host.hostname());
        Map<String, String> shared = new LinkedHashMap<>();
        String pidfile = host.defaultPidfile();
        String logfile = host.defaultLogfile();
        for (MultiOption opt : options) {
            if (opt.namespace() != null || opt.value() == null) {
                continue;
            }
            if (OptionTable.Read.PIDFILE.named(opt.name())) {
                pidfile = opt.value();
            } else if (OptionTable.Read.LOGFILE.named(opt.name())) {
                logfile = opt.value();
            } else if (shared(opt.name())) {
                shared.put(opt.name(), Templates.expandForNode(opt.value(), beat, "option " + opt.written()));
            }
        }
        List<String> args = new ArrayList<>(List.of("beat"));
        if (files) {
            args.add("--pidfile=" + Templates.expandForNode(pidfile, beat, "option --pidfile"));
            args.add("--logfile=" + Templates.expandForNode(logfile, beat, "option --logfile"));
        }
        args.add("--schedule=" + schedule);
        shared.forEach((name, value) -> args.addAll(NodeSpec.optionArgs(name, value)));
        return args;
    }
}
