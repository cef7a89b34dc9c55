package io.drover.core;

import java.nio.file.Path;

/**
 * Where this drover is installed: the launcher passes {@code -Ddrover.home}; run from a build
 * or a test, the JVM's own class path stands in.
 */
public final class Install {
    private Install() {}

    public static final String MAIN_CLASS = "io.drover.cli.Main";

    /** drover's version, filtered into a resource by the build; "dev" if that is missing. */
    public static String version() {
        try (java.io.InputStream in = Install.class.getResourceAsStream("/io/drover/version.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("$")) {
                    return v;
                }
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return "dev";
    }

    /** The class path a node JVM needs to run drover itself ({@code HOME/lib/*}). */
    public static String classpath() {
        String home = System.getProperty("drover.home");
        if (home != null && !home.isEmpty()) {
            return Path.of(home, "lib").toAbsolutePath().normalize() + "/*";
        }
        return System.getProperty("java.class.path");
    }

    /**
     * The class-data-sharing archive for node JVMs ({@code HOME/lib/node.jsa}, made by
     * {@code bin/drover-cds}), if this installation has one.
     */
    public static java.util.Optional<Path> nodeArchive() {
        String home = System.getProperty("drover.home");
        if (home == null || home.isEmpty()) {
            return java.util.Optional.empty();
        }
        Path jsa = Path.of(home, "lib", "node.jsa").toAbsolutePath().normalize();
        return java.nio.file.Files.isReadable(jsa) ? java.util.Optional.of(jsa) : java.util.Optional.empty();
    }

    /** The java binary of the JVM running this code: nodes run on the same Java as the CLI. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
