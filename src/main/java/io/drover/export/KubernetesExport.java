package io.drover.export;

import io.drover.core.UsageException;
import io.drover.multi.NodeSpec;
import io.drover.multi.OptionTable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code multi export kubernetes}: the nodes as Kubernetes objects, one multi-document YAML
 * stream for {@code kubectl apply -f -}. Nodes whose options are the same share one StatefulSet
 * (its pods have stable names, and the nodename is the pod's name through the downward API);
 * a node with options of its own gets its own. Each container runs {@code drover worker} in
 * the foreground with the node's options, its probes on {@code --health-port} (served on
 * {@code --health-address=0.0.0.0}, the kubelet probing from outside the pod), and its pod is
 * annotated for Prometheus to scrape {@code /metrics} there; beat is a
 * Deployment of one replica with {@code strategy: Recreate} (never two schedulers), its schedule
 * on a PersistentVolumeClaim. Every pod passes the "restricted" Pod Security Standard: it runs as
 * a user other than root ({@link #DEFAULT_UID}, the image's, unless --uid says), under the
 * runtime's seccomp profile, with no capability, no privilege escalation and a read-only root
 * file system (emptyDir volumes where the node writes); its memory is limited ({@code
 * --max-memory}, default {@value #DEFAULT_MEMORY}) and the JVM sizes its heap from that limit
 * ({@value #HEAP}). The objects are maps dumped by SnakeYAML, never text pasted together. Pure:
 * checks everything, then returns the text.
 */
public final class KubernetesExport {
    private KubernetesExport() {}

    /** Where the image (extra/container/Containerfile) installs drover. */
    public static final String LAUNCHER = "/opt/drover/bin/drover";
    public static final int DEFAULT_HEALTH_PORT = 8080;
    /** Where a pod's node serves its health port: every interface of the pod's own network namespace. */
    static final String POD_ADDRESS = "0.0.0.0";
    private static final String HEALTH_ADDRESS = "--health-address";
    public static final String SCHEDULE_DIR = "/var/lib/drover";
    public static final String SCHEDULE = SCHEDULE_DIR + "/beat.schedule";
    private static final String PART_OF = "app.kubernetes.io/part-of";
    private static final String COMPONENT = "app.kubernetes.io/component";
    private static final String GROUP_LABEL = "drover.io/group";

    /**
     * The user and group a pod runs as unless --uid/--gid say: the image's own
     * (extra/container/Containerfile, {@code USER 10001:10001}), who owns its home.
     */
    public static final long DEFAULT_UID = 10001;
    /** A container's memory, request and limit, unless --max-memory says: a small node's. */
    public static final String DEFAULT_MEMORY = "512Mi";
    /**
     * The JVM's heap as a share of the container's memory limit, which the JVM reads from its
     * cgroup (container support is on by default since JDK 10). Its own default is 25%, which
     * leaves most of a one-process container unused; the rest of the limit is the JVM's other
     * memory (metaspace, the JIT's code, thread stacks, direct buffers). First among the JVM's
     * options, so a node's own -Xmx or MaxRAMPercentage (--jvm-opts) comes after it and wins.
     */
    public static final String HEAP = "-XX:MaxRAMPercentage=75";
    /** The image's home and working directory, made writable with an emptyDir (beat's is its schedule's volume). */
    static final String HOME = "/var/lib/drover";

    /** RFC 1123 label; a StatefulSet's name also goes into a 63-character label with a hash after it. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final int MAX_STATEFULSET_NAME = 52;
    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");

    /** Worker options the pod spec says instead of the command line. */
    private static final Set<OptionTable.Read> TO_POD = EnumSet.of(OptionTable.Read.UID, OptionTable.Read.GID,
            OptionTable.Read.EXECUTABLE, OptionTable.Read.JVM_OPTS, OptionTable.Read.DETACH);

    /**
     * @param image the container image ({@code --image})
     * @param namespace the namespace, or null for kubectl's
     * @param stopSeconds terminationGracePeriodSeconds: multi's --timeout
     * @param maxMemory the container's memory (a Kubernetes quantity), or null
     * @param beatArgs beat's arguments (no JVM, no pidfile or logfile), or null for no beat
     */
    public static String yaml(List<NodeSpec> nodes, String image, String namespace, int stopSeconds,
                              String maxMemory, List<String> beatArgs) {
        if (image == null || image.isBlank()) {
            throw new UsageException("the kubernetes export needs --image IMAGE (built from extra/container/Containerfile)");
        }
        if (namespace != null && !DNS_LABEL.matcher(namespace).matches()) {
            throw new UsageException("--namespace " + namespace + ": not a DNS label (lower-case letters, digits and '-')");
        }
        if (maxMemory != null && !QUANTITY.matcher(maxMemory).matches()) {
            throw new UsageException("--max-memory " + maxMemory + ": not a Kubernetes quantity (e.g. 512Mi, 2Gi)");
        }
        // Nodes with the same container become one StatefulSet, in the order first seen.
        Map<Container, List<NodeSpec>> groups = new LinkedHashMap<>();
        for (NodeSpec node : nodes) {
            if (!DNS_LABEL.matcher(node.name()).matches() || node.name().length() > MAX_STATEFULSET_NAME) {
                throw new UsageException("node " + node.nodename().full() + ": '" + node.name() + "' is not a DNS label of at most "
                        + MAX_STATEFULSET_NAME + " characters (lower-case letters, digits and '-'), which Kubernetes names need");
            }
            groups.computeIfAbsent(container(node, maxMemory == null ? DEFAULT_MEMORY : maxMemory), k -> new ArrayList<>())
                    .add(node);
        }
        List<Object> docs = new ArrayList<>();
        for (Map.Entry<Container, List<NodeSpec>> group : groups.entrySet()) {
            List<NodeSpec> members = group.getValue();
            String name = members.size() == 1 ? members.get(0).name()
                    : members.get(0).name() + "-" + members.get(members.size() - 1).name();
            if (name.length() > MAX_STATEFULSET_NAME) {
                throw new UsageException("nodes " + members.get(0).name() + ".." + members.get(members.size() - 1).name()
                        + " share a StatefulSet named '" + name + "', longer than " + MAX_STATEFULSET_NAME
                        + " characters: give the nodes shorter names");
            }
            docs.add(service(name, namespace, group.getKey().healthPort));
            docs.add(statefulSet(name, namespace, members, group.getKey(), image, stopSeconds));
        }
        if (beatArgs != null) {
            docs.add(scheduleClaim(namespace));
            docs.add(beat(namespace, image, beatArgs, nodes.get(0), stopSeconds,
                    maxMemory == null ? DEFAULT_MEMORY : maxMemory));
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setExplicitStart(true);
        options.setWidth(120);
        return new Yaml(options).dumpAll(docs.iterator());
    }

    /** What a node's container is made of: equal for nodes that can share a StatefulSet. */
    private record Container(List<String> args, Long uid, Long gid, String jvmOpts, Integer threads,
                             String memory, int healthPort) {}

    private static Container container(NodeSpec node, String maxMemory) {
        List<String> args = new ArrayList<>(List.of("worker", "-n", "$(POD_NAME)@%h"));
        Integer port = null;
        boolean addressed = false;
        Integer threads = null;
        for (Map.Entry<String, String> opt : node.options().entrySet()) {
            String name = opt.getKey();
            String value = opt.getValue();
            if (TO_POD.stream().anyMatch(o -> o.named(name))) {
                continue;
            }
            if ((OptionTable.Read.LOG_MAX_SIZE.named(name) || OptionTable.Read.LOG_ROTATE.named(name))
                    && OptionTable.Read.LOGFILE.in(node.options()) == null) {
                // a pod's node logs to its stdout, which the kubelet rotates; the node would refuse it
                throw new UsageException("node " + node.nodename().full() + ": " + name + " rotates a --logfile, and a pod's node"
                        + " logs to stdout, which the kubelet rotates (containerLogMaxSize, containerLogMaxFiles)");
            }
            if (OptionTable.Read.HEALTH_PORT.named(name)) {
                port = port(node, value);
            }
            addressed |= HEALTH_ADDRESS.equals(name);
            if (OptionTable.Read.CONCURRENCY.named(name) && value != null && value.matches("[0-9]{1,4}")) {
                threads = Integer.valueOf(value);
            }
            NodeSpec.optionArgs(name, value).forEach(a -> args.add(escape(a)));
        }
        if (!addressed) {
            // a node serves loopback by default; the kubelet probes the pod's IP, from outside it
            args.add(3, HEALTH_ADDRESS + "=" + POD_ADDRESS);
        }
        if (port == null) {
            port = DEFAULT_HEALTH_PORT;
            args.add(3, "--health-port=" + port);
        }
        node.passthrough().forEach(a -> args.add(escape(a)));
        return new Container(List.copyOf(args), id(node, OptionTable.Read.UID), id(node, OptionTable.Read.GID),
                node.settings().jvmOpts(),
                threads, maxMemory, port);
    }

    private static int port(NodeSpec node, String value) {
        try {
            int port = Integer.parseInt(value == null ? "" : value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("node " + node.nodename().full() + ": --health-port " + value + " is not a port (1-65535)");
    }

    /**
     * A numeric --uid/--gid; a name is refused: the cluster's nodes have their own /etc/passwd, or
     * none. So is uid 0: the restricted Pod Security Standard admits no pod that runs as root.
     */
    private static Long id(NodeSpec node, OptionTable.Read option) {
        String value = option.in(node.options());
        if (value == null) {
            return null;
        }
        if (!value.matches("[0-9]{1,10}")) {
            throw new UsageException("node " + node.nodename().full() + ": " + option.longName + " " + value
                    + " is a name; Kubernetes runs the pod as a number (securityContext." + (option == OptionTable.Read.UID
                    ? "runAsUser" : "runAsGroup") + "): give the numeric id");
        }
        long id = Long.parseLong(value);
        if (id == 0 && option == OptionTable.Read.UID) {
            throw new UsageException("node " + node.nodename().full() + ": --uid 0 is root, and the export's pods run as"
                    + " non-root (the restricted Pod Security Standard): give another uid, or none for the image's "
                    + DEFAULT_UID);
        }
        return id;
    }

    /** Kubernetes expands $(VAR) in args; $$ is its escape for a literal $. */
    private static String escape(String arg) {
        return arg.replace("$", "$$");
    }

    private static Map<String, Object> metadata(String name, String namespace, String component) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (namespace != null) {
            m.put("namespace", namespace);
        }
        m.put("labels", labels(name, component));
        return m;
    }

    private static Map<String, Object> labels(String name, String component) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put(PART_OF, "drover");
        l.put(COMPONENT, component);
        l.put(GROUP_LABEL, name);
        return l;
    }

    /** The headless Service a StatefulSet's pods get their stable DNS names from. */
    private static Map<String, Object> service(String name, String namespace, int port) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("apiVersion", "v1");
        s.put("kind", "Service");
        s.put("metadata", metadata(name, namespace, "worker"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("clusterIP", "None");
        spec.put("selector", Map.of(GROUP_LABEL, name));
        spec.put("ports", List.of(map("name", "health", "port", port, "targetPort", "health")));
        s.put("spec", spec);
        return s;
    }

    private static Map<String, Object> statefulSet(String name, String namespace, List<NodeSpec> members, Container c,
                                                   String image, int stopSeconds) {
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "worker");
        container.put("image", image);
        container.put("command", List.of(LAUNCHER));
        container.put("args", c.args());
        List<Object> env = new ArrayList<>();
        env.add(map("name", "POD_NAME", "valueFrom", map("fieldRef", map("fieldPath", "metadata.name"))));
        // the launcher gives a foreground node these JVM options
        env.add(map("name", "DROVER_JAVA_OPTS", "value", c.jvmOpts() == null ? HEAP : HEAP + " " + c.jvmOpts()));
        container.put("env", env);
        container.put("ports", List.of(map("name", "health", "containerPort", c.healthPort())));
        container.put("readinessProbe", probe("/ready", 5, 1));
        container.put("livenessProbe", probe("/live", 10, 3));
        container.put("resources", resources(c.threads(), c.memory()));
        container.put("securityContext", containerSecurity());
        // The root file system is read-only: the node writes in /tmp (the JVM's hsperfdata, an
        // application's temporary files) and its home, the image's working directory. It has no
        // pidfile or logfile here (its log is the container's stderr), so nothing else.
        container.put("volumeMounts", List.of(map("name", "tmp", "mountPath", "/tmp"), map("name", "home", "mountPath", HOME)));
        Map<String, Object> pod = new LinkedHashMap<>();
        // TERM is drover's warm shutdown: the jobs in flight finish within multi's --timeout
        pod.put("terminationGracePeriodSeconds", stopSeconds);
        pod.put("securityContext", security(c.uid(), c.gid()));
        pod.put("containers", List.of(container));
        pod.put("volumes", List.of(emptyDir("tmp"), emptyDir("home")));

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("serviceName", name);
        spec.put("replicas", members.size());
        spec.put("podManagementPolicy", "Parallel");
        spec.put("selector", map("matchLabels", Map.of(GROUP_LABEL, name)));
        spec.put("template", map("metadata", map("labels", labels(name, "worker"), "annotations", scrape(c.healthPort())),
                "spec", pod));

        Map<String, Object> sts = new LinkedHashMap<>();
        sts.put("apiVersion", "apps/v1");
        sts.put("kind", "StatefulSet");
        Map<String, Object> meta = metadata(name, namespace, "worker");
        List<String> was = members.stream().map(n -> n.nodename().full()).toList();
        meta.put("annotations", Map.of("drover.io/nodes", String.join(" ", was)));
        sts.put("metadata", meta);
        sts.put("spec", spec);
        return sts;
    }

    /**
     * The annotations by which Prometheus's Kubernetes service discovery (the common
     * {@code kubernetes-pods} scrape job) finds a pod to scrape: every worker serves
     * {@code /metrics} on its health port. Annotation values are strings, the port too.
     */
    private static Map<String, Object> scrape(int port) {
        return map("prometheus.io/scrape", "true", "prometheus.io/port", String.valueOf(port), "prometheus.io/path", "/metrics");
    }

    private static Map<String, Object> probe(String path, int period, int failures) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("httpGet", map("path", path, "port", "health"));
        p.put("periodSeconds", period);
        p.put("failureThreshold", failures);
        return p;
    }

    /**
     * -c threads as the CPUs requested (no CPU limit: throttling a JVM only slows it); memory as
     * request and limit, equal, so the pod is never chosen first when the node runs short, and
     * the limit is what the JVM sizes its heap from ({@link #HEAP}).
     */
    private static Map<String, Object> resources(Integer threads, String memory) {
        Map<String, Object> requests = new LinkedHashMap<>();
        if (threads != null && threads > 0) {
            requests.put("cpu", String.valueOf(threads));
        }
        requests.put("memory", memory);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("requests", requests);
        r.put("limits", map("memory", memory));
        return r;
    }

    /**
     * The pod's part of the restricted standard: never root (the image's user unless --uid says;
     * its group too unless --gid says, and the owner of the volumes), the runtime's seccomp
     * profile. With --uid and no --gid the group is the image's entry for that uid, as before.
     */
    private static Map<String, Object> security(Long uid, Long gid) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runAsNonRoot", true);
        s.put("runAsUser", uid == null ? DEFAULT_UID : uid);
        Long group = gid != null ? gid : uid == null ? Long.valueOf(DEFAULT_UID) : null;
        if (group != null) {
            s.put("runAsGroup", group);
            s.put("fsGroup", group);
        }
        s.put("seccompProfile", map("type", "RuntimeDefault"));
        return s;
    }

    /** The container's part: no way to more privilege than it starts with, no capability, nothing written but its volumes. */
    private static Map<String, Object> containerSecurity() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("allowPrivilegeEscalation", false);
        s.put("readOnlyRootFilesystem", true);
        s.put("capabilities", map("drop", List.of("ALL")));
        return s;
    }

    private static Map<String, Object> emptyDir(String name) {
        return map("name", name, "emptyDir", new LinkedHashMap<>());
    }

    private static Map<String, Object> scheduleClaim(String namespace) {
        Map<String, Object> pvc = new LinkedHashMap<>();
        pvc.put("apiVersion", "v1");
        pvc.put("kind", "PersistentVolumeClaim");
        pvc.put("metadata", metadata("drover-beat-schedule", namespace, "beat"));
        pvc.put("spec", map("accessModes", List.of("ReadWriteOnce"),
                "resources", map("requests", map("storage", "64Mi"))));
        return pvc;
    }

    private static Map<String, Object> beat(String namespace, String image, List<String> beatArgs, NodeSpec first,
                                            int stopSeconds, String memory) {
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "beat");
        container.put("image", image);
        container.put("command", List.of(LAUNCHER));
        container.put("args", beatArgs.stream()
                .filter(a -> TO_POD.stream().noneMatch(o -> a.startsWith(o.longName + "=")))
                .map(KubernetesExport::escape).toList());
        // beat's --jvm-opts (the nodes' shared one) goes where the launcher reads it, as a node's does
        String jvmOpts = beatArgs.stream().filter(a -> a.startsWith(OptionTable.Read.JVM_OPTS.longName + "="))
                .map(a -> a.substring(OptionTable.Read.JVM_OPTS.longName.length() + 1)).findFirst().orElse(null);
        container.put("env", List.of(map("name", "DROVER_JAVA_OPTS", "value", jvmOpts == null ? HEAP : HEAP + " " + jvmOpts)));
        container.put("resources", resources(null, memory));
        container.put("securityContext", containerSecurity());
        container.put("volumeMounts", List.of(map("name", "schedule", "mountPath", SCHEDULE_DIR),
                map("name", "tmp", "mountPath", "/tmp")));
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("terminationGracePeriodSeconds", stopSeconds);
        Long uid = id(first, OptionTable.Read.UID);
        Long gid = id(first, OptionTable.Read.GID);
        Map<String, Object> security = security(uid, gid);
        if (uid != null && gid == null) {
            // the schedule's volume must be writable by beat's user
            security.put("fsGroup", uid);
        }
        pod.put("securityContext", security);
        pod.put("containers", List.of(container));
        pod.put("volumes", List.of(map("name", "schedule", "persistentVolumeClaim", map("claimName", "drover-beat-schedule")),
                emptyDir("tmp")));

        Map<String, Object> spec = new LinkedHashMap<>();
        // one scheduler, ever: Recreate stops the old pod before the new one starts
        spec.put("replicas", 1);
        spec.put("strategy", map("type", "Recreate"));
        spec.put("selector", map("matchLabels", Map.of(GROUP_LABEL, "drover-beat")));
        spec.put("template", map("metadata", map("labels", labels("drover-beat", "beat")), "spec", pod));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("apiVersion", "apps/v1");
        d.put("kind", "Deployment");
        d.put("metadata", metadata("drover-beat", namespace, "beat"));
        d.put("spec", spec);
        return d;
    }

    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
