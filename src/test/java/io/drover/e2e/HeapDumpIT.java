package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 30, item 4: a node that runs out of heap dumps it ({@code -XX:+HeapDumpOnOutOfMemoryError}
 * into its heap dump directory, by default {@code heapdump/%n} beside its logfile), exits
 * (status 3), and supervise says so and restarts it after its backoff; {@code status} shows the
 * record's last exit, {@code out of memory, heap dump PATH}; each start keeps only the newest
 * {@code --heap-dump-keep}. On the code before, no dump was made (no directory), and the exit
 * was "status 3".
 */
class HeapDumpIT extends DroverTest {
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");
    private static final String HOST = Drover.hostname();
    private static final Pattern OOM = Pattern.compile("> fxo1@" + Pattern.quote(HOST)
            + ": exited unasked \\(out of memory, heap dump (\\S+/java_pid(\\d+)\\.hprof)\\); restart (\\d+) in ([0-9.]+) s");

    @Test
    void a_node_out_of_heap_under_supervise_leaves_a_heap_dump_is_restarted_after_its_backoff_and_keeps_the_newest()
            throws Exception {
        Path out = dir.resolve("supervise.out");
        Process sv = drover.spawn(FORCE_ROOT, "supervise", "multi", "supervise", "1", "--range-prefix=fxo", drover.pidfileOption(),
                drover.logfileOption(), "-A", "io.drover.fixtures.AllocatingApp", "--classpath=" + Drover.testClasses(),
                "--jvm-opts=-Xmx24m", "--heap-dump-keep=1", "--backoff=0.2", "--max-restarts=0");
        Procs.waitUntil("three ends out of memory", Procs.PATIENCE, () -> count(read(out)) >= 3, () -> read(out));
        List<String[]> ends = ends(read(out));
        Path heapDumps = dir.resolve("heapdump/fxo1");
        for (int i = 0; i < 3; i++) {
            String[] end = ends.get(i);
            assertTrue(Path.of(end[0]).getParent().equals(heapDumps), end[0]);
            assertTrue(end[2].equals(Integer.toString(i + 1)), "restart " + end[2] + " of " + read(out));
        }
        // the usual backoff, growing: none for the first end in a row, then 0.2 s
        assertTrue(Double.parseDouble(ends.get(1)[3]) > Double.parseDouble(ends.get(0)[3]), read(out));

        Drover.Result status = drover.multi("status", "1", "--range-prefix=fxo");
        String line = status.lineFor("fxo1@" + HOST);
        assertTrue(line.contains("last exit out of memory, heap dump " + heapDumps + "/java_pid"), status::toString);

        // supervise stopped, the files stay as they are for the rest of the checks
        sv.destroy();
        assertTrue(sv.waitFor(Procs.PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), () -> read(out));
        ends = ends(read(out));
        // the third start kept the newest dump (the second's) and removed the first
        assertFalse(Files.exists(Path.of(ends.get(0)[0])), "--heap-dump-keep=1 removed the first dump");
        List<Path> kept = dumps(heapDumps);
        assertTrue(kept.size() <= 2, "one kept at each start, and the one the run since wrote: " + kept);
        String last = ends.get(ends.size() - 1)[0];
        assertTrue(Files.exists(Path.of(last)), "the newest dump named survives the restart: " + kept + ", " + last);
    }

    /** A node out of heap in its start-up: start's failure names the dump, as supervise's line does. */
    @Test
    void a_node_out_of_heap_before_it_is_ready_fails_its_start_naming_its_heap_dump() throws Exception {
        Drover.Result r = drover.multi(FORCE_ROOT, "start", "1", "--range-prefix=fxq", drover.pidfileOption(),
                drover.logfileOption(), "-A", "io.drover.fixtures.OutOfMemoryInStartApp", "--classpath=" + Drover.testClasses(),
                "--jvm-opts=-Xmx24m");
        Path heapDumps = dir.resolve("heapdump/fxq1");
        Matcher m = Pattern.compile("exited with status 3 before it was ready \\(out of memory, heap dump ("
                + Pattern.quote(heapDumps.toString()) + "/java_pid\\d+\\.hprof)\\)").matcher(r.output());
        assertTrue(r.exitCode() != 0 && m.find(), r::toString);
        assertTrue(Files.isRegularFile(Path.of(m.group(1))), m.group(1));
    }

    private static List<Path> dumps(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".hprof")).sorted().toList();
        }
    }

    private static List<String[]> ends(String text) {
        List<String[]> ends = new ArrayList<>();
        Matcher m = OOM.matcher(text);
        while (m.find()) {
            ends.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
        }
        return ends;
    }

    private static int count(String text) {
        return ends(text).size();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
