package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.export.KubernetesExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * extra/container/Containerfile, checked without building it (no container runtime runs
 * here): every line is an instruction a builder knows, it copies the tarball the build makes
 * (named as mvn package names it, holding what the RUN step uses), its RUN step is a clean
 * POSIX sh script, and it is the image the Kubernetes export expects: the launcher as the
 * entrypoint, a numeric non-root user, beat's schedule directory as its home.
 */
class ContainerfileIT {
    static final Path FILE = Path.of("extra/container/Containerfile");
    static final Set<String> KNOWN = Set.of("FROM", "ARG", "COPY", "RUN", "USER", "WORKDIR", "ENTRYPOINT", "CMD", "ENV", "LABEL");

    static Path tarball;
    static String version;
    /** Instruction to its arguments, continuation lines joined; the last one of each kind. */
    static Map<String, String> instructions = new LinkedHashMap<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void read() throws IOException {
        Path target = Sandbox.dist().getParent();
        try (Stream<Path> files = Files.list(target)) {
            tarball = files.filter(p -> p.getFileName().toString().matches("drover-.+-bin\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no drover-VERSION-bin.tar.gz in " + target));
        }
        version = tarball.getFileName().toString().replaceFirst("^drover-(.+)-bin\\.tar\\.gz$", "$1");
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(FILE)) {
            if (pending.length() == 0 && (line.isBlank() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String full = (pending + line).strip();
            pending.setLength(0);
            String word = full.split("\\s+", 2)[0];
            assertTrue(KNOWN.contains(word), "not an instruction: " + full);
            instructions.put(word, full.substring(word.length()).strip());
        }
    }

    @Test
    void it_copies_the_tarball_mvn_package_makes_and_that_tarball_holds_what_the_run_step_uses() {
        String copy = instructions.get("COPY");
        assertEquals("drover-${VERSION}-bin.tar.gz /tmp/drover.tar.gz", copy);
        assertTrue(Files.isRegularFile(tarball.resolveSibling(copy.split(" ")[0].replace("${VERSION}", version))));
        Sandbox box = new Sandbox(tmp);
        Sandbox.Result list = box.run("tar", "-tzf", tarball.toString());
        assertEquals(0, list.code(), list.toString());
        List<String> entries = list.out().lines().toList();
        for (String path : List.of("bin/drover", "bin/drover-cds", "lib/")) {
            assertTrue(entries.contains("drover-" + version + "/" + path), path + " not in the tarball: " + entries);
        }
        assertTrue(instructions.get("RUN").contains("mv \"/opt/drover-${VERSION}\" /opt/drover"), instructions.get("RUN"));
    }

    @Test
    void its_run_step_is_a_clean_posix_sh_script() throws IOException {
        Path script = tmp.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\n" + instructions.get("RUN") + "\n");
        Sandbox box = new Sandbox(tmp);
        Sandbox.Result syntax = box.run("sh", "-n", script.toString());
        assertEquals(0, syntax.code(), syntax.toString());
        List<String> check = new ArrayList<>(List.of(Sandbox.requireProgram("shellcheck", "shellcheck").toString(),
                "--shell=sh", script.toString()));
        Sandbox.Result lint = box.run(check, Map.of(), false);
        assertEquals(0, lint.code(), lint.toString());
    }

    @Test
    void it_is_the_image_the_kubernetes_export_runs() {
        assertEquals("[\"" + KubernetesExport.LAUNCHER + "\"]", instructions.get("ENTRYPOINT"));
        String user = instructions.get("USER");
        assertTrue(user.matches("[1-9][0-9]*:[1-9][0-9]*"), "a numeric user that is not root: " + user);
        assertEquals(KubernetesExport.SCHEDULE_DIR, instructions.get("WORKDIR"));
        assertTrue(instructions.get("RUN").contains("install -d -o " + user.split(":")[0]), "the user owns its home");
        assertTrue(instructions.get("FROM").matches("\\S+:17-jre"), "Java 17, drover's release: " + instructions.get("FROM"));
    }
}
