package io.drover.node;

import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node refuses at its own start that its starter can find out beforehand, without a JVM
 * and with nothing made ({@code multi dryrun}): the same code the node runs, stopped short of
 * loading the class or keeping the port. Each throws the node's own failure, code and message.
 */
public final class StartChecks {
    private StartChecks() {}

    /**
     * The {@code -A} class is on the node's class path ({@link AppLoader#find}); relative
     * {@code --classpath} entries are the node's, so they are read from its {@code --workdir}.
     */
    public static void appClass(String app, String classpath, String workdir) {
        AppLoader.find(app, classpath == null || workdir == null ? classpath : inWorkdir(classpath, workdir));
    }

    private static String inWorkdir(String classpath, String workdir) {
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator, -1)) {
            entries.add(entry.isEmpty() || entry.startsWith("/") ? entry : workdir + "/" + entry);
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Nobody listens on the {@code --health-port} where the node would ({@link Health#checkFree}).
     * An {@code --health-address} that is no IP literal is left to the worker, which refuses it.
     */
    public static void healthPort(String address, int port) {
        InetAddress at = null;
        if (address != null) {
            if (!address.matches("\\[?[0-9A-Fa-f:.]+\\]?")) {
                return;
            }
            try {
                at = InetAddress.getByName(address); // a literal: parsed, not looked up
            } catch (UnknownHostException e) {
                return;
            }
        }
        Health.checkFree(at, port);
    }
}
