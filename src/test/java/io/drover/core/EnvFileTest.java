package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvFileTest {
    @Test
    void lines_are_read_as_systemd_s_environment_file_reads_them() {
        String text = """
                # a comment
                ; another
                  PLAIN = spaced value \s
                SINGLE='$no \\\\escape "here"'
                DOUBLE="a \\"quoted\\" \\$HOME"
                JOINED=one \\
                two
                export NOT_A_NAME=1
                no equals sign
                LATER=1
                LATER=2
                """;
        assertEquals(Map.of("PLAIN", "spaced value", "SINGLE", "$no \\\\escape \"here\"", "DOUBLE", "a \"quoted\" $HOME",
                "JOINED", "one two", "LATER", "2"), EnvFile.parse(text));
    }

    @Test
    void changes_name_the_variables_by_their_salted_hashes_only() {
        String salt = EnvFile.newSalt();
        Map<String, String> before = EnvFile.hashes(salt, Map.of("A", "1", "B", "2", "C", "3"));
        EnvFile.Changes c = EnvFile.changes(salt, before, Map.of("A", "1", "B", "two", "D", "4"));
        assertEquals(new EnvFile.Changes(List.of("B"), List.of("D"), List.of("C")), c);
        assertTrue(EnvFile.changes(salt, before, Map.of("A", "1", "B", "2", "C", "3")).none());
        assertTrue(!EnvFile.hash(salt, "1").equals(EnvFile.hash(EnvFile.newSalt(), "1")), "a salt per record");
    }
}
