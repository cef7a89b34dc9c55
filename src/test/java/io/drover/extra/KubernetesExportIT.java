package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code drover multi export kubernetes}, run by the built launcher: the manifests validate,
 * offline, against the official Kubernetes OpenAPI schema shipped in the npm package
 * kubernetes-models 5.1.0 (pinned with its dependencies by src/test/kubernetes/package-lock.json,
 * installed with {@code npm ci} into target/kubernetes-validate), and they say what the node
 * spec says: node 1 has its own StatefulSet with {@code -c 10}, nodes 2 and 3 share one with
 * {@code -Q slow}, beat is one replica that is recreated, never rolled.
 */
class KubernetesExportIT {
    static final Path SOURCES = Path.of("src/test/kubernetes");
    static final Path VALIDATOR = Path.of("target/kubernetes-validate").toAbsolutePath();
    static final List<String> ACCEPTANCE = List.of("multi", "export", "kubernetes", "3", "-c", "3", "-c:1", "10",
            "-Q:2,3", "slow", "--image", "reg.example/drover:1");

    static Path dist;
    static Path node;

    @TempDir
    Path tmp;

    Sandbox box;

    @BeforeAll
    static void installTheValidator() throws IOException {
        dist = Sandbox.dist();
        node = Sandbox.requireProgram("node", "nodejs");
        Path npm = Sandbox.requireProgram("npm", "npm");
        Files.createDirectories(VALIDATOR);
        boolean fresh = true;
        for (String f : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Path to = VALIDATOR.resolve(f);
            fresh &= Files.exists(to) && Files.mismatch(SOURCES.resolve(f), to) == -1L;
            Files.copy(SOURCES.resolve(f), to, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!fresh || !Files.isDirectory(VALIDATOR.resolve("node_modules/kubernetes-models"))) {
            Sandbox box = new Sandbox(VALIDATOR);
            Sandbox.Result r = box.run(List.of(npm.toString(), "ci", "--no-audit", "--no-fund", "--loglevel=error"),
                    Map.of(), false);
            assertEquals(0, r.code(), "npm ci of the schema validator failed: " + r);
        }
    }

    @BeforeEach
    void sandbox() {
        box = new Sandbox(tmp);
    }

    @AfterEach
    void tearDown() {
        box.close();
    }

    Sandbox.Result drover(List<String> args) {
        List<String> command = new ArrayList<>(List.of(dist.resolve("bin/drover").toString()));
        command.addAll(args);
        return box.run(command, Map.of("JAVA_HOME", Sandbox.javaHome()), false);
    }

    Sandbox.Result validate(String yaml) {
        Path file = tmp.resolve("manifests-" + System.nanoTime() + ".yaml");
        Sandbox.write(file, yaml);
        return box.run(List.of(node.toString(), VALIDATOR.resolve("validate.mjs").toString(), file.toString()),
                Map.of(), false);
    }

    static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) doc;
            docs.add(m);
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Object at(Object root, Object... path) {
        Object o = root;
        for (Object step : path) {
            o = step instanceof Integer i ? ((List<Object>) o).get(i) : ((Map<String, Object>) o).get(step);
        }
        return o;
    }

    static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + docs));
    }

    List<String> loaded(List<String> args) {
        List<String> command = new ArrayList<>(List.of(dist.resolve("bin/drover").toString()));
        command.addAll(args);
        Sandbox.Result r = box.run(command, Map.of("JAVA_HOME", Sandbox.javaHome(),
                "DROVER_JAVA_OPTS", "-Xlog:class+load=info"), false);
        assertEquals(0, r.code(), r.toString());
        return r.out().lines().filter(l -> l.contains("[class,load]")).toList();
    }

    @Test
    void only_the_kubernetes_export_loads_the_yaml_library_and_no_export_loads_jnr() {
        List<String> names = loaded(List.of("multi", "names", "3"));
        assertTrue(names.stream().anyMatch(l -> l.contains("io.drover.cli.Main")), "class loading is logged");
        assertEquals(List.of(), names.stream().filter(l -> l.contains("org.yaml.")).toList(), "multi names loads SnakeYAML");
        List<String> k8s = loaded(List.of("multi", "export", "kubernetes", "3", "--image=r/d:1", "--beat"));
        assertTrue(k8s.stream().anyMatch(l -> l.contains("org.yaml.snakeyaml.Yaml ")), "the export dumps with SnakeYAML");
        for (List<String> args : List.of(List.of("multi", "export", "kubernetes", "3", "--image=r/d:1", "--beat"),
                List.of("multi", "export", "supervisord", "3", "--beat"),
                List.of("multi", "export", "systemd", "3", "--beat", "--out=" + tmp.resolve("units")))) {
            assertEquals(List.of(), loaded(args).stream().filter(l -> l.contains(" jnr.") || l.contains("com.kenai.jffi"))
                    .toList(), "jnr loaded by " + args);
        }
    }

    @Test
    void the_validator_refuses_an_object_the_schema_does_not_allow() {
        Sandbox.Result r = validate("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: x\nspec:\n  replicas: two\n");
        assertNotEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("invalid StatefulSet x"), r.toString());
    }

    @Test
    void the_acceptance_example_validates_and_gives_node_1_its_own_statefulset_and_nodes_2_and_3_one_with_q_slow() {
        List<String> args = new ArrayList<>(ACCEPTANCE);
        args.add("--beat");
        Sandbox.Result r = drover(args);
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.err(), r.toString());
        Sandbox.Result v = validate(r.out());
        assertEquals(0, v.code(), v.toString());
        assertEquals(6, v.out().lines().filter(l -> l.startsWith("ok ")).count(), v.toString());

        List<Map<String, Object>> docs = documents(r.out());
        Map<String, Object> one = find(docs, "StatefulSet", "drover1");
        assertEquals(1, at(one, "spec", "replicas"));
        List<?> oneArgs = (List<?>) at(one, "spec", "template", "spec", "containers", 0, "args");
        assertEquals(List.of("worker", "-n", "$(POD_NAME)@%h", "--health-port=8080", "--health-address=0.0.0.0", "-c", "10"), oneArgs);
        Map<String, Object> shared = find(docs, "StatefulSet", "drover2-drover3");
        assertEquals(2, at(shared, "spec", "replicas"));
        assertEquals(List.of("worker", "-n", "$(POD_NAME)@%h", "--health-port=8080", "--health-address=0.0.0.0", "-c", "3", "-Q", "slow"),
                at(shared, "spec", "template", "spec", "containers", 0, "args"));
        assertEquals("metadata.name", at(shared, "spec", "template", "spec", "containers", 0, "env", 0, "valueFrom",
                "fieldRef", "fieldPath"));
        assertEquals("/ready", at(shared, "spec", "template", "spec", "containers", 0, "readinessProbe", "httpGet", "path"));
        assertEquals("/live", at(shared, "spec", "template", "spec", "containers", 0, "livenessProbe", "httpGet", "path"));
        // Prometheus's pod discovery scrapes /metrics on the health port (issue 30, item 5)
        assertEquals(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "8080", "prometheus.io/path", "/metrics"),
                at(shared, "spec", "template", "metadata", "annotations"));
        assertEquals(90, at(shared, "spec", "template", "spec", "terminationGracePeriodSeconds"));
        assertEquals("3", at(shared, "spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"));
        assertEquals(2, docs.stream().filter(d -> "StatefulSet".equals(d.get("kind"))).count());

        Map<String, Object> beat = find(docs, "Deployment", "drover-beat");
        assertEquals(1, at(beat, "spec", "replicas"));
        assertEquals("Recreate", at(beat, "spec", "strategy", "type"));
        assertEquals("/var/lib/drover", at(beat, "spec", "template", "spec", "containers", 0, "volumeMounts", 0, "mountPath"));
        assertEquals("drover-beat-schedule", at(beat, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim",
                "claimName"));
        find(docs, "PersistentVolumeClaim", "drover-beat-schedule");
    }

    @Test
    void timeout_memory_namespace_a_numeric_uid_and_dollars_land_where_kubernetes_reads_them() {
        Sandbox.Result r = drover(List.of("multi", "export", "kubernetes", "image", "video", "--image=reg.example/drover:1",
                "--namespace", "jobs", "--timeout=120", "--max-memory=512Mi", "--uid", "1000", "--gid=1000",
                "--jvm-opts=-Xss1m", "--", "$(HOME)"));
        assertEquals(0, r.code(), r.toString());
        Sandbox.Result v = validate(r.out());
        assertEquals(0, v.code(), v.toString());
        Map<String, Object> sts = find(documents(r.out()), "StatefulSet", "image-video");
        assertEquals("jobs", at(sts, "metadata", "namespace"));
        assertEquals(120, at(sts, "spec", "template", "spec", "terminationGracePeriodSeconds"));
        assertEquals(1000, at(sts, "spec", "template", "spec", "securityContext", "runAsUser"));
        assertEquals(1000, at(sts, "spec", "template", "spec", "securityContext", "runAsGroup"));
        Object container = at(sts, "spec", "template", "spec", "containers", 0);
        assertEquals("512Mi", at(container, "resources", "limits", "memory"));
        assertEquals(List.of("worker", "-n", "$(POD_NAME)@%h", "--health-port=8080", "--health-address=0.0.0.0", "--", "$$(HOME)"), at(container, "args"));
        assertEquals("DROVER_JAVA_OPTS", at(container, "env", 1, "name"));
        // the heap from the memory limit first, the node's own options after it
        assertEquals("-XX:MaxRAMPercentage=75 -Xss1m", at(container, "env", 1, "value"));
        assertEquals("8080", at(sts, "spec", "template", "metadata", "annotations", "prometheus.io/port"));
    }
}
