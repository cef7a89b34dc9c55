package io.drover.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;

/** The layouts the attack tests build for {@link Attacker}, and their removal. */
final class AttackFiles {
    private AttackFiles() {}

    /** What root's secret holds: the attacks must never change it, nor show it to nobody. */
    static final String SECRET = "root's secret, mode 0600\n";

    /**
     * How the file at {@code secret} is no longer root's {@link #SECRET}: not a regular file
     * (never followed), or other content; null when it is unchanged.
     */
    static String contentChange(Path secret) {
        try {
            if (!Files.isRegularFile(secret, LinkOption.NOFOLLOW_LINKS)) {
                return secret + " is no longer a regular file";
            }
            String content = Files.readString(secret, StandardCharsets.UTF_8);
            return content.equals(SECRET) ? null
                    : "content now " + content.length() + " chars: " + content.substring(0, Math.min(300, content.length()));
        } catch (IOException e) {
            return "cannot read " + secret + ": " + e;
        }
    }

    /** {@code install -d -o nobody -g nogroup PATH}: a directory the attacker owns, as drover makes them for it. */
    static Path ownedByNobody(Path path) throws IOException {
        return ownedByNobody(path, "rwxr-xr-x");
    }

    /** {@code install -d -m MODE -o nobody -g nogroup PATH}, MODE as {@code ls} shows it. */
    static Path ownedByNobody(Path path, String mode) throws IOException {
        Files.createDirectory(path);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        return givenToNobody(path);
    }

    /** {@code chown nobody:nogroup PATH}: a file or directory that exists. */
    static Path givenToNobody(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, lookup.lookupPrincipalByName(Attacker.USER));
        Files.getFileAttributeView(path, PosixFileAttributeView.class)
                .setGroup(lookup.lookupPrincipalByGroupName(Attacker.GROUP));
        return path;
    }

    /**
     * Removes {@code root} and what is below it, as it is when walked: an attacker's symbolic
     * link is removed as a link, never followed, and a name that vanished meanwhile is skipped.
     */
    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            // walkFileTree does not follow links: a symlink is visited as a file and deleted as one
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
