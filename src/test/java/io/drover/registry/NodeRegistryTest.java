package io.drover.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Record formats: format 2 keeps typed fields; format 1's command line is read back once, then written as 2. */
class NodeRegistryTest {
    @TempDir
    Path tmp;

    private Path registryDir() throws IOException {
        Path dir = tmp.resolve("registry");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
    }

    private static void writeFile(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void a_format_1_record_reads_as_its_options_and_passthrough_and_is_written_back_as_format_2() throws IOException {
        Path dir = registryDir();
        writeFile(dir.resolve("w1@box.node"), String.join("\n",
                "format=1", "nodename=w1@box", "pidfile=/p/w1.pid", "logfile=/l/w1%I.log",
                "argv.0=/old/java", "argv.1=-XX\\:+UseSerialGC", "argv.2=-cp", "argv.3=/old/lib/*",
                "argv.4=io.drover.cli.Main", "argv.5=worker", "argv.6=--detach", "argv.7=-n", "argv.8=w1@box",
                "argv.9=--pidfile\\=/p/w1.pid", "argv.10=--logfile\\=/l/w1%I.log", "argv.11=-c", "argv.12=3",
                "argv.13=-Q", "argv.14=a,b", "argv.15=--uid\\=nobody", "argv.16=--fast", "argv.17=--", "argv.18=x y",
                "started=2026-12-01T00:00:00Z", "restarts=2", "lastExit=status 1", "version=0.9", "uid=65534", ""));
        NodeRegistry registry = new NodeRegistry(dir);

        NodeRecord r = registry.find("w1@box").orElseThrow();

        Map<String, String> options = new LinkedHashMap<>();
        options.put("-c", "3");
        options.put("-Q", "a,b");
        options.put("--uid", "nobody");
        options.put("--fast", null);
        assertEquals(options, r.options());
        assertEquals(List.of("--", "x y"), r.passthrough());
        assertEquals(2, r.restarts());
        assertEquals("status 1", r.lastExit());
        assertEquals(Integer.valueOf(65534), r.uid());

        registry.write(r.withLastExit("status 0"));

        String written = Files.readString(dir.resolve("w1@box.node"));
        assertTrue(written.contains("format=2"), written);
        assertTrue(!written.contains("argv."), written);
        NodeRecord back = registry.find("w1@box").orElseThrow();
        assertEquals(r.withLastExit("status 0"), new NodeRecord(back.nodename(), back.pidfile(), back.logfile(),
                back.options(), back.passthrough(), back.started(), back.restarts(), back.lastExit(), null, back.uid()));
        assertEquals(io.drover.core.Install.version(), back.version(), "the drover that wrote it");
    }

    @Test
    void a_format_2_record_keeps_flags_order_and_passthrough() throws IOException {
        NodeRegistry registry = new NodeRegistry(registryDir());
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--zeta", null);
        options.put("-c", "2");
        options.put("--alpha", "x=y");
        NodeRecord r = new NodeRecord("w2@box", "/p/w2.pid", "/l/w2.log", options, List.of("--", "-z"),
                Instant.parse("2026-12-01T00:00:00Z"), 0, null, "1.0", 0);

        registry.write(r);

        NodeRecord back = registry.find("w2@box").orElseThrow();
        assertEquals(List.copyOf(options.keySet()), List.copyOf(back.options().keySet()));
        assertEquals(r, back);
    }

    @Test
    void a_record_of_an_unknown_format_is_not_trusted_and_exits_as_bad_data() throws IOException {
        Path dir = registryDir();
        writeFile(dir.resolve("w3@box.node"), "format=3\nnodename=w3@box\npidfile=/p\nstarted=2026-12-01T00:00:00Z\n");

        NodeRegistry.CorruptRecordException e = assertThrows(NodeRegistry.CorruptRecordException.class,
                () -> new NodeRegistry(dir).find("w3@box"));

        assertTrue(e.getMessage().contains("has format 3, this drover reads formats 1 and 2"), e.getMessage());
        // damaged data, not a bug in drover (70)
        assertEquals(ExitCode.DATA_ERROR, e.exitCode(), e.getMessage());
    }

    @Test
    void a_format_1_option_given_again_keeps_the_rest_of_the_line_as_written() {
        Format1.Worker w = Format1.worker(List.of("/java", "io.drover.cli.Main", "worker", "--detach", "-n", "w4@box",
                "--pidfile=/p", "--logfile=/l", "-c", "3", "--fast", "-c", "4"), "w4@box");

        Map<String, String> options = new LinkedHashMap<>();
        options.put("-c", "3");
        options.put("--fast", null);
        assertEquals(options, w.options());
        assertEquals(List.of("-c", "4"), w.passthrough());
    }

    @Test
    void a_format_1_line_that_is_not_a_worker_of_the_records_name_is_not_trusted() throws IOException {
        assertEquals(null, Format1.worker(List.of("/java", "-cp", "x", "worker", "-n", "w5@box"), "w5@box"));
        assertEquals(null, Format1.worker(List.of("/java", "io.drover.cli.Main", "beat", "-n", "w5@box"), "w5@box"));
        assertEquals(null, Format1.worker(List.of("/java", "io.drover.cli.Main", "worker", "-n", "other@box"), "w5@box"));
        Path dir = registryDir();
        writeFile(dir.resolve("w5@box.node"), "format=1\nnodename=w5@box\npidfile=/p\nargv.0=/bin/sh\nargv.1=-c\n"
                + "started=2026-12-01T00:00:00Z\n");

        NodeRegistry.CorruptRecordException e = assertThrows(NodeRegistry.CorruptRecordException.class,
                () -> new NodeRegistry(dir).find("w5@box"));

        assertTrue(e.getMessage().contains("is not a node's command line drover wrote"), e.getMessage());
    }
}
