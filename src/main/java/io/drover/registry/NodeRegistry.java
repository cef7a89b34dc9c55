package io.drover.registry;

import io.drover.core.AtomicFile;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.Install;
import io.drover.core.OsErrors;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What drover remembers of the nodes it started, one record per nodename in a directory only
 * the invoking user can write ({@code Host.registryDir()}, mode 0700). A restart starts the node
 * with the options recorded here, never with what a process's {@code /proc/PID/cmdline} says: the
 * node's user controls its process and its pidfile, not this directory (docs/security.md, S1).
 *
 * <p>Records are Java properties with a {@code format} number, written whole by
 * {@link AtomicFile}. A record that cannot be read, is of an unknown format, or lies
 * in a directory or file someone else could have written is reported, never trusted.
 */
public final class NodeRegistry {
    /**
     * The record format this drover writes: the node's options as typed fields ({@code option.N},
     * {@code value.N}, {@code passthrough.N}), which a restart turns into this installation's
     * command line.
     */
    public static final int FORMAT = 2;
    /**
     * The format drovers before it wrote: the whole command line ({@code argv.N}). Still read
     * ({@link Format1}); the record is written as {@link #FORMAT} when it next changes.
     */
    public static final int FORMAT_1 = 1;
    private static final String SUFFIX = ".node";

    private final Path dir;

    public NodeRegistry(Path dir) {
        this.dir = dir;
    }

    /** A record that is not trusted, and why: damaged or exposed data, not a bug in drover. */
    public static final class CorruptRecordException extends DroverException {
        private static final long serialVersionUID = 1L;

        CorruptRecordException(Path file, String why) {
            super(ExitCode.DATA_ERROR, "node record " + file + " " + why + "; not trusted");
        }
    }

    /** The record of {@code nodename}, if there is one. */
    public Optional<NodeRecord> find(String nodename) {
        Path file = fileOf(nodename);
        byte[] bytes;
        try {
            checkOwnedByUs(dir, true);
            checkOwnedByUs(file, false);
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CorruptRecordException(file, "cannot be read: " + OsErrors.reason(e));
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptRecordException(file, "is not a properties file");
        }
        String format = p.getProperty("format");
        if (!Integer.toString(FORMAT).equals(format) && !Integer.toString(FORMAT_1).equals(format)) {
            throw new CorruptRecordException(file, "has format " + format + ", this drover reads formats "
                    + FORMAT_1 + " and " + FORMAT);
        }
        Map<String, String> options = new LinkedHashMap<>();
        List<String> passthrough = new ArrayList<>();
        if (Integer.toString(FORMAT_1).equals(format)) {
            List<String> argv = list(p, "argv.");
            if (argv.isEmpty()) {
                throw new CorruptRecordException(file, "is incomplete");
            }
            Format1.Worker w = Format1.worker(argv, nodename);
            if (w == null) {
                throw new CorruptRecordException(file, "is not a node's command line drover wrote");
            }
            options.putAll(w.options());
            passthrough.addAll(w.passthrough());
        } else {
            for (int i = 0; p.getProperty("option." + i) != null; i++) {
                options.put(p.getProperty("option." + i), p.getProperty("value." + i));
            }
            passthrough.addAll(list(p, "passthrough."));
        }
        if (!nodename.equals(p.getProperty("nodename")) || p.getProperty("pidfile") == null) {
            throw new CorruptRecordException(file, "is incomplete");
        }
        try {
            return Optional.of(new NodeRecord(nodename, p.getProperty("pidfile"), p.getProperty("logfile"),
                    options, passthrough, instant(p.getProperty("started")),
                    Integer.parseInt(p.getProperty("restarts", "0")), p.getProperty("lastExit"),
                    p.getProperty("version"), p.getProperty("uid") == null ? null : Integer.valueOf(p.getProperty("uid")),
                    list(p, "after."), p.getProperty("envSalt"), envHashes(p)));
        } catch (RuntimeException e) {
            throw new CorruptRecordException(file, "has a field that does not parse");
        }
    }

    /**
     * {@link Instant#parse} of a record's {@code started}, which drover wrote with
     * {@link Instant#toString} ({@code 2026-12-07T08:47:25.525337376Z}): that form is read by
     * hand, anything else by {@code Instant.parse}, whose answer (or exception) it is. The
     * formatter's parse ran interpreted for each record: a seventh of what {@code status --all}
     * among 50 nodes spent on top of {@code status} of one.
     */
    static Instant instant(String text) {
        int n = text == null ? 0 : text.length();
        if (n < 20 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z') {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (n > 20) {
            // a fraction of 1 to 9 digits after the point
            int fraction = digits(text, 20, n - 1);
            if (text.charAt(19) != '.' || n == 21 || fraction < 0) {
                return Instant.parse(text);
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        } else if (text.charAt(19) != 'Z') {
            return Instant.parse(text);
        }
        // a leap second (60), hour 24 and impossible dates are Instant.parse's to judge
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Instant.parse(text);
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86400 + hour * 3600 + minute * 60 + second, nanos);
    }

    /** The decimal number written from {@code from} to {@code to}, or -1 when it is not all ASCII digits. */
    private static int digits(String text, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The {@code env.NAME} hashes of a record, by name, sorted. */
    private static Map<String, String> envHashes(Properties p) {
        Map<String, String> h = new java.util.TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("env.")) {
                h.put(key.substring(4), p.getProperty(key));
            }
        }
        return h;
    }

    /** The values of {@code prefix0}, {@code prefix1}... up to the first missing one. */
    private static List<String> list(Properties p, String prefix) {
        List<String> values = new ArrayList<>();
        for (int i = 0; p.getProperty(prefix + i) != null; i++) {
            values.add(p.getProperty(prefix + i));
        }
        return values;
    }

    /**
     * One file of the registry: its record, or why it is not trusted.
     *
     * @param nodename the nodename the file is named after
     * @param record the record, or null when it is not trusted
     * @param problem why it is not trusted, or null
     */
    public record Entry(String nodename, NodeRecord record, String problem) {}

    /**
     * Every record, sorted by nodename; an untrusted one is an entry with its problem, so a
     * caller names it and goes on with the others. Empty when the directory does not exist.
     */
    public List<Entry> all() {
        List<String> names = new ArrayList<>();
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return List.of();
            }
            checkOwnedByUs(dir, true);
            // a plain loop: a stream's lambdas are linked at their first use, in every command that lists
            try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(SUFFIX) && !n.startsWith(".")) {
                        names.add(n.substring(0, n.length() - SUFFIX.length()));
                    }
                }
            }
            java.util.Collections.sort(names);
        } catch (CorruptRecordException e) {
            return List.of(new Entry(dir.toString(), null, e.getMessage()));
        } catch (IOException e) {
            return List.of(new Entry(dir.toString(), null, "node registry " + dir + " cannot be read: " + OsErrors.reason(e)));
        }
        List<Entry> entries = new ArrayList<>();
        for (String name : names) {
            try {
                find(name).ifPresent(r -> entries.add(new Entry(name, r, null)));
            } catch (DroverException e) {
                entries.add(new Entry(name, null, e.getMessage()));
            }
        }
        return entries;
    }

    /**
     * Removes the record of {@code nodename}, trusted or not.
     *
     * @return whether there was one
     */
    public boolean forget(String nodename) {
        Path file = fileOf(nodename);
        try {
            checkOwnedByUs(dir, true);
            return Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot remove node record " + file + ": " + OsErrors.reason(e));
        }
    }

    /** Writes {@code record} atomically ({@link AtomicFile}: temporary file, fsync, rename, fsync of the directory). */
    public void write(NodeRecord record) {
        Path file = fileOf(record.nodename());
        try {
            ensureDir();
            Properties p = new Properties();
            p.setProperty("format", Integer.toString(FORMAT));
            p.setProperty("nodename", record.nodename());
            set(p, "pidfile", record.pidfile());
            set(p, "logfile", record.logfile());
            int i = 0;
            for (Map.Entry<String, String> option : record.options().entrySet()) {
                p.setProperty("option." + i, option.getKey());
                set(p, "value." + i, option.getValue());
                i++;
            }
            for (int j = 0; j < record.passthrough().size(); j++) {
                p.setProperty("passthrough." + j, record.passthrough().get(j));
            }
            p.setProperty("started", record.started().toString());
            p.setProperty("restarts", Integer.toString(record.restarts()));
            set(p, "lastExit", record.lastExit());
            set(p, "uid", record.uid() == null ? null : record.uid().toString());
            for (int j = 0; j < record.after().size(); j++) {
                p.setProperty("after." + j, record.after().get(j));
            }
            set(p, "envSalt", record.envSalt());
            record.envHashes().forEach((name, hash) -> p.setProperty("env." + name, hash));
            p.setProperty("version", record.version() == null ? Install.version() : record.version());
            StringWriter text = new StringWriter();
            p.store(text, "drover node record");
            AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8),
                    PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot write node record " + file + ": " + OsErrors.reason(e));
        }
    }

    private static void set(Properties p, String key, String value) {
        if (value != null) {
            p.setProperty(key, value);
        }
    }

    private Path fileOf(String nodename) {
        // nodenames are names (no '/', no '..', no control characters): the grammar refuses others
        if (nodename.contains("/") || nodename.startsWith(".")) {
            throw new DroverException(ExitCode.USAGE, "not a node name: " + nodename);
        }
        return dir.resolve(nodename + SUFFIX);
    }

    /** The directory, 0700 and ours; an existing one anyone else can write is refused. */
    private void ensureDir() throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made by a concurrent drover of ours: checked below
            }
        }
        checkOwnedByUs(dir, true);
    }

    private static void checkOwnedByUs(Path p, boolean directory) throws IOException {
        // one lstat: status --all checks the directory and each record
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        boolean ours = (Integer) a.get("uid") == currentUid();
        int mode = (Integer) a.get("mode");
        int type = mode & 0170000;
        boolean kind = directory ? type == 0040000 : type == 0100000;
        boolean othersWrite = (mode & 0022) != 0;
        if (!ours || !kind || othersWrite) {
            throw new CorruptRecordException(p, "is not a " + (directory ? "directory" : "file")
                    + " only this user can write");
        }
    }

    /** Said when the registry cannot take the records of a start: the directory, then why. */
    public static final String NOT_WRITABLE = "cannot write the node registry %s: %s; no node started"
            + " (DROVER_STATE_DIR chooses another directory)";

    /**
     * Refuses, before a node is started, a registry that could not record it (read-only, full,
     * or not ours): a node drover cannot remember is one that {@code --all}, {@code restart}
     * from its record and {@code status}'s restarts would never know of. A file is made and
     * removed to find out, as a record would be written.
     *
     * @throws DroverException exit 73 naming the directory and why
     */
    public void checkWritable() {
        try {
            ensureDir();
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
        } catch (CorruptRecordException e) {
            throw new DroverException(e.exitCode(), String.format(NOT_WRITABLE, dir, e.getMessage()));
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, String.format(NOT_WRITABLE, dir, OsErrors.reason(e)));
        }
    }

    /** {@link #supervisionLock}'s path, for a reader: nothing is made. */
    public Path supervisionLockFile(String nodename) {
        return dir.resolve(fileOf(nodename).getFileName().toString().replace(SUFFIX, ".supervise"));
    }

    /**
     * The control socket of the {@code multi supervise} process {@code pid}: in the registry's
     * directory, which only its owner can enter, so only the owner (and root) can reach it.
     */
    public Path controlSocket(long pid) {
        return dir.resolve("supervise." + pid + ".sock");
    }

    /**
     * What {@link #checkWritable} would refuse, with nothing made ({@code multi dryrun}): the
     * directory, when it exists, must be this user's alone and writable; else the nearest
     * directory above it that exists must be writable, to make it in.
     */
    public void checkCouldWrite() {
        Path existing = dir;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        try {
            if (dir.equals(existing)) {
                checkOwnedByUs(dir, true);
            }
            if (existing != null && !Files.isWritable(existing)) {
                throw new java.nio.file.AccessDeniedException(existing.toString());
            }
        } catch (CorruptRecordException e) {
            throw new DroverException(e.exitCode(), String.format(NOT_WRITABLE, dir, e.getMessage()));
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, String.format(NOT_WRITABLE, dir, OsErrors.reason(e)));
        }
    }

    /**
     * The file {@code multi supervise} locks for a node while it supervises it
     * ({@code NODENAME.supervise}, next to the node's record), the directory made as for a record.
     */
    public Path supervisionLock(String nodename) {
        Path file = supervisionLockFile(nodename);
        try {
            ensureDir();
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot make " + dir + ": " + OsErrors.reason(e));
        }
        return file;
    }

    /**
     * A file of the detached supervisor's ({@code supervisor.pid}, {@code supervisor.lock}) in
     * the registry's directory, the directory made as for a record.
     */
    public Path supervisorFile(String name) {
        try {
            ensureDir();
        } catch (IOException e) {
            throw new DroverException(ExitCode.CANT_CREATE, "cannot make " + dir + ": " + OsErrors.reason(e));
        }
        return dir.resolve(name);
    }

    private static int currentUid() {
        return Us.UID;
    }

    /**
     * This process's uid, read once: each record is checked twice per read, and {@code status
     * --all} among 50 nodes spent a sixth of its CPU re-reading /proc/self/status. Only drover's
     * own commands read the registry, and they never change their uid.
     */
    private static final class Us {
        static final int UID = io.drover.posix.ProcessTable.uid(ProcessHandle.current().pid()).orElse(-1);
    }
}
