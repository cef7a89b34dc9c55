package io.drover.cli;

import java.util.List;
import java.util.stream.Stream;

/**
 * Issue 16 item 6 (node names are names), as data
 * shared by the command tests (through {@code Main.run}) and the end-to-end tests (through the
 * launcher). In an expectation {@code HOST} is this machine's hostname, {@code SHORT} its part
 * before the first dot and {@code DOMAIN} its part after it (empty without a dot), as celery's
 * {@code host_format} reads them.
 */
final class GrammarParityExamples {
    private GrammarParityExamples() {}

    private static IssueTwoExamples.Example show(String command, String... nodes) {
        return new IssueTwoExamples.Example(command, IssueTwoExamples.Kind.SHOW, List.of(nodes));
    }

    private static IssueTwoExamples.Example lines(String command, String... lines) {
        return new IssueTwoExamples.Example(command, IssueTwoExamples.Kind.LINES, List.of(lines));
    }

    private static IssueTwoExamples.Example usageError(String command, String... parts) {
        return new IssueTwoExamples.Example(command, IssueTwoExamples.Kind.USAGE_ERROR, List.of(parts));
    }

    /** The examples with SHORT and DOMAIN filled in for {@code host}; HOST is left for the check. */
    static Stream<IssueTwoExamples.Example> all(String host) {
        int dot = host.indexOf('.');
        String shortHost = dot < 0 ? host : host.substring(0, dot);
        String domain = dot < 0 ? "" : host.substring(dot + 1);
        return raw().map(e -> new IssueTwoExamples.Example(e.command(), e.kind(),
                e.expected().stream().map(x -> x.replace("SHORT", shortHost).replace("DOMAIN", domain)).toList()));
    }

    private static Stream<IssueTwoExamples.Example> raw() {
        return Stream.of(
                // 16.6: a node name is never a path
                usageError("show ../../x", "../../x", "/"),
                usageError("show a --prefix=../", "../a", "/"),
                usageError("show 1 --hostname=a/b", "a/b", "/"),
                usageError("show ..", "'..'"),
                usageError("show a\nb", "a\\nb"));
    }
}
