package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.export.KubernetesExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code multi export kubernetes} passes the "restricted" Pod Security Standard
 * (kubernetes.io/docs/concepts/security/pod-security-standards), one test per rule, on every pod
 * template of several exports (defaults; a numeric --uid/--gid; pidfiles and logfiles; --max-memory
 * and --jvm-opts; beat each time), and gives each container a memory limit its JVM sizes its
 * heap from.
 */
class KubernetesRestrictedTest {
    static final List<List<String>> EXPORTS = List.of(
            List.of("3", "--range-prefix=kr", "-c:1", "10", "-Q:2,3", "slow"),
            List.of("krw1", "krw2", "--uid=1000", "--gid=1000"),
            List.of("krf1", "--pidfile=/run/drover/%n.pid", "--logfile=/var/log/%n/%n%I.log"),
            List.of("krm1", "--max-memory=2Gi", "--jvm-opts=-Xss1m -XX:MaxRAMPercentage=50"));

    /** Each export's pod templates, as (what, pod spec), the StatefulSets' and beat's. */
    static final Map<String, Map<String, Object>> PODS = new LinkedHashMap<>();

    @BeforeAll
    static void export() {
        for (List<String> nodes : EXPORTS) {
            List<String> args = new ArrayList<>(List.of("multi", "export", "kubernetes"));
            args.addAll(nodes);
            args.addAll(List.of("--image=reg.example/drover:1", "--beat"));
            ExportCommandTest.Result r = ExportCommandTest.run(args);
            assertEquals(0, r.code(), r::toString);
            for (Object doc : new Yaml().loadAll(r.out())) {
                Map<String, Object> d = map(doc);
                if (Set.of("StatefulSet", "Deployment").contains(String.valueOf(d.get("kind")))) {
                    PODS.put(nodes + " " + d.get("kind") + " " + map(d.get("metadata")).get("name"),
                            map(map(map(d.get("spec")).get("template")).get("spec")));
                }
            }
        }
        assertEquals(9, PODS.size(), PODS.keySet()::toString);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    static List<Map<String, Object>> containers(Map<String, Object> pod) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String kind : List.of("initContainers", "containers", "ephemeralContainers")) {
            list(pod.get(kind)).forEach(c -> all.add(map(c)));
        }
        assertFalse(all.isEmpty());
        return all;
    }

    static Map<String, Object> security(Map<String, Object> o) {
        return map(o.get("securityContext"));
    }

    @Test
    void volume_types_are_only_those_the_restricted_standard_allows() {
        Set<String> allowed = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                "projected", "secret");
        PODS.forEach((what, pod) -> {
            for (Object v : list(pod.get("volumes"))) {
                Set<String> kinds = new java.util.HashSet<>(map(v).keySet());
                kinds.remove("name");
                assertEquals(1, kinds.size(), what + ": " + v);
                assertTrue(allowed.containsAll(kinds), what + ": volume " + v);
            }
        });
    }

    @Test
    void privilege_escalation_is_disallowed_in_every_container() {
        PODS.forEach((what, pod) -> containers(pod).forEach(c ->
                assertEquals(false, security(c).get("allowPrivilegeEscalation"), what)));
    }

    @Test
    void pods_must_run_as_non_root() {
        PODS.forEach((what, pod) -> {
            assertEquals(true, security(pod).get("runAsNonRoot"), what);
            containers(pod).forEach(c -> assertNotEquals(false, security(c).get("runAsNonRoot"), what));
        });
    }

    @Test
    void run_as_user_is_never_0_and_is_the_image_s_user_unless_uid_says() {
        PODS.forEach((what, pod) -> {
            Object uid = security(pod).get("runAsUser");
            assertNotEquals(0, uid, what);
            assertEquals(what.contains("--uid=1000") ? 1000 : (int) KubernetesExport.DEFAULT_UID, uid, what);
            containers(pod).forEach(c -> assertNotEquals(0, security(c).get("runAsUser"), what));
        });
    }

    @Test
    void the_default_user_is_the_one_the_image_is_built_with() throws IOException {
        long uid = KubernetesExport.DEFAULT_UID;
        assertTrue(Files.readString(Path.of("extra/container/Containerfile")).contains("\nUSER " + uid + ":" + uid + "\n"));
    }

    @Test
    void the_seccomp_profile_is_the_runtime_default() {
        PODS.forEach((what, pod) -> {
            assertEquals(Map.of("type", "RuntimeDefault"), security(pod).get("seccompProfile"), what);
            containers(pod).forEach(c -> assertFalse(security(c).containsKey("seccompProfile"), what));
        });
    }

    @Test
    void every_capability_is_dropped_and_none_added() {
        PODS.forEach((what, pod) -> containers(pod).forEach(c -> {
            Map<String, Object> caps = map(security(c).get("capabilities"));
            assertEquals(List.of("ALL"), caps.get("drop"), what);
            assertFalse(caps.containsKey("add"), what);
        }));
    }

    @Test
    void nothing_the_baseline_standard_forbids_is_set() {
        PODS.forEach((what, pod) -> {
            for (String host : List.of("hostNetwork", "hostPID", "hostIPC", "hostUsers")) {
                assertFalse(pod.containsKey(host), what + ": " + host);
            }
            assertFalse(security(pod).containsKey("sysctls"), what);
            assertFalse(security(pod).containsKey("seLinuxOptions"), what);
            containers(pod).forEach(c -> {
                for (String key : List.of("privileged", "procMount", "seLinuxOptions", "appArmorProfile", "windowsOptions")) {
                    assertFalse(security(c).containsKey(key), what + ": " + key);
                }
                list(c.get("ports")).forEach(p -> assertFalse(map(p).containsKey("hostPort"), what));
            });
        });
    }

    @Test
    void the_root_file_system_is_read_only_and_the_node_writes_on_its_own_volumes() {
        PODS.forEach((what, pod) -> containers(pod).forEach(c -> {
            assertEquals(true, security(c).get("readOnlyRootFilesystem"), what);
            List<Object> mounts = list(c.get("volumeMounts")).stream().map(m -> map(m).get("mountPath")).toList();
            assertTrue(mounts.containsAll(List.of("/tmp", "/var/lib/drover")), what + ": " + mounts);
            // no pidfile or logfile in a pod, even when given: the node writes nowhere else
            assertTrue(list(c.get("args")).stream().map(String::valueOf)
                    .noneMatch(arg -> arg.startsWith("--pidfile") || arg.startsWith("--logfile")), what);
        }));
    }

    @Test
    void each_container_has_a_memory_limit_equal_to_its_request_and_the_jvm_sizes_its_heap_from_it() {
        PODS.forEach((what, pod) -> containers(pod).forEach(c -> {
            String memory = what.contains("--max-memory=2Gi") ? "2Gi" : KubernetesExport.DEFAULT_MEMORY;
            Map<String, Object> resources = map(c.get("resources"));
            assertEquals(memory, map(resources.get("limits")).get("memory"), what);
            assertEquals(memory, map(resources.get("requests")).get("memory"), what);
            String opts = list(c.get("env")).stream().map(KubernetesRestrictedTest::map)
                    .filter(e -> "DROVER_JAVA_OPTS".equals(e.get("name"))).map(e -> String.valueOf(e.get("value")))
                    .findFirst().orElse("");
            // first, so that a node's own sizing (--jvm-opts) comes later and wins
            assertEquals(what.contains("--jvm-opts") ? "-XX:MaxRAMPercentage=75 -Xss1m -XX:MaxRAMPercentage=50"
                    : "-XX:MaxRAMPercentage=75", opts, what);
        }));
    }
}
