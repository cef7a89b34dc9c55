package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The grammar's list of the nodes' valued options, which the build writes from their annotations. */
class NodeOptionsTest {

    @Test
    void the_build_wrote_the_list_and_it_is_what_the_annotations_say() {
        assertNotNull(NodeOptions.class.getResource(NodeOptions.RESOURCE),
                "the process-classes step did not write " + NodeOptions.RESOURCE);
        assertEquals(NodeOptions.fromAnnotations(), NodeOptions.valued());
        assertTrue(NodeOptions.valued().containsAll(java.util.Set.of("--uid", "--schedule", "--health-port")));
    }

    @Test
    void the_build_wrote_the_nodes_option_table_and_it_is_what_the_annotations_say() {
        assertNotNull(NodeOptions.class.getResource(NodeOptions.TABLE),
                "the process-classes step did not write " + NodeOptions.TABLE);
        assertEquals(NodeOptions.tableFromAnnotations(), NodeOptions.table());
        assertTrue(NodeOptions.table().contains(String.join("\t", WorkerCommand.class.getName(), "daemon.pidfile", "o",
                "__no_default_value__", "", "--pidfile")), String.join("\n", NodeOptions.table()));
    }

    /** Each option's names, as the annotations give them (the line's first word says valued or flag). */
    private static java.util.List<java.util.List<String>> annotated() {
        return NodeOptions.optionLines().stream()
                .map(line -> java.util.List.of(line.split(" ")).subList(1, line.split(" ").length)).toList();
    }

    @Test
    void multis_option_table_has_every_option_of_more_than_one_name_with_all_its_names() {
        java.util.Set<java.util.Set<String>> expected = new java.util.HashSet<>();
        annotated().stream().filter(names -> names.size() > 1).forEach(names -> expected.add(java.util.Set.copyOf(names)));
        java.util.Set<java.util.Set<String>> table = new java.util.HashSet<>();
        io.drover.multi.OptionTable.ALIASES.forEach(names -> table.add(java.util.Set.copyOf(names)));

        assertEquals(expected, table);
        io.drover.multi.OptionTable.ALIASES.forEach(names ->
                assertTrue(names.get(names.size() - 1).startsWith("--"), names + ": the long name last"));
    }

    @Test
    void every_option_drover_reads_is_an_option_of_the_nodes() {
        java.util.Set<String> longNames = new java.util.HashSet<>();
        annotated().forEach(longNames::addAll);
        for (io.drover.multi.OptionTable.Read read : io.drover.multi.OptionTable.Read.values()) {
            assertTrue(longNames.contains(read.longName), read + " reads " + read.longName + ", which no node takes");
        }
    }

    /** Every name of every option of {@code command}, as its annotations give them. */
    private static java.util.Set<String> names(Object command) {
        java.util.Set<String> names = new java.util.HashSet<>();
        LeanParser.optionLines(command).forEach(line ->
                names.addAll(java.util.List.of(line.split(" ")).subList(1, line.split(" ").length)));
        return names;
    }

    @Test
    void multis_table_of_the_workers_options_is_every_name_of_every_option_the_worker_has() {
        assertEquals(names(new WorkerCommand()), io.drover.multi.OptionTable.WORKER);
    }

    @Test
    void multis_table_of_beats_own_options_is_what_beat_has_and_the_worker_has_not() {
        java.util.Set<String> beatOnly = new java.util.HashSet<>(names(new BeatCommand()));
        beatOnly.removeAll(names(new WorkerCommand()));

        assertEquals(beatOnly, io.drover.multi.OptionTable.BEAT_ONLY);
    }
}
