package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drover.cli.OwnOptions.Kind;
import io.drover.core.UsageException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A subcommand's own options, one mechanism for --all, --watch, logs' -n and export's --out. */
class OwnOptionsTest {

    static final Map<String, Kind> DECLARED = Map.of("--all", Kind.FLAG, "--watch", Kind.OPTIONAL_VALUE,
            "-n", Kind.VALUE, "--out", Kind.WORD);

    private static String read(String tokens) {
        OwnOptions own = new OwnOptions(List.of(tokens.split(" ")), DECLARED);
        StringBuilder found = new StringBuilder();
        for (String option : own.given()) {
            found.append(option).append('=').append(own.value(option)).append(' ');
        }
        return found.append("| ").append(String.join(" ", own.rest())).toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "2 --all;                 --all= | 2",
        "--all=x 2;               | --all=x 2",
        "--watch 3;               --watch= | 3",
        "--watch=3;               --watch=3 | ",
        "-n -5 w1;                -n=-5 | w1",
        "-n=20 w1;                -n=20 | w1",
        "--out dir 2;             --out=dir | 2",
        "--out=-x 2;              --out=-x | 2",
        "2 -- --all;              | 2 -- --all",
        "--outer x;               | --outer x"})
    void own_options_come_out_before_the_grammar_reads_the_rest(String tokens, String expected) {
        assertEquals(expected.strip(), read(tokens).strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "w1 -n;           -n needs a value",
        "w1 -n --;        -n needs a value",
        "2 --out;         --out needs a value (--out=VALUE)",
        "2 --out -x;      --out needs a value (--out=VALUE)",
        "2 --out=;        '--out needs a value, got an empty one'"})
    void a_missing_value_is_a_usage_error_with_the_option_s_message(String tokens, String message) {
        UsageException e = assertThrows(UsageException.class, () -> read(tokens));
        assertEquals(message, e.getMessage());
    }
}
