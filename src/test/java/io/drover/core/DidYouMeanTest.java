package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which known word a typo is taken for, and when none is close enough to name. */
class DidYouMeanTest {
    private static final List<String> OPTIONS = List.of("--all", "--concurrency", "--json", "--range-prefix",
            "--start-timeout", "--stop-timeout", "--timeout", "--watch", "-c", "-q");

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(delimiter = '|', value = {
        "--jsno | --json",
        "--JSON | --json",
        "-json | --json",
        "--wach | --watch",
        "--timout | --timeout",
        "--tiemout | --timeout",
        "--range-prefx | --range-prefix",
        "--concurency | --concurrency",
        "--stxrt-timeout | --start-timeout",
        "--foo | ''",
        "--al | ''",
        "-z | ''",
        "--jsonxyz | ''"})
    void a_typo_is_taken_for_the_closest_known_words(String typed, String expected) {
        List<String> want = expected.isEmpty() ? List.of() : Arrays.asList(expected.split(" "));

        assertEquals(want, DidYouMean.closest(typed, OPTIONS));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "stats | ' (did you mean status?)'",
        "stp | ' (did you mean stop?)'",
        "shop | ' (did you mean stop or show?)'",
        "bogus | ''"})
    void the_suffix_names_the_guesses_or_is_empty(String typed, String suffix) {
        assertEquals(suffix, DidYouMean.suffix(typed, List.of("start", "stop", "status", "show")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"json, jsno, 1", "watch, wach, 1", "abc, abc, 0", "ca, abc, 3", "'', abc, 3", "kitten, sitting, 3"})
    void the_distance_counts_a_swap_of_neighbours_as_one_edit(String a, String b, int distance) {
        assertEquals(distance, DidYouMean.distance(a, b));
    }
}
