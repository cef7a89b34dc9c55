package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.Install;
import io.drover.core.Namespace;
import io.drover.launch.LaunchOutcome;
import io.drover.launch.LaunchSpec;
import io.drover.launch.NodeStarter;
import io.drover.posix.Identity;
import io.drover.posix.Posix;
import io.drover.registry.NodeRecord;
import io.drover.registry.NodeRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's decisions, with a fake starter and a real registry in a temporary directory:
 * which node is started with what, what is recorded, what is reported, and the exit status.
 * Starting, signalling and waiting for real processes is the end-to-end tests' (LifecycleIT).
 */
class ClusterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Supplier<Posix> NO_POSIX = () -> {
        throw new AssertionError("these decisions need no native call");
    };

    @TempDir
    Path tmp;

    /** Starts nodes as told: records every spec it was asked to start. */
    static final class FakeStarter implements NodeStarter {
        final List<LaunchSpec> started = Collections.synchronizedList(new ArrayList<>());
        Function<LaunchSpec, LaunchOutcome> outcome = spec -> new LaunchOutcome.Ready(4242);

        @Override
        public Identity check(LaunchSpec spec) {
            return null;
        }

        @Override
        public Identity identity(LaunchSpec.RunAs runAs) {
            if ("gone".equals(runAs.uid())) {
                throw new io.drover.core.DroverException(ExitCode.NO_USER, "no such user: gone");
            }
            return null;
        }

        @Override
        public void checkFiles(LaunchSpec spec, Identity owner) {
            // the directories are the launcher's to check: LauncherIT and the dry runs of DryrunIT
        }

        @Override
        public LaunchOutcome start(LaunchSpec spec, Runnable up) {
            started.add(spec);
            up.run();
            return outcome.apply(spec);
        }

        @Override
        public Namespace namespace() {
            return new Namespace("/nowhere");
        }

        @Override
        public int runInForeground(LaunchSpec spec) {
            throw new AssertionError("not asked");
        }
    }

    /** Every event, as "NODENAME Variant". */
    static final class Events implements ClusterListener {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final List<NodeEvent> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void phase(String title, List<NodeSpec> nodes) {
            seen.add("phase " + title);
        }

        @Override
        public void node(NodeSpec node, NodeEvent event) {
            seen.add(node.nodename().full() + " " + event.getClass().getSimpleName());
            events.add(event);
        }

        @Override
        public void waiting(List<NodeSpec> remaining) {}
    }

    private final FakeStarter starter = new FakeStarter();
    private final Events events = new Events();

    private Cluster cluster() {
        return new Cluster(NO_POSIX, events, tmp.resolve("registry"), starter);
    }

    private NodeRegistry registry() {
        return new NodeRegistry(tmp.resolve("registry"));
    }

    private List<NodeSpec> nodes(String args) {
        List<String> tokens = new ArrayList<>(List.of(args.split(" ")));
        tokens.addAll(1, List.of("--pidfile=" + tmp + "/%n.pid", "--logfile=" + tmp + "/%n%I.log"));
        ParsedArgs parsed = ArgParser.parse(tokens, false, n -> false);
        Host host = new Host("box", false, Map.of("HOME", tmp.toString()));
        return NodeExpander.expand(parsed.positionals(), parsed, host, w -> { });
    }

    private static List<String> workerArgs(LaunchSpec spec) {
        return spec.argv().subList(spec.argv().indexOf(Install.MAIN_CLASS) + 1, spec.argv().size());
    }

    @Test
    void a_start_records_the_options_the_node_was_started_with() {
        Cluster cluster = cluster();

        int code = cluster.start(cluster.snapshot(), nodes("ct1 -c 3 -Q a,b -- x"), TIMEOUT);

        assertEquals(ExitCode.OK, code);
        assertEquals(List.of("phase Starting nodes", "ct1@box Started"), events.seen);
        NodeRecord r = registry().find("ct1@box").orElseThrow();
        assertEquals(Map.of("-c", "3", "-Q", "a,b"), r.options());
        assertEquals(List.of("--", "x"), r.passthrough());
        assertEquals(0, r.restarts());
    }

    @Test
    void a_node_given_without_options_is_started_as_recorded_with_this_installations_java() {
        cluster().start(cluster().snapshot(), nodes("ct2 -c 3 --jvm-opts=-Xmx64m"), TIMEOUT);
        starter.started.clear();
        Cluster cluster = cluster();

        int code = cluster.restart(cluster.snapshot(), nodes("ct2"), 15, TIMEOUT, TIMEOUT);

        assertEquals(ExitCode.OK, code);
        LaunchSpec again = starter.started.get(0);
        assertEquals(Install.java(), again.argv().get(0));
        assertTrue(again.argv().contains("-Xmx64m"), again.argv()::toString);
        assertEquals(List.of("worker", "--detach", "-n", "ct2@box", "--pidfile=" + tmp + "/ct2.pid",
                "--logfile=" + tmp + "/ct2%I.log", "-c", "3", "--jvm-opts=-Xmx64m"), workerArgs(again));
        assertEquals(1, registry().find("ct2@box").orElseThrow().restarts());
    }

    @Test
    void options_given_replace_the_record_and_the_ones_left_out_are_named() {
        cluster().start(cluster().snapshot(), nodes("ct3 -c 3 -Q a,b --umask=022"), TIMEOUT);
        events.seen.clear();
        events.events.clear();
        Cluster cluster = cluster();

        cluster.start(cluster.snapshot(), nodes("ct3 --concurrency=1"), TIMEOUT);

        assertEquals(List.of("phase Starting nodes", "ct3@box Started", "ct3@box Dropped"), events.seen);
        assertEquals(new NodeEvent.Dropped(List.of("-Q a,b", "--umask=022")), events.events.get(1));
        assertEquals(Map.of("--concurrency", "1"), registry().find("ct3@box").orElseThrow().options());
    }

    @Test
    void a_start_that_fails_records_nothing_and_exits_with_the_common_cause() {
        starter.outcome = spec -> new LaunchOutcome.Failed(ExitCode.CANT_CREATE, "cannot create the logfile");
        Cluster cluster = cluster();

        int code = cluster.start(cluster.snapshot(), nodes("2 --range-prefix=ctf"), TIMEOUT);

        assertEquals(ExitCode.CANT_CREATE, code);
        assertTrue(registry().all().isEmpty());
    }

    @Test
    void failures_of_different_causes_exit_1() {
        starter.outcome = spec -> spec.nodename().full().startsWith("ctm1")
                ? new LaunchOutcome.Failed(ExitCode.CANT_CREATE, "cannot create")
                : new LaunchOutcome.Failed(ExitCode.NO_PERMISSION, "not permitted");
        Cluster cluster = cluster();

        assertEquals(ExitCode.NODE_FAILED, cluster.start(cluster.snapshot(), nodes("2 --range-prefix=ctm"), TIMEOUT));
    }

    @Test
    void a_rolling_restart_stops_at_a_node_that_does_not_come_back_and_leaves_the_rest_alone() {
        starter.outcome = spec -> spec.nodename().full().startsWith("ctr2")
                ? new LaunchOutcome.Failed(ExitCode.NODE_FAILED, "died") : new LaunchOutcome.Ready(4242);
        Cluster cluster = cluster();

        int code = cluster.restartRolling(cluster.snapshot(), nodes("4 --range-prefix=ctr"), 15, TIMEOUT, TIMEOUT, 1);

        assertEquals(ExitCode.NODE_FAILED, code);
        assertEquals(List.of("ctr1@box", "ctr2@box"), starter.started.stream().map(s -> s.nodename().full()).toList());
        assertEquals(List.of("phase Restarting nodes, 1 at a time", "ctr1@box Started", "ctr2@box Failed",
                "ctr3@box Warning", "ctr4@box Warning"), events.seen);
        assertEquals(new NodeEvent.Warning(Cluster.ROLL_STOPPED), events.events.get(2));
    }

    @Test
    void an_untrusted_record_is_named_and_skipped_and_changes_no_exit_code() throws IOException {
        cluster().start(cluster().snapshot(), nodes("ctu -c 2"), TIMEOUT);
        Path record = tmp.resolve("registry/ctu@box.node");
        Files.writeString(record, "format=2\nnot a record");
        starter.started.clear();
        events.seen.clear();
        Cluster cluster = cluster();
        Snapshot snapshot = cluster.snapshot();

        int code = cluster.restart(snapshot, snapshot.allRecorded(), 15, TIMEOUT, TIMEOUT);

        assertEquals(ExitCode.OK, code);
        assertTrue(starter.started.isEmpty());
        assertEquals(List.of("phase Restarting nodes", "ctu@box Warning"), events.seen);
    }

    @Test
    void a_format_1_record_starts_its_node_with_its_options_and_is_written_as_format_2() throws IOException {
        Path dir = tmp.resolve("registry");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path file = dir.resolve("ctl@box.node");
        Files.writeString(file, String.join("\n", "format=1", "nodename=ctl@box", "pidfile=" + tmp + "/ctl.pid",
                "logfile=" + tmp + "/ctl%I.log", "argv.0=/old/java", "argv.1=io.drover.cli.Main", "argv.2=worker",
                "argv.3=--detach", "argv.4=-n", "argv.5=ctl@box", "argv.6=--pidfile\\=" + tmp + "/ctl.pid",
                "argv.7=--logfile\\=" + tmp + "/ctl%I.log", "argv.8=-l", "argv.9=DEBUG",
                "started=2026-12-01T00:00:00Z", "restarts=0", ""));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Cluster cluster = cluster();

        cluster.restart(cluster.snapshot(), nodes("ctl"), 15, TIMEOUT, TIMEOUT);

        LaunchSpec spec = starter.started.get(0);
        assertEquals(Install.java(), spec.argv().get(0));
        assertEquals(List.of("-l", "DEBUG"), workerArgs(spec).subList(6, 8));
        String written = Files.readString(file);
        assertTrue(written.contains("format=2"), written);
        assertFalse(written.contains("/old/java"), written);
    }

    @Test
    void a_stop_of_a_node_recorded_with_a_user_since_deleted_looks_up_no_user_and_says_not_running() {
        registry().write(new NodeRecord("ctg@box", tmp + "/ctg.pid", tmp + "/ctg%I.log", Map.of("--uid", "gone"),
                List.of(), java.time.Instant.EPOCH, 0, null, null, 4242));
        Cluster cluster = cluster();

        int code = cluster.stop(cluster.snapshot(), nodes("ctg"), 15);

        assertEquals(ExitCode.OK, code);
        assertEquals(List.of("phase Stopping nodes", "ctg@box NotRunning"), events.seen);
    }
}
