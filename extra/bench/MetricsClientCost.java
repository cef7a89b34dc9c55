import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the JVM figures of /metrics cost at the first scrape (issue 30, item 5), in a fresh JVM:
 * "client" registers the Prometheus Java client's JvmMetrics and writes one page in the text
 * format; "mxbeans" reads the same MXBeans by hand, as drover's NodeMetrics does. Prints the
 * time of the first page and the second, and VmRSS before and after (after a System.gc()).
 * Run by metrics-client.sh, which fetches the client's jars.
 */
public final class MetricsClientCost {
    public static void main(String[] args) throws Exception {
        boolean client = args.length > 0 && args[0].equals("client");
        System.gc();
        long rss0 = rss();
        long t0 = System.nanoTime();
        Runnable page = client ? clientPage() : MetricsClientCost::mxbeansPage;
        page.run();
        long t1 = System.nanoTime();
        page.run();
        long t2 = System.nanoTime();
        System.gc();
        long rss1 = rss();
        System.out.printf("%s first-ms %.1f second-ms %.1f rss-kib-added %d%n", client ? "client" : "mxbeans",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, rss1 - rss0);
    }

    private static Runnable clientPage() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        return () -> {
            try {
                writer.write(new ByteArrayOutputStream(), registry.scrape());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private static void mxbeansPage() {
        StringBuilder b = new StringBuilder();
        var memory = ManagementFactory.getMemoryMXBean();
        b.append(memory.getHeapMemoryUsage().getUsed()).append(memory.getNonHeapMemoryUsage().getUsed());
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            b.append(p.getName()).append(p.getUsage().getUsed());
        }
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
            b.append(g.getName()).append(g.getCollectionCount()).append(g.getCollectionTime());
        }
        var threads = ManagementFactory.getThreadMXBean();
        b.append(threads.getThreadCount()).append(threads.getDaemonThreadCount()).append(threads.getPeakThreadCount());
        b.append(ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            b.append(os.getProcessCpuTime()).append(os.getOpenFileDescriptorCount());
        }
        b.append(ManagementFactory.getRuntimeMXBean().getStartTime());
        if (b.length() == 0) {
            throw new AssertionError();
        }
    }

    private static long rss() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
