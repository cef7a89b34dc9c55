package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Issue 2's "Examples that must hold", as data shared by the command tests (through
 * {@code Main.run}) and the end-to-end tests (through the launcher). {@code HOST} in an
 * expectation stands for the machine's hostname.
 */
final class IssueTwoExamples {
    private IssueTwoExamples() {}

    enum Kind {
        /** stdout is one command line per node: checked as nodename and the options after --logfile. */
        SHOW,
        /** stdout lines are compared exactly. */
        LINES,
        /** exit 64, nothing on stdout, one line on stderr that mentions every expected part. */
        USAGE_ERROR
    }

    record Example(String command, Kind kind, List<String> expected) {
        List<String> args() {
            return Arrays.asList(command.split(" "));
        }

        List<String> expected(String host) {
            return expected.stream().map(e -> e.replace("HOST", host)).toList();
        }

        @Override
        public String toString() {
            return "multi " + command;
        }
    }

    private static Example show(String command, String... nodes) {
        return new Example(command, Kind.SHOW, List.of(nodes));
    }

    static Stream<Example> all() {
        return Stream.of(
                show("show 3 -c 3", "drover1@HOST -c 3", "drover2@HOST -c 3", "drover3@HOST -c 3"),
                show("show 3 --range-prefix=worker -c 3", "worker1@HOST -c 3", "worker2@HOST -c 3", "worker3@HOST -c 3"),
                show("show image video data -c 3 -c:image 10", "image@HOST -c 10", "video@HOST -c 3", "data@HOST -c 3"),
                show("show 2 --hostname=worker.example.com", "drover1@worker.example.com", "drover2@worker.example.com"),
                show("show foo@%h bar@%h", "foo@HOST", "bar@HOST"),
                show("show 10 -l INFO -Q:1-3 images,video -Q:4,5 data -Q default -l:4,5 DEBUG",
                        "drover1@HOST -l INFO -Q images,video",
                        "drover2@HOST -l INFO -Q images,video",
                        "drover3@HOST -l INFO -Q images,video",
                        "drover4@HOST -l DEBUG -Q data",
                        "drover5@HOST -l DEBUG -Q data",
                        "drover6@HOST -l INFO -Q default",
                        "drover7@HOST -l INFO -Q default",
                        "drover8@HOST -l INFO -Q default",
                        "drover9@HOST -l INFO -Q default",
                        "drover10@HOST -l INFO -Q default"),
                show("show 5 -c 3 -c:1-3 10",
                        "drover1@HOST -c 10", "drover2@HOST -c 10", "drover3@HOST -c 10",
                        "drover4@HOST -c 3", "drover5@HOST -c 3"),
                show("show foo bar baz xuzzy -c 3 -c:foo,bar,baz 10",
                        "foo@HOST -c 10", "bar@HOST -c 10", "baz@HOST -c 10", "xuzzy@HOST -c 3"),
                show("show 2 -- --extra x", "drover1@HOST -- --extra x", "drover2@HOST -- --extra x"),
                new Example("expand %n.pid foo bar@%h", Kind.LINES, List.of("foo.pid", "bar.pid")),
                new Example("expand %h|%n|%d w1", Kind.LINES, List.of("w1@HOST|w1|HOST")),
                new Example("show 3 -c:4 5", Kind.USAGE_ERROR, List.of("index 4", "3 nodes")));
    }

    /**
     * One show line reduced to {@code NODENAME OPTIONS...}: the nodename after {@code -n}, then
     * every word after the {@code --logfile=} word, i.e. what the user's options became.
     */
    static String nodeAndOptions(List<String> words) {
        int worker = words.indexOf("worker");
        assertTrue(worker > 0 && words.get(worker + 1).equals("--detach") && words.get(worker + 2).equals("-n"),
                "expected '... worker --detach -n NODENAME' in " + words);
        assertTrue(words.get(worker + 4).startsWith("--pidfile="), "pidfile after the nodename in " + words);
        assertTrue(words.get(worker + 5).startsWith("--logfile="), "logfile after the pidfile in " + words);
        List<String> out = new ArrayList<>();
        out.add(words.get(worker + 3));
        out.addAll(words.subList(worker + 6, words.size()));
        return String.join(" ", out);
    }

    /** Checks stdout and stderr of one example as docs/design.md and the issue state them. */
    static void check(Example example, String host, int exitCode, String stdout, String stderr,
                      java.util.function.Function<String, List<String>> splitWords) {
        List<String> out = stdout.lines().toList();
        List<String> err = stderr.lines().toList();
        switch (example.kind()) {
            case SHOW -> {
                assertEquals(0, exitCode, "exit code; stderr: " + stderr);
                assertEquals(List.of(), err, "stderr");
                assertEquals(example.expected(host), out.stream().map(l -> nodeAndOptions(splitWords.apply(l))).toList());
            }
            case LINES -> {
                assertEquals(0, exitCode, "exit code; stderr: " + stderr);
                assertEquals(List.of(), err, "stderr");
                assertEquals(example.expected(host), out);
            }
            case USAGE_ERROR -> {
                assertEquals(64, exitCode, "exit code");
                assertEquals(List.of(), out, "stdout");
                assertEquals(1, err.size(), "one line on stderr: " + stderr);
                for (String part : example.expected(host)) {
                    assertTrue(err.get(0).contains(part), "stderr should mention '" + part + "': " + stderr);
                }
            }
        }
    }
}
