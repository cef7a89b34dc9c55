package io.drover.cli;

import java.util.List;
import java.util.stream.Stream;

/**
 * Issue 18 (grammar parity, round two) and issue 16 item 6 (node names are names), as data
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
                // 18.1: --prefix names named nodes; a count's nodes are named by --range-prefix alone
                show("show 1 --prefix=z", "drover1@HOST"),
                show("show 2 --prefix=z --range-prefix=w", "w1@HOST", "w2@HOST"),
                lines("expand %n.pid|%n%I.log 1 --prefix=z", "drover1.pid|drover1.log"),
                // 18.2: %h %n %d are this host's name, short name and domain over the whole nodename
                show("show dd@x%d", "dd@xDOMAIN"),
                show("show 2 --hostname=%n.x", "drover1@SHORT.x", "drover2@SHORT.x"),
                show("show bar --prefix=%h-", "HOST-bar@HOST"),
                lines("names w1@%n w2 --suffix=%d.lan", "w1@SHORT", "w2@DOMAIN.lan"),
                // ... while option values keep the node templates
                show("show 1 --hostname=%n.x -Q %n/%d/%h", "drover1@SHORT.x -Q drover1/SHORT.x/drover1@SHORT.x"),
                // 18.3: an empty --suffix or --range-prefix is one not given
                lines("names 2 --suffix=", "drover1@HOST", "drover2@HOST"),
                lines("names 2 --range-prefix=", "drover1@HOST", "drover2@HOST"),
                // 18.4: --append is appended to every worker's command line; --cmd is refused
                show("show 2 --append=--node-id=%n", "drover1@HOST --node-id=drover1", "drover2@HOST --node-id=drover2"),
                usageError("show 2 --cmd=-m", "--cmd", "-A"),
                // 18.5: a namespace that is a node's name is that node, even when it looks like a range
                show("show 1-3 foo -c:1-3 5", "1-3@HOST -c 5", "foo@HOST"),
                // 18.6: a short name selects every node that has it
                show("show foo foo@h2 -c:foo 5", "foo@HOST -c 5", "foo@h2 -c 5"),
                // 18.7: a lone - is not a node name; a % before a non-letter stays literal
                usageError("show 2 -", "'-'"),
                show("show 1 -Q 50%", "drover1@HOST -Q 50%"),
                show("show a%-b -Q a%-b", "a%-b@HOST -Q a%-b"),
                // 16.6: a node name is never a path
                usageError("show ../../x", "../../x", "/"),
                usageError("show a --prefix=../", "../a", "/"),
                usageError("show 1 --hostname=a/b", "a/b", "/"),
                usageError("show ..", "'..'"),
                usageError("show a\nb", "a\\nb"));
    }
}
