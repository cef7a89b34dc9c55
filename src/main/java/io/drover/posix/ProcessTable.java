package io.drover.posix;

import io.drover.core.ProcEntry;
import io.drover.core.ProcFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the kernel says about a pid, read without native calls. A zombie counts as dead: nodes are
 * reparented to whatever PID 1 is, and not every PID 1 reaps (this machine's does not), while
 * {@link ProcessHandle#isAlive()} calls a zombie alive.
 */
public final class ProcessTable {
    private ProcessTable() {}

    private static final boolean PROCFS = Files.isDirectory(Path.of("/proc/self"));

    public static boolean isAlive(long pid) {
        if (pid <= 0) {
            return false;
        }
        if (!PROCFS) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            if (!ProcEntry.Stat.read(proc).dead()) {
                return true;
            }
            // The main thread of a JVM can be a zombie while its other threads are still
            // exiting and still hold the pidfile lock: the process is gone only when every
            // thread is.
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                for (Path task : tasks) {
                    try {
                        if (!ProcEntry.Stat.read(task).dead()) {
                            return true;
                        }
                    } catch (NoSuchFileException e) {
                        // that thread is gone
                    }
                }
            }
            return false;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** The pids of every process, from {@code /proc} (empty where there is none). */
    public static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return pids;
    }

    /**
     * The longest command line read: a drover node's is a few KB (java, its options, drover's
     * classpath, the worker's options). Any user's process is read to find the nodes, and one
     * may be megabytes long.
     */
    public static final int MAX_COMMAND_LINE = 256 * 1024;
    /** The longest environment read: an operator's is a few KB. */
    public static final int MAX_ENVIRONMENT = 1024 * 1024;

    /**
     * The process's argv, as {@code /proc/PID/cmdline} holds it; empty if unreadable or longer
     * than {@link #MAX_COMMAND_LINE}. Its process wrote it: data to check, never to trust.
     */
    public static List<String> commandLine(long pid) {
        try {
            return split(ProcFiles.bytes("/proc/" + pid + "/cmdline", MAX_COMMAND_LINE));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The value of the variable {@code name} in the environment the process was started with
     * ({@code /proc/PID/environ}), as {@code getenv} finds it (the first one); empty when it has
     * none, or its environment cannot be read: the kernel lets only root (with
     * {@code CAP_SYS_PTRACE}) and the process's own user read it, and not the user either once the
     * process changed its uid.
     */
    public static Optional<String> environment(long pid, String name) {
        List<String> entries;
        try {
            entries = split(ProcFiles.bytes("/proc/" + pid + "/environ", MAX_ENVIRONMENT));
        } catch (IOException e) {
            return Optional.empty();
        }
        String prefix = name + "=";
        for (String entry : entries) {
            if (entry.startsWith(prefix)) {
                return Optional.of(entry.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /** NUL-terminated strings; none for null (a file longer than its bound). */
    private static List<String> split(byte[] raw) {
        if (raw == null) {
            return List.of();
        }
        List<String> strings = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                strings.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return strings;
    }

    /**
     * This process's umask, from {@code /proc/self/status} (Linux 4.7+) without native code;
     * 0777 if it cannot be read, so callers that must not depend on it take their safe path.
     */
    public static int umask() {
        return statusField(ProcessHandle.current().pid(), "Umask").map(v -> {
            try {
                return Integer.parseInt(v, 8);
            } catch (NumberFormatException e) {
                return 0777;
            }
        }).orElse(0777);
    }

    /** The real uid a process runs as ({@code Uid:} in /proc/PID/status), if readable. */
    public static Optional<Integer> uid(long pid) {
        return statusField(pid, "Uid").map(v -> Integer.parseInt(v.split("\\s+")[0]));
    }

    /** The pid of a process's parent ({@code PPid:} in /proc/PID/status), if readable. */
    public static Optional<Long> parent(long pid) {
        return statusField(pid, "PPid").map(Long::parseLong);
    }

    /** The process's resident set size in bytes ({@code VmRSS} in /proc/PID/status), if readable. */
    public static Optional<Long> rss(long pid) {
        return ProcEntry.Status.of(pid).flatMap(s -> s.bytes("VmRSS"));
    }

    private static Optional<String> statusField(long pid, String field) {
        // none for a process that is gone, or off Linux
        return ProcEntry.Status.of(pid).flatMap(s -> s.field(field));
    }

    /** stat's fields: the process group (5) and the session (6), as proc(5) numbers them. */
    private static final int PGRP = 5;
    private static final int SESSION = 6;

    /**
     * Whether the live process {@code pid} leads its own session and process group, as a node
     * does from its spawn (setsid): then the group {@code pid} is that process's, the processes
     * it started and did not move into a session of their own. A node's group is signalled only
     * once {@code pid} was verified to be the node, and only while this holds.
     */
    public static boolean leadsSession(long pid) {
        return ProcEntry.Stat.of(pid).map(s -> !s.dead() && s.has(SESSION) && s.number(PGRP) == pid
                && s.number(SESSION) == pid).orElse(false);
    }

    /**
     * The live processes whose process group and session are both {@code pgid} (a process can
     * join a group only within its own session, and only a process of that session's can have
     * its session's id), each with its uid: read once for an operation, from one pass over
     * {@code /proc}, so that status of many dead nodes does not read it once per node.
     *
     * @return each session leader's group by its id, in pid order; empty off Linux
     */
    public static Map<Long, List<GroupMember>> sessionGroups() {
        Map<Long, List<GroupMember>> groups = new HashMap<>();
        for (long pid : pids()) {
            long pgid = ProcEntry.Stat.of(pid).filter(st -> !st.dead() && st.has(SESSION)
                    && st.number(PGRP) == st.number(SESSION)).map(st -> st.number(PGRP)).orElse(-1L);
            if (pgid > 0) {
                uid(pid).ifPresent(u -> groups.computeIfAbsent(pgid, g -> new ArrayList<>()).add(new GroupMember(pid, u)));
            }
        }
        return groups;
    }

    /** A live process of a session leader's group, and its uid. */
    public record GroupMember(long pid, int uid) {}

    /**
     * What is left of the group a process {@code pgid} led once it is gone: the members of
     * {@code groups} ({@link #sessionGroups}) in it that run as {@code uid}, in pid order.
     */
    public static List<Long> groupLeft(Map<Long, List<GroupMember>> groups, long pgid, int uid) {
        return groups.getOrDefault(pgid, List.of()).stream()
                // the leader itself is gone: a zombie nobody reaped is not found alive
                .filter(m -> m.pid() != pgid && m.uid() == uid).map(GroupMember::pid).sorted().toList();
    }

    /** Whether one of the process's threads has this name ({@code /proc/PID/task/TID/comm}). */
    public static boolean hasThread(long pid, String name) {
        // names and numbers, not Paths and a Comparator: status --all asks this of every node, interpreted
        String task = "/proc/" + pid + "/task/";
        String[] names = new java.io.File(task).list();
        if (names == null) {
            return false; // gone, or not ours to list
        }
        long[] tids = new long[names.length];
        int n = 0;
        for (String t : names) {
            try {
                tids[n] = Long.parseLong(t);
                n++;
            } catch (NumberFormatException e) {
                // only threads are listed there
            }
        }
        java.util.Arrays.sort(tids, 0, n);
        // newest first: a thread started late (as a node's ready thread is) is found in a few reads
        for (int i = n - 1; i >= 0; i--) {
            try {
                if (ProcFiles.text(task + tids[i] + "/comm").trim().equals(name)) {
                    return true;
                }
            } catch (IOException e) {
                // that thread is gone
            }
        }
        return false;
    }
}
