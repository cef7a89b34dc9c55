package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which recorded nodename a restart of an unknown name suggests: close ones only. */
class UnknownNodesTest {
    private static final List<String> RECORDED = List.of("image@box", "nc1@box", "nc2@box", "video@box", "worker1@box");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NONE", value = {
        "nc9@box, nc1@box",        // one letter changed: the first in nodename order
        "nc@box, nc1@box",         // one left out
        "nc12@box, nc1@box",       // one added
        "cn1@box, nc1@box",        // two swapped: one edit
        "imgae@box, image@box",
        "vidoe1@box, video@box",   // a swap and an addition: two, for a name of 5 letters or more
        "nx9@box, NONE",           // two edits are too many for a name of 4 letters or fewer
        "redis@box, NONE",
        "worker1@other, NONE",     // another host is no typo of this one
    })
    void a_close_recorded_name_is_suggested_and_a_far_one_is_not(String given, String suggested) {
        assertEquals(suggested, UnknownNodes.closest(given, RECORDED));
    }
}
