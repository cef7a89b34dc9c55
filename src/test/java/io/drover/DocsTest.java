package io.drover;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
