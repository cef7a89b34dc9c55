package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container {@code multi export kubernetes} writes, run as its pod spec says, without a
 * cluster: its args and {@code DROVER_JAVA_OPTS}, as its {@code runAsUser}/{@code runAsGroup}
 * (the image's 10001), with no capability and no new privileges, on a read-only root file
 * system with a fresh tmpfs at each of its {@code volumeMounts} (the emptyDirs), in a private
 * mount namespace. The restricted standard's settings must leave a node that starts, answers
 * ready on its health port and stops warm on TERM.
 */
class KubernetesPodIT {
    @TempDir
    Path tmp;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static int status(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(500);
            return c.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    @Test
    void the_exported_worker_runs_ready_and_stops_warm_as_its_restricted_pod_runs_it() throws IOException {
        assumeTrue(Sandbox.isRoot(), "a mount namespace and a switch of user need root");
        // the sandbox kills the pod's node if the test fails before it stopped
        try (Sandbox box = new Sandbox(tmp)) {
            Path dist = Sandbox.unitDist();
            int port = freePort();
            Sandbox.Result r = box.run(List.of(dist.resolve("bin/drover").toString(), "multi", "export", "kubernetes", "1",
                    "--range-prefix=kpx", "--health-port=" + port, "--image=reg.example/drover:1"),
                    Map.of("JAVA_HOME", Sandbox.javaHome()), false);
            assertEquals(0, r.code(), r.toString());
            Map<String, Object> sts = KubernetesExportIT.find(KubernetesExportIT.documents(r.out()), "StatefulSet", "kpx1");
            Object pod = KubernetesExportIT.at(sts, "spec", "template", "spec");
            Object container = KubernetesExportIT.at(pod, "containers", 0);
            assertEquals(true, KubernetesExportIT.at(container, "securityContext", "readOnlyRootFilesystem"));
            Object uid = KubernetesExportIT.at(pod, "securityContext", "runAsUser");
            Object gid = KubernetesExportIT.at(pod, "securityContext", "runAsGroup");
            String javaOpts = (String) KubernetesExportIT.at(container, "env", 1, "value");

            StringBuilder script = new StringBuilder("set -e\n");
            List<String> mounts = new ArrayList<>();
            for (Object mount : (List<?>) KubernetesExportIT.at(container, "volumeMounts")) {
                mounts.add((String) KubernetesExportIT.at(mount, "mountPath"));
            }
            for (String m : mounts) {
                // a directory the image has and this host may not (/var/lib/drover): made on a tmpfs
                // over its parent, in this namespace only
                script.append("[ -d ").append(quoted(m)).append(" ] || { mount -t tmpfs tmpfs ")
                        .append(quoted(Path.of(m).getParent().toString())).append("; mkdir ").append(quoted(m)).append("; }\n");
            }
            script.append("mount -o remount,ro,bind /\n");
            for (String m : mounts) {
                // an emptyDir: empty, and the pod's group's (fsGroup)
                script.append("mount -t tmpfs -o mode=2775,gid=").append(gid).append(" tmpfs ").append(quoted(m)).append('\n');
            }
            script.append("if touch /usr/.drover-probe 2>/dev/null; then echo 'the root is writable'; exit 1; fi\n");
            // the image's WORKDIR and HOME
            script.append("cd /var/lib/drover\n");
            script.append("exec setpriv --reuid=").append(uid).append(" --regid=").append(gid)
                    .append(" --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all env -i PATH=/usr/bin:/bin")
                    .append(" HOME=/var/lib/drover JAVA_HOME=").append(quoted(Sandbox.javaHome()))
                    .append(" DROVER_JAVA_OPTS=").append(quoted(javaOpts)).append(' ')
                    .append(quoted(dist.resolve("bin/drover").toString()));
            for (Object arg : (List<?>) KubernetesExportIT.at(container, "args")) {
                // Kubernetes' $(POD_NAME) and $$, as the kubelet expands them
                script.append(' ').append(quoted(((String) arg).replace("$(POD_NAME)", "kpx1-0").replace("$$", "$")));
            }
            script.append('\n');
            Path log = tmp.resolve("pod.log");
            Process p = box.spawn(List.of("unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script.toString()),
                    Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), true, log);

            Sandbox.await("the pod's node to answer ready on " + port, () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("the pod's node exited " + p.exitValue() + ":\n" + Sandbox.read(log));
                }
                return status(port, "/ready") == 200;
            }, () -> Sandbox.read(log));
            long pid = p.pid(); // sh, setpriv, env and the launcher each exec the next: this is the JVM
            assertTrue(Sandbox.cmdline(pid).contains("worker -n kpx1-0@%h"), Sandbox.cmdline(pid));
            assertEquals(((Number) uid).intValue(), Sandbox.uidOf(pid));
            assertTrue(javaOpts.startsWith("-XX:MaxRAMPercentage=75"), javaOpts);
            assertTrue(Sandbox.cmdline(pid).contains("-XX:MaxRAMPercentage=75"), Sandbox.cmdline(pid));

            Sandbox.signal(pid, "TERM");
            try {
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), () -> "still running:\n" + Sandbox.read(log));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            Sandbox.awaitGone(pid, Duration.ofSeconds(10));
            assertEquals(0, p.exitValue(), () -> Sandbox.read(log));
            assertTrue(Sandbox.read(log).contains("kpx1-0@") && Sandbox.read(log).contains("warm shutdown (SIGTERM)"),
                    () -> Sandbox.read(log));
        }
    }
}
