package io.drover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documentation shows code that the tests run, not code that merely looks right. */
class DocsTest {

    @Test
    void the_example_in_apps_md_is_the_example_class_the_tests_run() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/drover/fixtures/ExampleConsumer.java"));
        String body = source.substring(source.indexOf("import io.drover.api.BeatSchedule;"))
                .replaceAll("/\\*\\* The example of docs/apps.md[^\n]*\n", "");
        String doc = Files.readString(Path.of("docs/apps.md"));
        assertTrue(doc.contains(body), "docs/apps.md no longer shows ExampleConsumer.java as it is");
    }

    /**
     * The exit-code tables of docs/cli.md, rows as "CODE | MEANING" without backticks: the
     * commands' table, then status's.
     */
    static List<List<String>> exitCodeTables() throws Exception {
        String doc = Files.readString(Path.of("docs/cli.md"));
        String section = doc.substring(doc.indexOf("## Exit codes"), doc.indexOf("\n## ", doc.indexOf("## Exit codes") + 1));
        List<List<String>> tables = new ArrayList<>();
        List<String> table = null;
        for (String line : section.split("\n")) {
            if (line.startsWith("| code |")) {
                table = new ArrayList<>();
                tables.add(table);
            } else if (line.startsWith("| ---")) {
                continue;
            } else if (line.startsWith("| ") && table != null) {
                String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
                table.add(cells[0] + " | " + cells[1].replace("`", ""));
            } else {
                table = null;
            }
        }
        return tables;
    }

    @Test
    void docs_cli_md_lists_every_exit_code_as_io_drover_core_ExitCode_defines_it() throws Exception {
        List<String> commands = new ArrayList<>();
        List<String> status = new ArrayList<>();
        for (ExitCode.Code code : ExitCode.all()) {
            (code.status() ? status : commands).add(code.value() + " | " + code.meaning());
        }
        assertEquals(List.of(commands, status), exitCodeTables(),
                "docs/cli.md, section Exit codes, must list ExitCode.all(): the commands' codes, then status's");
    }

    @Test
    void the_documents_speak_of_drover_not_of_the_workspace_s_seed() throws Exception {
        List<String> found = new ArrayList<>();
        for (String doc : List.of("README.md", "docs/apps.md", "docs/cli.md", "docs/daemonizing.md",
                "docs/performance.md", "extra/README.md")) {
            String text = Files.readString(Path.of(doc));
            if (text.matches("(?s).*\\b[Ss]eed('s)?\\b.*")) {
                found.add(doc);
            }
        }
        assertEquals(List.of(), found, "say what drover does (or what Celery's guide says), not 'the seed'");
    }
}
