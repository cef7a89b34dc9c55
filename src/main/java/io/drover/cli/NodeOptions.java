package io.drover.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The long options of the nodes' commands ({@code worker}, {@code beat}) that take a value, as
 * multi's grammar needs them to give {@code --uid nobody} its value. Their annotations are the
 * one source; reading them at run time costs a short command 70-90 ms (picocli's jar opened, a
 * proxy class per annotation type), so the build reads them once ({@link #main}, in the
 * process-classes phase) into {@link #RESOURCE}, which the command reads instead. Where that
 * step did not run (classes compiled by an IDE), the annotations are read here, to the same set.
 */
final class NodeOptions {
    private NodeOptions() {}

    /** Beside this class: one option a line. */
    static final String RESOURCE = "node-valued-options.txt";

    /**
     * Beside this class too: the table a node's {@link LeanParser} fills its command from
     * ({@link LeanParser#tableLines}), so that it reads no annotation as it starts.
     */
    static final String TABLE = "node-option-table.txt";

    /** {@link #TABLE}'s lines; none where the build did not write it (the annotations are read then). */
    static java.util.List<String> table() {
        try (InputStream in = NodeOptions.class.getResourceAsStream(TABLE)) {
            return in == null ? java.util.List.of()
                    : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + TABLE + " of drover's classes", e);
        }
    }

    static Set<String> valued() {
        try (InputStream in = NodeOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return fromAnnotations();
            }
            return Set.copyOf(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank()).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE + " of drover's classes", e);
        }
    }

    static Set<String> fromAnnotations() {
        return LeanParser.valuedLongOptions(new WorkerCommand(), new BeatCommand());
    }

    /**
     * The build's step: writes {@link #fromAnnotations} to the file {@code args[0]}, sorted, and
     * the nodes' option table ({@link #TABLE}) beside it.
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("\n", new TreeSet<>(fromAnnotations())) + "\n", StandardCharsets.UTF_8);
        Files.writeString(out.resolveSibling(TABLE), String.join("\n", tableFromAnnotations()) + "\n", StandardCharsets.UTF_8);
    }

    /** The nodes' option table as the annotations give it. */
    static java.util.List<String> tableFromAnnotations() {
        return LeanParser.tableLines(new WorkerCommand(), new BeatCommand());
    }

    /**
     * Every option of the nodes' commands, one line each (its names, after {@code =} or
     * {@code -}), from the annotations: what {@code io.drover.multi.OptionTable} is checked against.
     */
    static Set<String> optionLines() {
        return LeanParser.optionLines(new WorkerCommand(), new BeatCommand());
    }
}
