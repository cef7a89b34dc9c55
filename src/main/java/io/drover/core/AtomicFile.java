package io.drover.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How drover writes a whole file (a node record, beat's schedule, an exported unit): a reader, or
 * a crash at any moment, finds the old content or the new, never half of one, and once
 * {@link #write} returns the new content survives a power cut.
 *
 * <p>The content goes to a new file beside the target under a name nobody could guess, created
 * exclusively and never through a symbolic link ({@code O_CREAT|O_EXCL|O_NOFOLLOW}) with its
 * final mode, so a name planted beforehand fails the create instead of receiving the content,
 * and nobody else can open it before it is complete. It is fsynced, renamed over the target (a
 * rename replaces a name, it never follows one), and the directory fsynced so that the rename
 * itself is on disk. Pure NIO: every layer may use it, and it loads no native code.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Temporary names tried before a write gives up: each taken one was planted, or a freak. */
    static final int TEMP_ATTEMPTS = 8;
    /** For temporary names: unguessable enough that planting one is no way to stop a write. */
    private static final Random RANDOM = new SecureRandom();
    private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    /**
     * Replaces {@code file} with {@code content}; on failure {@code file} is as it was and no
     * temporary file is left.
     *
     * @param mode the file's permissions; the umask may narrow them, as for any file created
     * @throws IOException as the system call that failed said
     */
    public static void write(Path file, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        write(file, content, mode, () -> "." + file.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    }

    /** {@link #write(Path, byte[], Set)} with the temporary names from {@code tempNames} (tests plant them). */
    static void write(Path file, byte[] content, Set<PosixFilePermission> mode, Supplier<String> tempNames)
            throws IOException {
        Path temp = null;
        try {
            FileChannel ch = null;
            for (int attempt = 1; ch == null; attempt++) {
                Path candidate = file.resolveSibling(tempNames.get());
                try {
                    ch = FileChannel.open(candidate, CREATE, PosixFilePermissions.asFileAttribute(mode));
                    temp = candidate; // ours from here on: removed if the write fails
                } catch (FileAlreadyExistsException e) {
                    // someone else's entry, a symbolic link included: never ours to write or remove
                    if (attempt == TEMP_ATTEMPTS) {
                        throw e;
                    }
                }
            }
            try (FileChannel written = ch) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    written.write(bytes);
                }
                written.force(true);
            }
            // in one directory a rename is atomic: Files.move never falls back to a copy here
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            syncDirectory(file.toAbsolutePath().getParent());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // a stray temporary file, under a name nobody reads; the write's own failure is the report
                }
            }
        }
    }

    /**
     * Removes the temporary files of {@code file} that a writer killed mid-write left (its own
     * failures leave none), so they do not pile up, nor get installed with the directory's
     * content. Only for a directory the caller alone can write: anything there is the caller's.
     */
    public static void removeLeftovers(Path file) throws IOException {
        String prefix = "." + file.getFileName() + ".";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(file.toAbsolutePath().getParent(),
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".tmp"))) {
            for (Path leftover : entries) {
                Files.deleteIfExists(leftover); // unlinks a name, never follows it
            }
        }
    }

    /** Makes the rename durable: on Linux a directory opened for reading can be fsynced. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not supported on this platform: the rename is still atomic, only its durability waits
        }
    }
}
