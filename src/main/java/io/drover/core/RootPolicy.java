package io.drover.core;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;

/**
 * Application code does not run as root unless the operator says so (docs/design.md, "Root is refused for applications").
 * Checked before any application class is loaded, and by {@code multi start} before anything
 * is spawned, so the refusal reaches the operator's terminal.
 */
public final class RootPolicy {
    private RootPolicy() {}

    public static final String FORCE_ROOT = "DROVER_FORCE_ROOT";

    /**
     * @param app the {@code -A} class, or null for the built-in demo (allowed, with a warning)
     * @param uid the {@code --uid} option, or null
     * @throws DroverException exit 77, naming both fixes
     */
    public static void check(boolean root, String app, String uid, String forceRoot) {
        if (root && app != null && uid == null && !"1".equals(forceRoot)) {
            throw new DroverException(ExitCode.NO_PERMISSION, "refusing to run application " + app
                    + " as root: give --uid USER (and --gid GROUP) to run it as that user, or set "
                    + FORCE_ROOT + "=1 to run it as root anyway");
        }
    }

    /** Whether running as root deserves a warning in the node's log. */
    public static boolean warnsAsRoot(boolean root, String uid) {
        return root && uid == null;
    }
}
