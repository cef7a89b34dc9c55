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
}
