package io.drover.core;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * The facts about this machine and user that node expansion depends on. Pure code takes a
 * {@code Host} so tests can pass any hostname, user or environment.
 *
 * @param hostname this machine's name, as {@code hostname} prints it
 * @param root whether the effective user is root
 * @param env the environment (XDG_STATE_HOME, HOME)
 */
public record Host(String hostname, boolean root, Map<String, String> env) {

    /** The real host, read from the kernel without DNS (a lookup can take seconds). */
    public static Host current() {
        return new Host(currentHostname(), isEffectiveRoot(), System.getenv());
    }

    /** This machine's name now: {@link #current()}'s hostname without its other reads. */
    public static String currentHostname() {
        try {
            String name = ProcFiles.text("/proc/sys/kernel/hostname").trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through to the JDK
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The effective uid from /proc (no native call); elsewhere the user name decides. */
    public static boolean isEffectiveRoot() {
        // Uid: real, effective, saved, filesystem
        Optional<String[]> ids = ProcEntry.Status.ours().flatMap(st -> st.field("Uid"))
                .map(v -> v.split("\\s+"));
        return ids.isPresent() ? ids.get().length > 1 && ids.get()[1].equals("0")
                : "root".equals(System.getProperty("user.name")); // not Linux
    }

    /** Where pidfiles go unless --pidfile says otherwise (docs/design.md, "Names and defaults"). */
    public String defaultPidfile() {
        return root ? "/run/drover/%n.pid" : stateDir() + "/drover/run/%n.pid";
    }

    /** Where logfiles go unless --logfile says otherwise. */
    public String defaultLogfile() {
        return root ? "/var/log/drover/%n%I.log" : stateDir() + "/drover/log/%n%I.log";
    }

    /**
     * Where drover remembers the nodes this user started (the node registry):
     * {@code DROVER_STATE_DIR} if set; root's is {@code /var/lib/drover-registry}, which
     * survives a reboot so a node's options do too (unlike {@code /run}), and is not
     * {@code /var/lib/drover} or {@code /run/drover}: in the shipped layout those belong to the
     * nodes' user, and root never trusts a directory that user can write; others'
     * {@code $XDG_STATE_HOME/drover}.
     */
    public String registryDir() {
        String override = env.get("DROVER_STATE_DIR");
        if (override != null && !override.isEmpty()) {
            return override;
        }
        return root ? "/var/lib/drover-registry" : stateDir() + "/drover";
    }

    private String stateDir() {
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isEmpty()) {
            return xdg;
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return home + "/.local/state";
    }
}
