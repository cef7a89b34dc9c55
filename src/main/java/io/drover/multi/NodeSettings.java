package io.drover.multi;

import io.drover.launch.LaunchSpec;
import java.util.Map;

/**
 * What drover itself reads of a node's worker options, typed, filled once from them through
 * the {@link OptionTable}: where the node runs ({@code --uid}, {@code --gid}, {@code --umask},
 * {@code --workdir}), what runs it ({@code -A}, {@code --executable}, {@code --jvm-opts}) and
 * where it answers ({@code --health-port}). Each is null when not given.
 *
 * @param umask as given; parsed (and refused) when the node is started, as the worker would
 * @param healthPort the port, or null when none is given or the worker would refuse the value
 */
public record NodeSettings(String app, String uid, String gid, String umask, String workdir, String executable,
                           String jvmOpts, Integer healthPort) {

    /** A node given no option drover reads. */
    public static final NodeSettings NONE = new NodeSettings(null, null, null, null, null, null, null, null);

    public static NodeSettings of(Map<String, String> options) {
        if (options.isEmpty()) {
            return NONE; // no need to read the option table
        }
        return new NodeSettings(OptionTable.Read.APP.in(options), OptionTable.Read.UID.in(options),
                OptionTable.Read.GID.in(options), OptionTable.Read.UMASK.in(options),
                OptionTable.Read.WORKDIR.in(options), OptionTable.Read.EXECUTABLE.in(options),
                OptionTable.Read.JVM_OPTS.in(options), port(OptionTable.Read.HEALTH_PORT.in(options)));
    }

    /** The user and group the node drops to. */
    public LaunchSpec.RunAs runAs() {
        return new LaunchSpec.RunAs(uid, gid);
    }

    private static Integer port(String value) {
        if (value == null || !value.matches("[0-9]{1,5}")) {
            return null;
        }
        int port = Integer.parseInt(value);
        return port >= 1 && port <= 65535 ? Integer.valueOf(port) : null;
    }
}
