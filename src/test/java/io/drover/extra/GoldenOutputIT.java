package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * extra/golden/capture.sh against the built drover prints, byte for byte, what
 * extra/golden/baseline/ holds: what show, start, status, stop, stopwait, restart, kill and
 * forget printed before issue 26's redesign. On a difference the new output is left in
 * target/golden-actual, for {@code diff -r extra/golden/baseline target/golden-actual}.
 */
class GoldenOutputIT {
    static final Path SCRIPT = Path.of("extra/golden/capture.sh");
    static final Path BASELINE = Path.of("extra/golden/baseline");
    static final Path ACTUAL = Path.of("target/golden-actual");

    @TempDir
    Path tmp;

    @Test
    void every_command_of_the_scenario_prints_what_the_baseline_holds() throws IOException {
        Path out = tmp.resolve("out");
        Sandbox.Result capture;
        // the scenario's directory is made in tmp, so the sandbox kills whatever it left there
        try (Sandbox box = new Sandbox(tmp)) {
            capture = box.run(List.of("bash", SCRIPT.toAbsolutePath().toString(),
                    Sandbox.dist().resolve("bin/drover").toString(), out.toString()),
                    Map.of("TMPDIR", tmp.toString()), false, Duration.ofMinutes(5));
        }
        assertEquals(0, capture.code(), () -> "capture.sh failed: " + capture);

        SortedSet<String> expected = files(BASELINE);
        SortedSet<String> actual = files(out);
        List<String> differences = new ArrayList<>();
        for (String name : union(expected, actual)) {
            Path before = BASELINE.resolve(name);
            Path after = out.resolve(name);
            if (!expected.contains(name)) {
                differences.add(name + ": not in the baseline");
            } else if (!actual.contains(name)) {
                differences.add(name + ": not written");
            } else if (!Arrays.equals(Files.readAllBytes(before), Files.readAllBytes(after))) {
                differences.add(name + ":\n--- baseline\n" + read(before) + "--- now\n" + read(after));
            }
        }
        if (!differences.isEmpty()) {
            keep(out);
        }
        assertEquals(List.of(), differences, "what drover prints changed (the new output is in " + ACTUAL
                + "; diff -r " + BASELINE + " " + ACTUAL + ")");
    }

    /** The regular files under dir, as paths relative to it. */
    private static SortedSet<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
        }
    }

    private static SortedSet<String> union(SortedSet<String> a, SortedSet<String> b) {
        SortedSet<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Replaces target/golden-actual with a copy of out. */
    private static void keep(Path out) throws IOException {
        if (Files.exists(ACTUAL)) {
            try (Stream<Path> old = Files.walk(ACTUAL)) {
                for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path p : walk.toList()) {
                Files.copy(p, ACTUAL.resolve(out.relativize(p).toString()));
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
