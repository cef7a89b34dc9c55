package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The paths that skip picocli must mean exactly what picocli means. */
class FastPathsTest {

    static Stream<List<String>> workerArguments() {
        return Stream.of(
                List.of(),
                List.of("--detach", "-n", "w1@host", "--pidfile=/tmp/x/%n.pid", "--logfile=/tmp/x/%n%I.log", "-c", "3"),
                List.of("-A", "com.acme.App", "--classpath=/opt/a/*:/opt/b", "-Q", "a,b", "--queues=c", "-l", "DEBUG"),
                List.of("--uid", "nobody", "--gid=nogroup", "--umask=022", "--workdir", "/srv", "--start-timeout=2.5"),
                List.of("--jvm-opts=-Xmx64m -Dx=y", "--executable=/usr/bin/java", "-P", "solo", "--", "--extra", "x"),
                List.of("-c", "2", "--", "-c", "9"));
    }

    @ParameterizedTest
    @MethodSource("workerArguments")
    void the_lean_parser_fills_a_worker_as_picocli_does(List<String> args) {
        WorkerCommand lean = new WorkerCommand();
        assertTrue(LeanParser.fill(lean, args), "lean parser refused " + args);
        WorkerCommand full = new WorkerCommand();
        new CommandLine(full).setExpandAtFiles(false).parseArgs(args.toArray(String[]::new));
        assertEquals(describe(full), describe(lean), String.join(" ", args));
    }

    @Test
    void the_lean_parser_fills_beat_as_picocli_does() {
        List<String> args = List.of("--detach", "--schedule=/tmp/s", "--max-interval", "5", "--no-catch-up",
                "--stop-timeout=1", "--pidfile=/tmp/b.pid", "-A", "x.Y");
        BeatCommand lean = new BeatCommand();
        assertTrue(LeanParser.fill(lean, args));
        BeatCommand full = new BeatCommand();
        new CommandLine(full).parseArgs(args.toArray(String[]::new));
        assertEquals(List.of(full.schedule, full.maxInterval, full.noCatchUp, full.stopTimeout, describe(full.daemon)),
                List.of(lean.schedule, lean.maxInterval, lean.noCatchUp, lean.stopTimeout, describe(lean.daemon)));
    }

    @ParameterizedTest
    @MethodSource("leftToPicocli")
    void the_lean_parser_leaves_to_picocli_what_picocli_must_report_or_interpret(List<String> args) {
        assertFalse(LeanParser.fill(new WorkerCommand(), args), String.join(" ", args));
    }

    static Stream<List<String>> leftToPicocli() {
        return Stream.of(List.of("--help"), List.of("-h"), List.of("-V"), List.of("--bogus"), List.of("-c2"),
                List.of("-c", "two"), List.of("-c", "0x10"), List.of("--start-timeout=1e", "-c", "1"), List.of("-c", "1", "-c", "2"), List.of("--pidfile"), List.of("--detach=yes"));
    }

    private static List<Object> describe(WorkerCommand w) {
        List<Object> all = new ArrayList<>(List.of(String.valueOf(w.nodename), String.valueOf(w.concurrency),
                String.valueOf(w.pool), w.queues, w.appArgs));
        all.addAll(describe(w.daemon));
        return all;
    }

    private static List<Object> describe(DaemonOptions d) {
        return java.util.Arrays.asList(d.app, d.loglevel, d.logfile, d.pidfile, d.workdir, d.umask, d.classpath,
                d.jvmOpts, d.executable, d.uid, d.gid, d.detach, d.startTimeout);
    }
}
