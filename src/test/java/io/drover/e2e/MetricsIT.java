package io.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 30, item 5: {@code /metrics} on a node's {@code --health-port} and on
 * {@code multi supervise --metrics-port}, read as Prometheus reads them: each page goes through
 * the text-format parser of the Prometheus Python client (Debian's python3-prometheus-client,
 * installed by .ci/install-test-tools), which refuses a malformed page, and the series it found
 * are checked by name, labels and value.
 */
class MetricsIT extends DroverTest {
    private static final Map<String, String> FORCE_ROOT = Map.of("DROVER_FORCE_ROOT", "1");
    private static final String HOST = Drover.hostname();

    /** Prints what prometheus_client's parser read: each family's type, each sample's labels and value. */
    private static final String PARSER = String.join("\n",
            "import sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "for f in text_string_to_metric_families(sys.stdin.read()):",
            "    print('family', f.name, f.type, sep='\\t')",
            "    for s in f.samples:",
            "        labels = ','.join(k + '=' + v for k, v in sorted(s.labels.items()))",
            "        print('sample', s.name + '{' + labels + '}', repr(float(s.value)), sep='\\t')",
            "");

    /** A page as the parser read it: the type of each family, the value of each sample ({@code name{k=v,k=v}}). */
    record Page(Map<String, String> types, Map<String, Double> samples, String text) {
        double value(String sample) {
            Double v = samples.get(sample);
            assertTrue(v != null, () -> "no sample " + sample + " in:\n" + text);
            return v;
        }
    }

    /** The body of GET /metrics on port, checked for the format's content type. */
    private static String scrape(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(10_000);
            try {
                assertEquals(200, c.getResponseCode());
                assertEquals("text/plain; version=0.0.4; charset=utf-8", c.getContentType());
                try (InputStream in = c.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("GET /metrics on " + port, e);
        }
    }

    /** {@code page} through the Python client's parser, which fails on anything the format does not allow. */
    static Page parse(String page) {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", PARSER).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(page.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the parser hung");
            assertEquals(0, p.exitValue(), () -> "prometheus_client's parser refused the page (is"
                    + " python3-prometheus-client installed? .ci/install-test-tools):\n" + out + "\nthe page:\n" + page);
            Map<String, String> types = new HashMap<>();
            Map<String, Double> samples = new HashMap<>();
            for (String line : out.split("\n")) {
                String[] f = line.split("\t");
                if (f[0].equals("family")) {
                    types.put(f[1], f[2]);
                } else if (f[0].equals("sample")) {
                    samples.put(f[1], f[2].equals("nan") ? Double.NaN : Double.parseDouble(f[2].replace("inf", "Infinity")));
                }
            }
            return new Page(types, samples, page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String classesLoaded(String node) {
        try {
            Path p = dir.resolve(node + ".classes");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void a_node_with_a_health_port_serves_the_jvms_and_drovers_figures_and_loads_their_code_only_when_scraped()
            throws IOException {
        int port = HealthPortIT.freePort();
        Drover.Result start = drover.multi(FORCE_ROOT, "start", "2", "--range-prefix=mtr", "--health-port:1=" + port,
                "--jvm-opts=-Xlog:class+load=info:file=" + dir + "/%n.classes");
        assertEquals(0, start.exitCode(), start::toString);
        String mtr1 = "mtr1@" + HOST;
        try {
            // ready, and nobody has scraped it yet: the code of /metrics is not loaded
            assertFalse(classesLoaded("mtr1").contains("io.drover.node.NodeMetrics "), "loaded before the first scrape");

            Page page = parse(scrape(port));

            assertTrue(page.value("jvm_memory_used_bytes{area=heap}") > 0, page.text());
            assertTrue(page.value("jvm_memory_used_bytes{area=nonheap}") > 0, page.text());
            assertTrue(page.value("jvm_memory_committed_bytes{area=heap}") >= page.value("jvm_memory_used_bytes{area=heap}"));
            assertTrue(page.value("jvm_threads_current{}") >= 2, page.text());
            assertTrue(page.value("jvm_classes_currently_loaded{}") > 1000, page.text());
            assertTrue(page.value("process_cpu_seconds_total{}") > 0, page.text());
            assertTrue(page.value("process_resident_memory_bytes{}") > 1 << 20, page.text());
            double started = page.value("process_start_time_seconds{}");
            double now = System.currentTimeMillis() / 1000.0;
            assertTrue(started <= now && started > now - 3600, () -> "started at " + started + ", now " + now);
            assertEquals("summary", page.types().get("jvm_gc_collection_seconds"));
            assertTrue(page.samples().keySet().stream().anyMatch(s -> s.startsWith("jvm_gc_collection_seconds_count{gc=")),
                    page.text());
            assertEquals("counter", page.types().get("process_cpu_seconds"));
            assertEquals(1, page.value("drover_node_ready{}"), page.text());
            assertTrue(page.value("drover_heartbeat_age_seconds{}") >= 0, page.text());
            assertEquals(1, page.value("drover_node_info{nodename=" + mtr1 + ",version=" + io.drover.core.Install.version() + "}"),
                    page.text());
            // now it is
            assertTrue(classesLoaded("mtr1").contains("io.drover.node.NodeMetrics "), "NodeMetrics loaded at the scrape");
            // a node without the port serves nothing and loaded none of it, nor java.lang.management
            String plain = classesLoaded("mtr2");
            assertTrue(plain.contains("io.drover.node.Node "), "the class-load log of mtr2 is read: " + plain.length());
            for (String cls : List.of("io.drover.node.NodeMetrics ", "io.drover.core.MetricsText ",
                    "io.drover.core.ProbeServer ", "java.lang.management.ManagementFactory ")) {
                assertFalse(plain.contains(cls), cls + "loaded by a node without --health-port");
            }
            // issue 32: a node reads no @Option annotation (the build's table instead), runs no
            // logback auto-configuration and builds no PatternLayout for a line without a throwable
            for (String cls : List.of("picocli.CommandLine$Option ", "ch.qos.logback.classic.util.ContextInitializer ",
                    "ch.qos.logback.classic.PatternLayout ")) {
                assertFalse(plain.contains(cls), cls + "loaded by a plain node as it started");
            }
        } finally {
            drover.multi("stopwait", "2", "--range-prefix=mtr");
        }
    }

    @Test
    void supervise_serves_each_nodes_figures_labelled_with_its_name_and_counts_a_restart() throws Exception {
        int port = HealthPortIT.freePort();
        Process supervise = drover.spawn(FORCE_ROOT, "supervise", "multi", "supervise", "2", "--range-prefix=mts",
                "--metrics-port=" + port, "--heartbeat=1", "--backoff=0.2", drover.pidfileOption(), drover.logfileOption());
        String mts1 = "{node=mts1@" + HOST + "}";
        String mts2 = "{node=mts2@" + HOST + "}";
        Page[] seen = {null};
        Procs.waitUntil("supervise's /metrics to say both nodes are ready", Procs.PATIENCE, () -> {
            if (HealthPortIT.status(port, "/metrics") != 200) {
                return false;
            }
            seen[0] = parse(scrape(port));
            return seen[0].samples().getOrDefault("drover_node_ready" + mts1, 0.0) == 1
                    && seen[0].samples().getOrDefault("drover_node_ready" + mts2, 0.0) == 1;
        }, () -> seen[0] == null ? "no page yet" : seen[0].text());
        Page page = seen[0];
        for (String node : List.of(mts1, mts2)) {
            assertEquals(1, page.value("drover_node_up" + node), page.text());
            assertEquals(0, page.value("drover_node_gave_up" + node), page.text());
            assertEquals(0, page.value("drover_node_restarts_total" + node), page.text());
            assertTrue(page.value("drover_node_resident_memory_bytes" + node) > 1 << 20, page.text());
            assertTrue(page.value("drover_node_cpu_seconds_total" + node) > 0, page.text());
            assertTrue(page.value("drover_heartbeat_age_seconds" + node) >= 0, page.text());
        }
        assertEquals("counter", page.types().get("drover_node_restarts"));

        // a node killed is restarted: its count and last exit say so, the other's do not move
        long pid = drover.pid("mts1");
        Procs.signal(pid, "KILL");
        Procs.waitUntil("mts1's restart to be counted and it to be ready again", Procs.PATIENCE, () -> {
            seen[0] = parse(scrape(port));
            return seen[0].samples().getOrDefault("drover_node_restarts_total" + mts1, 0.0) == 1
                    && seen[0].samples().getOrDefault("drover_node_ready" + mts1, 0.0) == 1;
        }, () -> seen[0].text());
        assertEquals(128 + 9, seen[0].value("drover_node_last_exit_code" + mts1), seen[0].text());
        assertEquals(0, seen[0].value("drover_node_restarts_total" + mts2), seen[0].text());

        supervise.destroy(); // TERM: every node stops, and so does the port
        assertTrue(supervise.waitFor(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS), "supervise did not exit");
        assertEquals(0, supervise.exitValue());
        assertEquals(-1, HealthPortIT.status(port, "/metrics"), "still served after supervise ended");
    }

    @Test
    void supervise_refuses_a_metrics_option_it_cannot_serve_and_starts_nothing() throws IOException {
        Drover.Result noPort = drover.multi(FORCE_ROOT, "supervise", "1", "--range-prefix=mtb", "--metrics-address=127.0.0.1");
        assertEquals(ExitCode.USAGE, noPort.exitCode(), noPort::toString);
        assertTrue(noPort.stderr().contains("--metrics-address needs --metrics-port"), noPort::toString);

        Drover.Result badPort = drover.multi(FORCE_ROOT, "supervise", "1", "--range-prefix=mtb", "--metrics-port=70000");
        assertEquals(ExitCode.USAGE, badPort.exitCode(), badPort::toString);
        assertTrue(badPort.stderr().contains("--metrics-port must be a port (1-65535), got 70000"), badPort::toString);

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Drover.Result busy = drover.multi(FORCE_ROOT, "supervise", "1", "--range-prefix=mtb",
                    "--metrics-port=" + taken.getLocalPort());
            assertEquals(ExitCode.UNAVAILABLE, busy.exitCode(), busy::toString);
            assertTrue(busy.stderr().contains("--metrics-port " + taken.getLocalPort() + ": cannot listen"), busy::toString);
            assertEquals(1, busy.stderr().strip().lines().count(), busy::toString);
        }
        assertEquals(List.of(), drover.pidfiles(), "a node was started");
    }
}
