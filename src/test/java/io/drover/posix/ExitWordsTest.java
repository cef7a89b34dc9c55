package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One format for a node's end, whoever saw it: supervise (waitpid) or status (a zombie's /proc). */
class ExitWordsTest {
    @Test
    void a_death_by_signal_reads_the_same_from_waitpid_and_from_a_zombie() {
        // waitpid's status word for SIGKILL is 9, for exit(3) 3 << 8
        assertEquals("signal 9", Posix.ChildExit.ofWaitStatus(812, 9).describe());
        assertEquals("signal 9", new Posix.ChildExit(812, 0, 9).describe());
        assertEquals("signal 9", ExitWords.ofWaitStatus(9));
    }

    @Test
    void an_exit_reads_the_same_from_waitpid_and_from_a_zombie() {
        assertEquals("status 3", new Posix.ChildExit(812, 3, 0).describe());
        assertEquals("status 3", ExitWords.ofWaitStatus(3 << 8));
        assertEquals(3, Posix.ChildExit.ofWaitStatus(812, 3 << 8).code());
        assertEquals(Posix.KILLED_BY_SIGNAL + 15, Posix.ChildExit.ofWaitStatus(812, 15).code());
    }
}
