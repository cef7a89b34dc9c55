package io.drover.node;

import io.drover.core.Install;
import io.drover.core.MetricsText;
import io.drover.core.MetricsText.Type;
import io.drover.core.ProbeServer.Answer;
import io.drover.core.ProcEntry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /metrics} on a node's {@code --health-port}: the JVM's own figures from its
 * MXBeans, under the names the Prometheus Java client gives them ({@code jvm_memory_used_bytes},
 * {@code jvm_gc_collection_seconds}, {@code jvm_threads_current}, {@code process_cpu_seconds_total}
 * ...), so the dashboards made for that client read a drover node as they are, and the node's
 * own ({@code drover_node_ready}, {@code drover_heartbeat_age_seconds}, {@code drover_node_info}).
 * Loaded at the first scrape, not when the node starts (the class and {@code java.lang.management}
 * cost a node tens of milliseconds and a few MB). Computed afresh at each scrape, on the health
 * port's thread: every figure is a field read, and {@code /proc/self/status} once.
 */
final class NodeMetrics {
    private NodeMetrics() {}

    /**
     * The page of a node named {@code nodename}, ready or not, whose application last answered
     * that it is alive {@code silentNanos} ago.
     */
    static Answer answer(String nodename, boolean ready, long silentNanos) {
        return new Answer(200, "OK", MetricsText.CONTENT_TYPE, page(nodename, ready, silentNanos));
    }

    static String page(String nodename, boolean ready, long silentNanos) {
        MetricsText m = new MetricsText();
        memory(m);
        gc(m);
        threads(m);
        classes(m);
        process(m);
        m.family("drover_node_ready", Type.GAUGE, "1 while the node's application is ready (as /ready says), else 0")
                .sample("drover_node_ready", ready ? 1 : 0);
        m.family("drover_heartbeat_age_seconds", Type.GAUGE,
                        "Seconds since the application's alive() last answered yes (what /live compares with --health-timeout)")
                .sample("drover_heartbeat_age_seconds", silentNanos / 1e9);
        m.family("drover_node_info", Type.GAUGE, "The node's name and drover's version, as labels")
                .sample("drover_node_info", 1, "nodename", nodename, "version", Install.version());
        return m.text();
    }

    private static void memory(MetricsText m) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        usage(m, "jvm_memory_used_bytes", "Used bytes of a given JVM memory area.", Figure.USED, heap, nonHeap);
        usage(m, "jvm_memory_committed_bytes", "Committed (bytes) of a given JVM memory area.", Figure.COMMITTED,
                heap, nonHeap);
        usage(m, "jvm_memory_max_bytes", "Max (bytes) of a given JVM memory area; -1 when undefined.", Figure.MAX,
                heap, nonHeap);
        usage(m, "jvm_memory_init_bytes", "Initial bytes of a given JVM memory area.", Figure.INIT, heap, nonHeap);
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        pool(m, "jvm_memory_pool_used_bytes", "Used bytes of a given JVM memory pool.", Figure.USED, pools);
        pool(m, "jvm_memory_pool_committed_bytes", "Committed bytes of a given JVM memory pool.", Figure.COMMITTED, pools);
        pool(m, "jvm_memory_pool_max_bytes", "Max bytes of a given JVM memory pool; -1 when undefined.", Figure.MAX, pools);
    }

    /**
     * One figure of a {@link MemoryUsage}: a switch, not a method reference per figure, as each
     * lambda is a class spun at the first scrape.
     */
    private enum Figure {
        USED, COMMITTED, MAX, INIT;

        long of(MemoryUsage u) {
            return switch (this) {
                case USED -> u.getUsed();
                case COMMITTED -> u.getCommitted();
                case MAX -> u.getMax();
                case INIT -> u.getInit();
            };
        }
    }

    private static void usage(MetricsText m, String name, String help, Figure figure, MemoryUsage heap,
                              MemoryUsage nonHeap) {
        m.family(name, Type.GAUGE, help)
                .sample(name, figure.of(heap), "area", "heap")
                .sample(name, figure.of(nonHeap), "area", "nonheap");
    }

    private static void pool(MetricsText m, String name, String help, Figure figure, List<MemoryPoolMXBean> pools) {
        m.family(name, Type.GAUGE, help);
        for (MemoryPoolMXBean p : pools) {
            MemoryUsage u = p.getUsage();
            if (u != null) { // null once a pool is no longer valid
                m.sample(name, figure.of(u), "pool", p.getName());
            }
        }
    }

    private static void gc(MetricsText m) {
        m.family("jvm_gc_collection_seconds", Type.SUMMARY, "Time spent in a given JVM garbage collector in seconds.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            // -1 when the collector does not say: left out rather than a count that goes down
            if (gc.getCollectionCount() >= 0) {
                m.sample("jvm_gc_collection_seconds_count", gc.getCollectionCount(), "gc", gc.getName());
                m.sample("jvm_gc_collection_seconds_sum", Math.max(0, gc.getCollectionTime()) / 1000.0, "gc", gc.getName());
            }
        }
    }

    private static void threads(MetricsText m) {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        m.family("jvm_threads_current", Type.GAUGE, "Current thread count of a JVM").sample("jvm_threads_current",
                t.getThreadCount());
        m.family("jvm_threads_daemon", Type.GAUGE, "Daemon thread count of a JVM").sample("jvm_threads_daemon",
                t.getDaemonThreadCount());
        m.family("jvm_threads_peak", Type.GAUGE, "Peak thread count of a JVM").sample("jvm_threads_peak",
                t.getPeakThreadCount());
        m.family("jvm_threads_started_total", Type.COUNTER, "Started thread count of a JVM")
                .sample("jvm_threads_started_total", t.getTotalStartedThreadCount());
    }

    private static void classes(MetricsText m) {
        var c = ManagementFactory.getClassLoadingMXBean();
        m.family("jvm_classes_currently_loaded", Type.GAUGE, "The number of classes that are currently loaded in the JVM")
                .sample("jvm_classes_currently_loaded", c.getLoadedClassCount());
        m.family("jvm_classes_loaded_total", Type.COUNTER,
                        "The total number of classes that have been loaded since the JVM has started execution")
                .sample("jvm_classes_loaded_total", c.getTotalLoadedClassCount());
        m.family("jvm_classes_unloaded_total", Type.COUNTER,
                        "The total number of classes that have been unloaded since the JVM has started execution")
                .sample("jvm_classes_unloaded_total", c.getUnloadedClassCount());
    }

    private static void process(MetricsText m) {
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long cpu = os.getProcessCpuTime();
            if (cpu >= 0) {
                m.family("process_cpu_seconds_total", Type.COUNTER, "Total user and system CPU time spent in seconds.")
                        .sample("process_cpu_seconds_total", cpu / 1e9);
            }
            m.family("process_open_fds", Type.GAUGE, "Number of open file descriptors.")
                    .sample("process_open_fds", os.getOpenFileDescriptorCount());
            m.family("process_max_fds", Type.GAUGE, "Maximum number of open file descriptors.")
                    .sample("process_max_fds", os.getMaxFileDescriptorCount());
        }
        m.family("process_start_time_seconds", Type.GAUGE, "Start time of the process since unix epoch in seconds.")
                .sample("process_start_time_seconds", runtime.getStartTime() / 1000.0);
        m.family("drover_node_uptime_seconds", Type.GAUGE, "Seconds since the node's JVM started")
                .sample("drover_node_uptime_seconds", runtime.getUptime() / 1000.0);
        Optional<ProcEntry.Status> status = ProcEntry.Status.ours();
        Optional<Long> rss = status.isPresent() ? status.get().bytes("VmRSS") : Optional.empty();
        Optional<Long> size = status.isPresent() ? status.get().bytes("VmSize") : Optional.empty();
        if (rss.isPresent()) {
            m.family("process_resident_memory_bytes", Type.GAUGE, "Resident memory size in bytes.")
                    .sample("process_resident_memory_bytes", rss.get());
        }
        if (size.isPresent()) {
            m.family("process_virtual_memory_bytes", Type.GAUGE, "Virtual memory size in bytes.")
                    .sample("process_virtual_memory_bytes", size.get());
        }
        m.family("jvm_runtime_info", Type.GAUGE, "JVM runtime info")
                .sample("jvm_runtime_info", 1, "runtime", String.valueOf(System.getProperty("java.runtime.name")),
                        "vendor", String.valueOf(System.getProperty("java.vm.vendor")),
                        "version", String.valueOf(System.getProperty("java.runtime.version")));
    }
}
