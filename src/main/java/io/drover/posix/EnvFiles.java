package io.drover.posix;

import io.drover.core.DroverException;
import io.drover.core.EnvFile;
import io.drover.core.ExitCode;
import io.drover.core.OsErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a node's {@code --env-file} for its starter, which may be root: the variables reach the
 * node's environment, so a file the node's user could point elsewhere ({@code /etc/shadow}) or
 * rewrite would hand root's secrets to that user (docs/security.md, "The env file"). The file
 * must be a regular file (a symbolic link is not followed), owned by root or the caller and
 * writable by nobody else, in directories that pass {@link DirTrust#unsafe} for root and the
 * caller all the way from {@code /} (no symbolic link among them). Checked top down, by path,
 * so each name is looked at only once nobody else can change it (PrivateDirectory's argument);
 * the file is then opened without following a link. Pure Java: no jnr.
 */
public final class EnvFiles {
    private EnvFiles() {}

    /** An env file drover will not read: the path, then why. */
    public static final String REFUSED = "--env-file %s: %s; refusing to read it (root would hand what it points at"
            + " to the node)";

    /**
     * The variables of the env file given ({@code PATH}, or {@code -PATH}: none when it does not
     * exist, as systemd's optional form).
     *
     * @throws DroverException 64 for a relative path, 66 for a missing file, 77 for one it
     *     refuses (naming why), 65 for one that is too large, 73 when it cannot be read
     */
    public static Map<String, String> read(String given) {
        boolean optional = given.startsWith("-");
        Path file = Path.of(optional ? given.substring(1) : given);
        if (!file.isAbsolute()) {
            throw new io.drover.core.UsageException("--env-file " + given + ": give an absolute path, as systemd's"
                    + " EnvironmentFile= wants");
        }
        file = file.normalize();
        int[] me = caller();
        Set<Integer> uids = Set.copyOf(List.of(0, me[0]));
        Set<Integer> gids = Set.copyOf(List.of(0, me[1]));
        Path dir = Path.of("/");
        check(dir, file, uids, gids, true);
        for (Path name : file.getParent() == null ? Path.of("") : file.getParent()) {
            if (name.toString().isEmpty()) {
                continue;
            }
            dir = dir.resolve(name.toString());
            if (!check(dir, file, uids, gids, true)) {
                return missing(file, optional);
            }
        }
        if (!check(file, file, uids, gids, false)) {
            return missing(file, optional);
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(EnvFile.MAX_BYTES + 1L, Math.max(ch.size(), 0) + 1));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                if (!buf.hasRemaining() && buf.capacity() <= EnvFile.MAX_BYTES) {
                    ByteBuffer bigger = ByteBuffer.allocate(Math.min(EnvFile.MAX_BYTES + 1, buf.capacity() * 2));
                    buf.flip();
                    bigger.put(buf);
                    buf = bigger;
                }
            }
            if (buf.position() > EnvFile.MAX_BYTES) {
                throw new DroverException(ExitCode.DATA_ERROR, "--env-file " + file + ": larger than "
                        + EnvFile.MAX_BYTES / (1 << 20) + " MiB, not an environment");
            }
            return EnvFile.parse(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "--env-file " + file + ": cannot read it: " + OsErrors.reason(e));
        }
    }

    private static Map<String, String> missing(Path file, boolean optional) {
        if (optional) {
            return Map.of();
        }
        throw new DroverException(ExitCode.NO_INPUT, "--env-file " + file + " does not exist (give --env-file=-"
                + file + " for a file that may be missing)");
    }

    /** False when {@code p} does not exist; a refusal when it is not what the rule asks. */
    private static boolean check(Path p, Path file, Set<Integer> uids, Set<Integer> gids, boolean directory) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "--env-file " + file + ": cannot look at " + p + ": "
                    + OsErrors.reason(e));
        }
        int mode = (Integer) a.get("mode");
        int kind = mode & DirTrust.S_IFMT;
        String why = kind == DirTrust.S_IFLNK ? p + " is a symbolic link, not followed"
                : directory && kind != DirTrust.S_IFDIR ? p + " is not a directory"
                : !directory && kind != S_IFREG ? p + " is not a regular file"
                : !directory && (mode & 0002) != 0 ? p + " is writable by every user"
                : DirTrust.unsafe((Integer) a.get("uid"), (Integer) a.get("gid"), mode, uids, gids, "root or the caller");
        if (why != null) {
            throw new DroverException(ExitCode.NO_PERMISSION, String.format(REFUSED, file,
                    why.startsWith(" ") ? p + why : why));
        }
        return true;
    }

    private static final int S_IFREG = 0100000;

    /** The effective uid and gid of this process: the owner of its /proc directory, on Linux. */
    private static int[] caller() {
        try {
            Map<String, Object> a = Files.readAttributes(Path.of("/proc/self"), "unix:uid,gid");
            return new int[] {(Integer) a.get("uid"), (Integer) a.get("gid")};
        } catch (IOException | UnsupportedOperationException e) {
            throw new DroverException(ExitCode.NO_PERMISSION, "cannot tell which user runs drover (/proc/self): "
                    + e.getMessage());
        }
    }
}
