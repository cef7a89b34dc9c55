package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.cli.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover multi export supervisord}, run by a real supervisord of our own: each program is
 * the node with the argv {@code multi show} prints (less --detach), supervisord its parent, and
 * {@code supervisorctl stop drover:*} a warm shutdown of every node.
 *
 * <p>It runs beside other classes: its supervisord's config, socket, pidfile and log and the
 * nodes' pidfiles and logs are in its temp dir, and its nodes, run by hand, are {@code image}
 * and {@code video}, names no other test runs.
 */
class SupervisordExportIT {
    static final Pattern STATUS = Pattern.compile("^drover:(\\S+)\\s+(\\S+)\\s*(?:pid (\\d+),)?.*$", Pattern.MULTILINE);

    static Path dist;
    static Path supervisord;
    static Path supervisorctl;

    @TempDir
    Path tmp;

    Sandbox box;
    Path conf;
    Process daemon;

    @BeforeAll
    static void findPrograms() {
        dist = Sandbox.dist();
        supervisord = Sandbox.requireProgram("supervisord", "supervisor");
        supervisorctl = Sandbox.requireProgram("supervisorctl", "supervisor");
    }

    @BeforeEach
    void sandbox() {
        box = new Sandbox(tmp);
    }

    @AfterEach
    void tearDown() {
        try {
            if (daemon != null && daemon.isAlive()) {
                box.run(List.of(supervisorctl.toString(), "-c", conf.toString(), "shutdown"), Map.of(), false);
                try {
                    Sandbox.awaitGone(daemon.pid(), Duration.ofSeconds(20));
                } catch (AssertionError e) {
                    daemon.destroyForcibly();
                }
            }
        } finally {
            box.close();
        }
    }

    Sandbox.Result drover(List<String> args) {
        List<String> command = new ArrayList<>(List.of(dist.resolve("bin/drover").toString()));
        command.addAll(args);
        return box.run(command, Map.of("JAVA_HOME", Sandbox.javaHome()), false);
    }

    /** Two nodes with options of their own, and words a shell or supervisord would mangle. */
    List<String> nodes() {
        return List.of("image", "video", "--pidfile=" + tmp + "/run/%n.pid", "--logfile=" + tmp + "/log/%n%I.log",
                "-c", "2", "-c:image", "3", "-Q:video", "slow,%n", "--jvm-opts:video=-Dexport.test=$HOME%%p",
                "--", "a b ;c", "50%", "'quoted' \"twice\"");
    }

    Map<String, Long> running() {
        Sandbox.Result r = box.run(List.of(supervisorctl.toString(), "-c", conf.toString(), "status"), Map.of(), false);
        Map<String, Long> pids = new LinkedHashMap<>();
        Matcher m = STATUS.matcher(r.out());
        while (m.find()) {
            if (m.group(2).equals("RUNNING") && m.group(3) != null) {
                pids.put(m.group(1), Long.valueOf(m.group(3)));
            }
        }
        return pids;
    }

    String detail() {
        return "--- supervisorctl status\n" + box.run(List.of(supervisorctl.toString(), "-c", conf.toString(), "status"),
                Map.of(), false).out()
                + "--- supervisord.log\n" + Sandbox.read(tmp.resolve("supervisord.log"))
                + "--- image.log\n" + Sandbox.read(tmp.resolve("log/image.log"))
                + "--- video.log\n" + Sandbox.read(tmp.resolve("log/video.log"));
    }

    static List<String> argv(long pid) {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
            return Arrays.asList(raw.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void supervisord_runs_each_exported_node_as_show_prints_it_and_stops_them_all_warm() throws IOException {
        assumeTrue(Sandbox.isRoot(), "supervisord's own files under the temp dir; the nodes run as root here");
        List<String> export = new ArrayList<>(List.of("multi", "export", "supervisord"));
        export.addAll(nodes());
        Sandbox.Result r = drover(export);
        assertEquals(0, r.code(), r.toString());
        List<String> show = new ArrayList<>(List.of("multi", "show", "--json"));
        show.addAll(nodes());
        Sandbox.Result shown = drover(show);
        assertEquals(0, shown.code(), shown.toString());
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Object entry : JsonText.array(shown.out())) {
            Map<String, Object> node = JsonText.object(entry);
            List<String> argv = new ArrayList<>(((List<?>) node.get("argv")).stream().map(String::valueOf).toList());
            assertTrue(argv.remove("--detach"), argv::toString);
            expected.put(String.valueOf(node.get("name")), argv);
        }

        Files.createDirectories(tmp.resolve("run"));
        Files.createDirectories(tmp.resolve("log"));
        Sandbox.write(tmp.resolve("programs.conf"), r.out());
        conf = tmp.resolve("supervisord.conf");
        Sandbox.write(conf, "[unix_http_server]\nfile=" + tmp + "/supervisor.sock\n\n"
                + "[supervisord]\nlogfile=" + tmp + "/supervisord.log\npidfile=" + tmp + "/supervisord.pid\n"
                + "childlogdir=" + tmp + "\n\n"
                + "[rpcinterface:supervisor]\n"
                + "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
                + "[supervisorctl]\nserverurl=unix://" + tmp + "/supervisor.sock\n\n"
                + "[include]\nfiles=" + tmp + "/programs.conf\n");
        daemon = box.spawn(List.of(supervisord.toString(), "-n", "-c", conf.toString()), Map.of(), false,
                tmp.resolve("supervisord.out"));

        Map<String, Long> pids = Sandbox.await("both programs RUNNING", () -> {
            Map<String, Long> now = running();
            return now.keySet().containsAll(expected.keySet()) ? now : null;
        }, this::detail);
        for (Map.Entry<String, List<String>> node : expected.entrySet()) {
            long pid = pids.get(node.getKey());
            assertEquals(node.getValue(), argv(pid), node.getKey());
            assertEquals(daemon.pid(), Sandbox.parentOf(pid), "supervisord is the node's parent: the node did not detach");
            assertEquals(pid, Sandbox.awaitPidfile(tmp.resolve("run/" + node.getKey() + ".pid"), null, this::detail));
            Sandbox.await(node.getKey() + " to be ready", () -> Sandbox.read(tmp.resolve("log/" + node.getKey() + ".log"))
                    .contains(" ready"), this::detail);
        }

        Sandbox.Result stop = box.run(List.of(supervisorctl.toString(), "-c", conf.toString(), "stop", "drover:*"),
                Map.of(), false);
        assertEquals(0, stop.code(), stop + detail());
        for (Map.Entry<String, Long> node : pids.entrySet()) {
            Sandbox.awaitGone(node.getValue(), Duration.ofSeconds(20));
            String log = Sandbox.read(tmp.resolve("log/" + node.getKey() + ".log"));
            assertTrue(log.contains("warm shutdown (SIGTERM)"), node.getKey() + " was not stopped warm:\n" + detail());
            assertFalse(Files.exists(tmp.resolve("run/" + node.getKey() + ".pid")), "the pidfile should be removed");
        }
    }
}
