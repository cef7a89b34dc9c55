package io.drover.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The part of the sandbox an exported drop-in computes: the template's ReadWritePaths= replaced
 * by the node's own directories (ProtectSystem=strict leaves nothing else writable), and what a
 * node's files or its --uid make it loosen.
 */
class SystemdSandboxTest {
    static String writable(String dropIn) {
        List<String> lines = dropIn.lines().filter(l -> l.startsWith("ReadWritePaths=")).toList();
        assertEquals(List.of("ReadWritePaths="), lines.subList(0, 1), "the template's list is reset first");
        assertEquals(2, lines.size(), dropIn);
        return lines.get(1).substring("ReadWritePaths=".length());
    }

    @Test
    void the_writable_directories_are_the_home_and_each_file_s_directory_once() {
        String s = SystemdExport.sandbox(List.of("/run/w", "/var/log/w", "/run/w", "/var/lib/drover", "/srv/w/lib"), false, List.of());
        assertEquals("/var/lib/drover /run/w /var/log/w /srv/w/lib", writable(s));
        assertFalse(s.contains("ProtectHome"), s);
        assertFalse(s.contains("SystemCallFilter"), s);
    }

    @Test
    void beat_s_directories_come_from_its_options_and_a_template_left_in_a_name_gives_the_nearest_fixed_parent() {
        assertEquals(List.of("/run/b", "/srv/logs", "/srv/b", "/srv/b/work"), SystemdExport.beatDirectories(List.of(
                "/usr/bin/java", "-Dx=--pidfile=/no", "io.drover.cli.Main", "beat", "--pidfile=/run/b/beat.pid",
                "--logfile=/srv/logs/%I/beat.log", "--schedule=/srv/b/./beat.schedule", "--workdir=/srv/b/work")));
    }

    @Test
    void a_directory_with_a_blank_is_quoted_and_a_percent_is_doubled_for_systemd() {
        assertEquals("/var/lib/drover \"/srv/my logs\"", writable(SystemdExport.sandbox(List.of("/srv/my logs"), false, List.of())));
        assertEquals("/var/lib/drover /srv/100%%", writable(SystemdExport.sandbox(List.of("/srv/100%"), false, List.of())));
    }

    @Test
    void files_or_a_command_in_a_home_make_homes_read_only_instead_of_hidden() {
        for (String file : List.of("/home/ann", "/root/w", "/run/user/1000")) {
            assertTrue(SystemdExport.sandbox(List.of(file), false, List.of()).contains("\nProtectHome=read-only\n"), file);
        }
        assertFalse(SystemdExport.sandbox(List.of("/homeless"), false, List.of()).contains("ProtectHome"));
        // drover installed in a home: the JVM must still read its jars
        assertTrue(SystemdExport.sandbox(List.of("/run/w"), false, List.of("/usr/bin/java", "-cp", "/home/ann/drover/lib/*"))
                .contains("\nProtectHome=read-only\n"));
    }

    @Test
    void a_node_that_switches_user_itself_may_call_setresuid_but_not_the_resource_calls() {
        String s = SystemdExport.sandbox(List.of("/run/w"), true, List.of());
        assertTrue(s.contains("\nSystemCallFilter=\nSystemCallFilter=@system-service\nSystemCallFilter=~@resources\n"), s);
    }
}
