package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.fixtures.LogWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 27, item 6: {@code multi logs -f} across rotations loses no line it could have read. A
 * {@link LogWriter} process writes numbered lines; the test rotates its file as logrotate does,
 * and reads what the launcher's {@code logs -f} printed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LogRotationIT extends DroverTest {
    /** A node name no other test uses. */
    private static final String NODE = "r27logsf";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Pattern LINE = Pattern.compile("^" + NODE + "@\\S+: n=(\\d+) gen=(\\d+) ", Pattern.MULTILINE);

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopWhatWasStarted() {
        processes.forEach(Process::destroyForcibly);
    }

    /**
     * logrotate without copytruncate: rename, create the new file (the test writes a mark in it),
     * and only then tell the writer to reopen; meanwhile the writer goes on in the renamed file.
     * Before the fix the renamed file was dropped as soon as the new one appeared: 5 rotations
     * lost hundreds of lines.
     */
    @Test
    void a_rename_rotation_five_times_under_a_fast_writer_loses_no_line() throws IOException {
        Writer writer = writerFollowed();
        writer.ask("go");
        for (int r = 1; r <= 5; r++) {
            int gen = r;
            awaitOutput(writer.out, "a line of file " + gen, s -> s.contains(" gen=" + gen + " "));
            Files.move(writer.log, dir.resolve(NODE + ".log." + r));
            Files.writeString(writer.log, "rotated " + r + "\n");
            String mark = "rotated " + r;
            // the new file is followed: before the fix, the renamed one was left for good
            awaitOutput(writer.out, mark, s -> s.contains(mark));
            assertEquals("reopened " + (r + 1), writer.ask("reopen"));
        }
        long last = Long.parseLong(writer.ask("stop").substring("stopped ".length()));
        List<String> problems = awaitAllNumbers(writer.out, 1, last);
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /**
     * copytruncate, then at once more bytes than the file had, between two polls: before the
     * fix only the size going down was noticed, and the new lines up to the old size were skipped.
     */
    @Test
    void a_copytruncate_refilled_past_the_old_size_at_once_shows_the_new_lines() throws IOException {
        Writer writer = writerFollowed();
        assertEquals("wrote 500", writer.ask("burst 500"));
        awaitOutput(writer.out, "line 500", s -> s.contains("n=000500 "));
        assertEquals("wrote 1100", writer.ask("truncate-burst 600"));
        List<String> problems = awaitAllNumbers(writer.out, 1, 1100);
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /**
     * A log writer on {@code D/NODE.log}, which holds one line, and {@code logs -f} of it, once
     * that line is printed.
     */
    private Writer writerFollowed() throws IOException {
        Path log = dir.resolve(NODE + ".log");
        Files.writeString(log, "start\n");
        Writer writer = new Writer(log, follow());
        awaitOutput(writer.out, "start", s -> s.contains("start"));
        return writer;
    }

    /** {@code logs -f -n 1} of the node whose logfile is in D; its output goes to a file. */
    private Path follow() {
        Path out = dir.resolve("follow.out");
        List<String> argv = List.of(Drover.launcher().toString(), "multi", "logs", "-f", "-n", "1", NODE,
                "--logfile=" + dir + "/%n%I.log");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile())
                .redirectError(dir.resolve("follow.err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("DROVER_"));
        pb.environment().put("DROVER_STATE_DIR", dir.resolve(".state").toString());
        try {
            processes.add(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        }
        return out;
    }

    private void awaitOutput(Path out, String what, java.util.function.Predicate<String> condition) {
        Procs.waitUntil("logs -f to print " + what, DEADLINE, () -> condition.test(read(out)), () -> tail(out));
    }

    /**
     * Waits until every number in [first, last] was printed; then says what is missing, what is
     * twice, and which file's lines came out of order. Lines of different files may interleave
     * (the old file is read while the writer still writes it), lines of one file may not.
     */
    private List<String> awaitAllNumbers(Path out, long first, long last) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        List<String> problems;
        do {
            problems = check(read(out), first, last);
            if (problems.isEmpty()) {
                return problems;
            }
            pause();
        } while (System.nanoTime() < end);
        return problems;
    }

    private static List<String> check(String output, long first, long last) {
        Map<Long, Integer> seen = new TreeMap<>();
        Map<Integer, Long> lastOfGen = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Matcher m = LINE.matcher(output);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            int gen = Integer.parseInt(m.group(2));
            seen.merge(n, 1, Integer::sum);
            Long before = lastOfGen.put(gen, n);
            if (before != null && before >= n && problems.size() < 10) {
                problems.add("file " + gen + ": line " + n + " after line " + before);
            }
        }
        long missing = 0;
        List<Long> someMissing = new ArrayList<>();
        for (long n = first; n <= last; n++) {
            if (!seen.containsKey(n)) {
                missing++;
                if (someMissing.size() < 20) {
                    someMissing.add(n);
                }
            }
        }
        if (missing > 0) {
            problems.add(missing + " of lines " + first + ".." + last + " not printed, the first: " + someMissing);
        }
        long twice = seen.values().stream().filter(c -> c > 1).count();
        if (twice > 0) {
            problems.add(twice + " lines printed more than once");
        }
        return problems;
    }

    /** A file's text, or "" while it is not there (also NodeLogLinesIT's). */
    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The end of what {@code logs -f} printed into {@code p}, for a failure's message. */
    static String tail(Path p) {
        String s = read(p);
        return "logs -f printed (the end): " + s.substring(Math.max(0, s.length() - 2000));
    }

    private static void pause() {
        try {
            Thread.sleep(Procs.POLL_MILLIS); // between two looks at what logs -f printed, within a deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The {@link LogWriter} process, asked through its standard input. */
    private final class Writer {
        final Path log;
        /** What {@code logs -f} prints. */
        final Path out;
        private final Process process;
        private final OutputStream commands;
        private final BufferedReader answers;

        Writer(Path log, Path out) throws IOException {
            this.log = log;
            this.out = out;
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-cp", Drover.testClasses(), LogWriter.class.getName(), log.toString())
                    .redirectError(dir.resolve("writer.err").toFile()).start();
            processes.add(process);
            commands = process.getOutputStream();
            answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", answers.readLine());
        }

        String ask(String command) throws IOException {
            commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
            String answer = answers.readLine();
            if (answer == null) {
                throw new AssertionError("the log writer ended: " + read(dir.resolve("writer.err")));
            }
            return answer;
        }
    }
}
