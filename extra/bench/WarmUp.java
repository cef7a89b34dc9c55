import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What a JVM flag costs an application after start-up: a mixed workload (maps, strings, sorting,
 * a hash loop) in batches, printing the CPU time of each batch in ms (this thread only, so a busy
 * machine moves it little). The first batches show the warm-up, the last ones the peak. Run it
 * with and without a flag, interleaved, e.g.
 *
 *     javac -d /tmp/warmup extra/bench/WarmUp.java
 *     java -XX:+UseSerialGC -cp /tmp/warmup WarmUp 30
 *     java -XX:+UseSerialGC -XX:CompileThresholdScaling=10 -cp /tmp/warmup WarmUp 30
 */
public final class WarmUp {
    private static long sink;

    private static long work(int seed) {
        Map<String, Integer> counts = new HashMap<>();
        StringBuilder sb = new StringBuilder();
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            sb.setLength(0);
            sb.append("key-").append(random.nextInt(500)).append('-').append(i % 7);
            counts.merge(sb.toString(), 1, Integer::sum);
        }
        List<Integer> values = new ArrayList<>(counts.values());
        Collections.sort(values);
        long h = 0;
        for (int v : values) {
            h = h * 31 + v;
        }
        byte[] bytes = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int k = 0; k < 200; k++) {
            for (byte b : bytes) {
                h ^= (h << 5) + b;
            }
        }
        return h;
    }

    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int batches = Integer.parseInt(args[0]);
        StringBuilder out = new StringBuilder();
        long previous = threads.getCurrentThreadCpuTime();
        for (int batch = 0; batch < batches; batch++) {
            for (int i = 0; i < 200; i++) {
                sink += work(batch * 1000 + i);
            }
            long now = threads.getCurrentThreadCpuTime();
            out.append((now - previous) / 1_000_000).append(batch + 1 < batches ? " " : "");
            previous = now;
        }
        System.out.println(out);
    }
}
