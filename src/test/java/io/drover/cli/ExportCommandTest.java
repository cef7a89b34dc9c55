package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code multi export} on bad input: exit 64, one line that says why, and nothing written, not
 * even a part (the systemd export's directory is not created).
 */
class ExportCommandTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("systemd", List.of("w1", "w2", "-c:1-2", "3"), "range"),
                Arguments.of("supervisord", List.of("w1", "w2", "-c:1-2", "3"), "range"),
                Arguments.of("kubernetes", List.of("w1", "w2", "-c:1-2", "3", "--image=r/d:1"), "range"),
                Arguments.of("kubernetes", List.of("Image_1", "--image=r/d:1"), "not a DNS label"),
                Arguments.of("kubernetes", List.of("w1", "w2", "--uid", "nobody", "--image=r/d:1"), "--uid nobody is a name"),
                Arguments.of("kubernetes", List.of("w1", "--gid=nogroup", "--image=r/d:1"), "--gid nogroup is a name"),
                Arguments.of("kubernetes", List.of("w1", "--uid=0", "--gid=0", "--image=r/d:1"), "--uid 0 is root"),
                Arguments.of("kubernetes", List.of("w1"), "needs --image"),
                Arguments.of("kubernetes", List.of("w1", "--image=r/d:1", "--namespace=Bad_NS"), "not a DNS label"),
                Arguments.of("kubernetes", List.of("w1", "--image=r/d:1", "--max-memory=lots"), "not a Kubernetes quantity"),
                Arguments.of("kubernetes", List.of("w1", "--image=r/d:1", "--log-max-size=10M"),
                        "--log-max-size rotates a --logfile, and a pod's node logs to stdout, which the kubelet rotates"),
                Arguments.of("systemd", List.of("foo@a", "foo@b"), "share the short name 'foo'"),
                Arguments.of("systemd", List.of("w1", "w2", "-A:w2", "a.B", "w3", "--", "two\nlines"), "line break"),
                Arguments.of("systemd", List.of("w1", "--image=r/d:1"), "--image is for the kubernetes export"),
                Arguments.of("systemd", List.of("w1", "--schedule=/x"), "give --beat too"),
                Arguments.of("kubernetes", List.of("w1", "--image=r/d:1", "--beat", "--schedule=/x"),
                        "--schedule /x: in Kubernetes beat's schedule is always /var/lib/drover/beat.schedule, on a volume"
                        + " of its own (drover-beat-schedule): leave --schedule out"),
                Arguments.of("supervisord", List.of("w1", "--detach"), "runs in the foreground"),
                Arguments.of("docker", List.of("w1"), "unknown export engine 'docker'"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badInput")
    void bad_input_is_exit_64_with_the_reason_and_writes_nothing(String engine, List<String> nodes, String reason) {
        Path out = tmp.resolve("out");
        List<String> args = new ArrayList<>(List.of("multi", "export", engine));
        int dashes = nodes.indexOf("--");
        List<String> before = dashes < 0 ? nodes : nodes.subList(0, dashes);
        args.addAll(before);
        if (engine.equals("systemd")) {
            args.add("--out=" + out);
        }
        if (dashes >= 0) {
            args.addAll(nodes.subList(dashes, nodes.size()));
        }
        Result r = run(args);
        assertEquals(64, r.code(), r::toString);
        assertEquals("", r.out(), "no partial output on stdout");
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(reason), r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void with_json_the_printing_exports_print_one_object_holding_the_file() {
        Result k8s = run(List.of("multi", "export", "kubernetes", "2", "--image=r/d:1", "--json"));
        assertEquals(0, k8s.code(), k8s::toString);
        assertTrue(String.valueOf(JsonText.object(JsonText.parse(k8s.out())).get("kubernetes.yaml")).contains("kind: StatefulSet"));
        Result sup = run(List.of("multi", "export", "supervisord", "2", "--json"));
        assertEquals(0, sup.code(), sup::toString);
        assertTrue(String.valueOf(JsonText.object(JsonText.parse(sup.out())).get("supervisord.conf")).contains("[program:drover2]"));
    }

    @Test
    void the_systemd_export_writes_a_drop_in_per_node_the_template_and_the_target_and_says_how_to_install()
            throws IOException {
        Path out = tmp.resolve("units");
        Result r = run(List.of("multi", "export", "systemd", "2", "-c:2", "5", "--out", out.toString(), "--pidfile=/p/%n.pid"));
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err());
        String two = Files.readString(out.resolve("drover@drover2.service.d/50-export.conf"));
        assertTrue(two.contains("\"-c\" \"5\""), two);
        assertTrue(two.contains("\"--pidfile=/p/drover2.pid\""), two);
        assertTrue(two.contains("%%I.log\""), "drover's %I is not systemd's specifier: " + two);
        assertTrue(two.contains("PartOf=drover.target"), two);
        assertFalse(two.contains("\"--detach\""), "systemd is the node's parent: " + two);
        assertTrue(Files.readString(out.resolve("drover.target")).contains("Wants=drover@drover1.service drover@drover2.service"));
        assertTrue(Files.readString(out.resolve("drover@.service")).contains("Type=notify"), "the template as shipped");
        assertTrue(r.out().contains("systemctl enable --now drover.target"), r.out());
    }

    @Test
    void the_kubernetes_export_takes_the_one_schedule_path_it_has_when_given() {
        Result r = run(List.of("multi", "export", "kubernetes", "w1", "--image=r/d:1", "--beat",
                "--schedule=/var/lib/drover/beat.schedule"));

        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("--schedule=/var/lib/drover/beat.schedule"), r.out());
    }

    @Test
    void the_systemd_export_says_to_make_the_drover_user_and_its_directories_before_it_installs() {
        Path out = tmp.resolve("units");
        Result r = run(List.of("multi", "export", "systemd", "2", "--out", out.toString(), "--pidfile=/p/%n.pid",
                "--logfile=/l/%n%I.log", "--beat"));

        assertEquals(0, r.code(), r::toString);
        List<String> steps = r.out().lines().filter(l -> !l.startsWith("wrote ")).toList();
        assertEquals(List.of(
                "user:    id -u drover >/dev/null 2>&1 || useradd --system --home-dir /var/lib/drover"
                        + " --shell /usr/sbin/nologin drover",
                "dirs:    printf '%s\\n' 'd /var/lib/drover 0750 drover drover -' 'd /p 0755 drover drover -'"
                        + " 'd /l 0755 drover drover -' > /etc/tmpfiles.d/drover-export.conf"
                        + " && systemd-tmpfiles --create /etc/tmpfiles.d/drover-export.conf",
                "install: cp -R " + out + "/. /etc/systemd/system/ && systemctl daemon-reload",
                "start:   systemctl enable --now drover.target"), steps);
        List<?> commands = (List<?>) JsonText.object(JsonText.parse(run(List.of("multi", "export", "systemd", "2", "--out",
                out.toString(), "--json")).out())).get("commands");
        assertEquals(4, commands.size(), commands::toString);
        assertTrue(String.valueOf(commands.get(0)).contains("useradd --system"), commands::toString);
    }

    @Test
    void an_output_directory_that_cannot_be_made_is_exit_73_with_the_os_reason_not_a_path() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        Result r = run(List.of("multi", "export", "systemd", "1", "--out", file.resolve("units").toString()));
        assertEquals(73, r.code(), r::toString);
        // DirWalk's words: --out is made as start makes a pid directory (docs/security.md, round three, 6)
        assertEquals("drover: cannot create directory " + file.resolve("units") + ": " + file + ": Not a directory\n", r.err());
    }

    @Test
    void a_missing_parent_the_os_will_not_create_is_named_by_its_reason() {
        Result r = run(List.of("multi", "export", "systemd", "1", "--out", "/proc/drover-export-test"));
        assertEquals(73, r.code(), r::toString);
        assertTrue(r.err().endsWith(": No such file or directory\n"), r.err());
    }

    @Test
    void the_systemd_export_orders_a_node_after_its_dependency_s_unit() throws IOException {
        Path out = tmp.resolve("units");
        Result r = run(List.of("multi", "export", "systemd", "xdb", "xweb", "--after:xweb=xdb", "--out=" + out));
        assertEquals(0, r.code(), r::toString);
        String web = Files.readString(out.resolve("drover@xweb.service.d/50-export.conf"));
        assertTrue(web.contains("\nAfter=drover@xdb.service\nWants=drover@xdb.service\nPartOf="), web);
        assertFalse(Files.readString(out.resolve("drover@xdb.service.d/50-export.conf")).contains("After="));
    }

    @Test
    void the_systemd_export_has_systemd_read_the_env_file() throws IOException {
        Path out = tmp.resolve("units");
        Result r = run(List.of("multi", "export", "systemd", "xe1", "--env-file=-/etc/drover/%n.env", "--out=" + out));
        assertEquals(0, r.code(), r::toString);
        String unit = Files.readString(out.resolve("drover@xe1.service.d/50-export.conf"));
        assertTrue(unit.contains("\nEnvironmentFile=\nEnvironmentFile=-/etc/drover/xe1.env\n"), unit);
    }

    @Test
    void the_supervisord_export_gives_a_node_after_another_a_later_priority_and_none_without_after() {
        Result r = run(List.of("multi", "export", "supervisord", "xdb", "xweb", "xapi", "--after:xweb=xdb",
                "--after:xapi=xweb,xdb"));
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("priority=500", "priority=510", "priority=520"),
                r.out().lines().filter(l -> l.startsWith("priority=")).toList(), r.out());
        assertFalse(run(List.of("multi", "export", "supervisord", "xdb", "xweb")).out().contains("priority="));
    }
}
