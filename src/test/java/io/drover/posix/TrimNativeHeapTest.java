package io.drover.posix;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** supervise gives its C heap back after starting its nodes: glibc's malloc_trim, bound through jnr-ffi. */
class TrimNativeHeapTest {
    @Test
    void malloc_trim_is_bound_and_called_on_glibc() {
        assertTrue(Posix.get().trimNativeHeap(), "this machine's libc is glibc, which has malloc_trim");
    }
}
