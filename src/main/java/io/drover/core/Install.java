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

    private static final String UNLOCK_DIAGNOSTIC = "-XX:+UnlockDiagnosticVMOptions";
    private static final String SHARED_ARCHIVE_UNMOVED = "-XX:ArchiveRelocationMode=0";

    /** The first Java release whose JVM reads ahead-of-time caches made in one training run (JEP 514). */
    public static final int AOT_CACHE_RELEASE = 25;

    /**
     * The JVM options that give a node drover's classes from the archive {@code bin/drover-cds}
     * made for this installation: on Java 25 and later the ahead-of-time cache
     * {@code HOME/lib/node.aot}, before it the class-data-sharing archive {@code HOME/lib/node.jsa};
     * none when there is no such file. A cache the JVM cannot use (made by another java) is
     * ignored without a word, as the launcher's own is.
     *
     * <p>The archive, and the JDK's own, is mapped at the address it was made for
     * ({@code ArchiveRelocationMode=0}) instead of the random one this JDK picks by default:
     * moved, every pointer in it is rewritten, so each node holds a private copy of ~15 MiB of
     * pages that, unmoved, all nodes share from the page cache. What that gives up is the random
     * address of the archived class metadata; a node's heap, stacks, code and libraries stay
     * randomized. A {@code --jvm-opts=-XX:ArchiveRelocationMode=1} comes later and wins.
     *
     * @param sameJava whether the node runs on the JVM running this code; an ahead-of-time cache
     *     is only given then, as an older {@code --executable} would refuse its option
     */
    public static java.util.List<String> nodeArchiveOptions(boolean sameJava) {
        return archiveOptions("node", sameJava);
    }

    /**
     * {@link #nodeArchiveOptions} of the command's archive ({@code cli}), unmoved, for a detached
     * supervisor: the archive {@code bin/drover} gives a foreground {@code multi supervise}.
     */
    public static java.util.List<String> supervisorArchiveOptions() {
        return archiveOptions("cli", true);
    }

    private static java.util.List<String> archiveOptions(String archive, boolean sameJava) {
        String home = System.getProperty("drover.home");
        if (home == null || home.isEmpty()) {
            return java.util.List.of();
        }
        Path lib = Path.of(home, "lib").toAbsolutePath().normalize();
        if (Runtime.version().feature() >= AOT_CACHE_RELEASE) {
            Path aot = lib.resolve(archive + ".aot");
            return sameJava && java.nio.file.Files.isReadable(aot)
                    ? java.util.List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off",
                            UNLOCK_DIAGNOSTIC, SHARED_ARCHIVE_UNMOVED)
                    : java.util.List.of();
        }
        Path jsa = lib.resolve(archive + ".jsa");
        return java.nio.file.Files.isReadable(jsa)
                ? java.util.List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                        UNLOCK_DIAGNOSTIC, SHARED_ARCHIVE_UNMOVED)
                : java.util.List.of();
    }

    /** The system property jffi (under jnr-posix) reads first for the directory of its stub library. */
    public static final String JFFI_BOOT_PATH = "jffi.boot.library.path";

    /**
     * The JVM option that has jffi load its stub library from the installation,
     * {@code -Djffi.boot.library.path=HOME/lib/jni} (where the build unpacks it as
     * {@code PLATFORM/libjffi-1.2.so}), as {@code bin/drover} gives the command; none when run
     * from a build. Without it jffi writes a copy into {@code java.io.tmpdir}, or into the
     * working directory when that fails, and loads that copy by name: whoever can write the
     * directory (a node's {@code --workdir} belongs to its user) could swap it between the write
     * and the load and have root run their code (docs/security.md, class 10). A node needs it
     * even without {@code --uid}: its application may use jnr itself.
     */
    public static java.util.List<String> nativeOptions() {
        String home = System.getProperty("drover.home");
        if (home == null || home.isEmpty()) {
            return java.util.List.of();
        }
        return java.util.List.of("-D" + JFFI_BOOT_PATH + "=" + Path.of(home, "lib", "jni").toAbsolutePath().normalize());
    }

    /** The java binary of the JVM running this code: nodes run on the same Java as the CLI. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
