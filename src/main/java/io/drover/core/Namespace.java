package io.drover.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where a nodename is unique: the node registry a node was started from ({@link Host#registryDir},
 * {@code DROVER_STATE_DIR}). Two projects, or two CI jobs, that run nodes as one user with their
 * own registries and pidfiles may each have a {@code drover1}; within one registry a nodename
 * runs once, whatever pidfile it was given (docs/security.md, rule 6).
 *
 * <p>Whoever spawns a node hands it its namespace in {@link NodeProtocol#NAMESPACE_ENV}, and
 * {@code posix.NodeProcesses} reads it back from the process. A node without one (run by hand, or
 * by a drover before issue 25) belongs to no registry drover can tell, so its name is taken in
 * every one.
 *
 * @param dir the registry directory: absolute, with the symbolic links of its existing part
 *     resolved, so two spellings of one directory (which share its records) are one namespace
 */
public record Namespace(String dir) {

    /** The namespace of the registry {@code host} uses. */
    public static Namespace of(Host host) {
        return of(host.registryDir());
    }

    /**
     * The namespace of the registry directory {@code registryDir}, which need not exist yet (a
     * first start makes it after its node is up): the links of its deepest existing ancestor are
     * resolved and the rest appended, so the name does not change once the directory exists.
     */
    public static Namespace of(String registryDir) {
        Path path = Path.of(registryDir).toAbsolutePath().normalize();
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return new Namespace(path.toString());
        }
        try {
            return new Namespace(existing.toRealPath().resolve(existing.relativize(path)).toString());
        } catch (IOException e) {
            // a dangling link or an unreadable directory on the way: its spelling is all there is
            return new Namespace(path.toString());
        }
    }
}
