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
    /** The workspace's design file, which the repository does not have (spelt so that this file does not name it). */
    static final String OUTSIDE_DESIGN = "DESIGN" + ".md";
    static final List<String> DOCUMENTS = List.of("README.md", "docs/apps.md", "docs/cli.md", "docs/daemonizing.md",
            "docs/design.md", "docs/performance.md", "docs/scaling.md", "extra/README.md", "extra/bench/README.md");

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
        for (String doc : DOCUMENTS) {
            String text = Files.readString(Path.of(doc));
            if (text.matches("(?s).*\\b[Ss]eed('s)?\\b.*")) {
                found.add(doc);
            }
        }
        assertEquals(List.of(), found, "say what drover does (or what Celery's guide says), not 'the seed'");
    }

    /** The README's test command: the one-line sh block that runs mvn -B verify. */
    static String readmeTestCommand() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("```sh\n([^\n]*mvn -B verify[^\n]*)\n```")
                .matcher(Files.readString(Path.of("README.md")));
        assertTrue(m.find(), "README.md has no sh block with mvn -B verify");
        return m.group(1);
    }

    @Test
    void ci_runs_exactly_the_readme_s_test_command() throws Exception {
        List<String> commands = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(".ci/run"))) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#") && !t.equals("set -euo pipefail") && !t.equals("cd \"$(dirname \"$0\")/..\"")) {
                commands.add(t);
            }
        }
        assertEquals(List.of(readmeTestCommand()), commands, ".ci/run must run the README's test command, and only it");
        assertTrue(readmeTestCommand().contains("mvn -B verify"));
    }

    @Test
    void the_documents_link_only_files_in_the_repository() throws Exception {
        List<String> broken = new ArrayList<>();
        java.util.regex.Pattern link = java.util.regex.Pattern.compile("\\]\\(([^)\\s]+)\\)");
        for (String doc : DOCUMENTS) {
            Path file = Path.of(doc);
            String text = Files.readString(file);
            java.util.regex.Matcher m = link.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*") || target.startsWith("#")) {
                    continue;
                }
                Path resolved = file.toAbsolutePath().getParent().resolve(target.replaceFirst("#.*", "")).normalize();
                if (!resolved.startsWith(Path.of("").toAbsolutePath()) || !Files.exists(resolved)) {
                    broken.add(doc + ": " + target);
                }
            }
            if (text.contains("../shared") || text.contains(OUTSIDE_DESIGN)) {
                broken.add(doc + ": names a file outside the repository (../shared, " + OUTSIDE_DESIGN + ")");
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void code_comments_cite_docs_design_md_not_a_file_outside_the_repository() throws Exception {
        List<String> citing = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.walk(Path.of("src"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains(OUTSIDE_DESIGN)) {
                    citing.add(f.toString());
                }
            }
        }
        assertEquals(List.of(), citing);
        assertTrue(Files.readString(Path.of("docs/design.md")).contains("## A node's lifecycle"));
    }

    @Test
    void the_readme_says_how_to_stop_beat() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("drover multi stopwait beat --pidfile=/tmp/drover/beat.pid"),
                "the README starts beat; it must say how to stop it");
    }
}
