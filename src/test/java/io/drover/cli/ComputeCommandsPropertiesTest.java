package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ExitCode;
import io.drover.core.Host;
import io.drover.core.ShellWords;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties of the multi grammar and the commands that only compute ({@code show}, {@code names},
 * {@code expand}, {@code get}, {@code dryrun}), over random argvs, in this JVM through
 * {@link Main#run}. A seeded generator, not a library: every case is reproducible from the seed
 * printed when it fails, and the failure names the argv, shrunk to the tokens that matter.
 *
 * <p>{@code -Ddrover.properties.seed=N} starts from seed N (a failure prints the seed of its own
 * case, so {@code -Ddrover.properties.tries=1} with it runs exactly that case);
 * {@code -Ddrover.properties.tries=N} runs N cases per property (default 300).
 */
class ComputeCommandsPropertiesTest {
    private static final long BASE_SEED = Long.getLong("drover.properties.seed", new SplittableRandom().nextLong());
    private static final int TRIES = Integer.getInteger("drover.properties.tries", 300);
    private static final String H = Host.current().hostname();
    /** The start of every name only this test uses, so its files would be told from anybody's. */
    private static final String MARK = "zqw";
    private static final Path CWD = Path.of("").toAbsolutePath();
    private static final List<Path> ROOT_DEFAULT_DIRS = List.of(Path.of("/run/drover"), Path.of("/var/log/drover"));

    @TempDir
    static Path sandbox;

    private static List<String> sandboxBefore;
    private static Set<String> cwdBefore;
    private static List<Boolean> defaultDirsExistedBefore;

    @BeforeAll
    static void aSandboxWithAFewFilesThatMustStayAsTheyAre() throws IOException {
        Files.createDirectories(sandbox.resolve("lib"));
        Files.writeString(sandbox.resolve("lib/app.jar"), "not really a jar\n");
        Files.writeString(sandbox.resolve(MARK + "1.pid"), "1\n");
        Files.createDirectories(sandbox.resolve("wd"));
        sandboxBefore = snapshot(sandbox);
        cwdBefore = names(CWD);
        defaultDirsExistedBefore = ROOT_DEFAULT_DIRS.stream().map(Files::exists).toList();
    }

    // ---- the vocabulary the generator draws from

    private static final List<String> NODE_TOKENS = List.of("1", "2", "3", "4", "0", "-1", "10", "99999999999",
            "w1", "w2", MARK + "1", MARK + "2", "image", "video", "data", "x@%h", "y@host.example", "%h", "a.b",
            "w1@", "@h", "n%n", "\u00fc", "w 1", "../w", "w/1", "w%x", "w:1", "");

    private static final List<List<String>> OPTION_CHUNKS = Stream.of(
            "-c 3", "-c:1-2 4", "-c:w1 2", "-c:2,3 8", "-c:9 1", "-c:image 10", "-c:1- 2", "-c: 2", "-c",
            "-Q a,b", "-Q:1 x", "-Q:1-3 images,video", "-l INFO", "-L:4,5 DEBUG", "--loglevel=DEBUG", "-P solo",
            "--pool=threads", "--concurrency=x",
            "--pidfile=S/%n.pid", "--logfile=S/%n%I.log", "--pidfile=S/%d/%N-%p.pid", "--pidfile:w1=S/one.pid",
            "--logfile:2=S/two.log", "--logfile=rel/%n.log", "--pidfile", "--workdir=S/wd", "--workdir S/wd",
            "--umask=022", "--umask=-1", "--umask 0777", "--uid nobody", "--uid=54321", "--gid=nogroup",
            "--range-prefix=" + MARK, "--prefix=" + MARK, "--suffix=", "--suffix=s.example", "--hostname=h.example",
            "-n h2", "--timeout=3", "--start-timeout=0", "--timeout -1",
            "--json", "--quiet", "-q", "--no-color", "--nosplash", "--verbose", "--help", "-h",
            "-- --extra x", "--", "-A com.acme.App", "--app=com.acme.App", "--app", "--classpath=S/lib/*",
            "--jvm-opts=-Xmx64m", "--executable=S/java", "-TERM", "-9", "--x=%z", "--x=%%", "%x", "--c", "-", "--=")
            .map(chunk -> List.of(chunk.split(" "))).toList();

    /** The chunks a valid command line is made of (the agreement property needs commands that succeed). */
    private static final List<List<String>> VALID_CHUNKS = Stream.of(
            "-c 3", "-c:1 4", "-Q a,b", "-l INFO", "--loglevel=DEBUG", "-P solo", "--pidfile=S/%n.pid",
            "--logfile=S/%n%I.log", "--workdir=S/wd", "--umask=022", "--hostname=h.example", "--suffix=s.example",
            "--prefix=" + MARK, "-A com.acme.App", "--classpath=S/lib/*", "--jvm-opts=-Xmx64m", "--nosplash",
            "--quiet", "-- --extra %n")
            .map(chunk -> List.of(chunk.split(" "))).toList();

    private static final List<String> TEMPLATES = List.of("%h", "%n", "%N", "%d", "%p", "%i", "%I", "%%", "x-%n.pid",
            "%x", "", "%", "plain", "%h%h");

    private static final String JUNK_ALPHABET = "aw1%@:,-=._/ hnNdpiI";

    /** A chunk with its {@code S/} paths in the sandbox (known only once the test runs). */
    private static List<String> inSandbox(List<String> chunk) {
        return chunk.stream().map(w -> w.replace("S/", sandbox + "/")).toList();
    }

    private static <T> T pick(SplittableRandom r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }

    private static String junk(SplittableRandom r) {
        StringBuilder s = new StringBuilder();
        for (int n = r.nextInt(7); n > 0; n--) {
            s.append(JUNK_ALPHABET.charAt(r.nextInt(JUNK_ALPHABET.length())));
        }
        return s.toString();
    }

    /** Any argv after the subcommand: mostly nodes then options, sometimes anything at all. */
    private static List<String> anyArgs(SplittableRandom r) {
        List<String> args = new ArrayList<>();
        if (r.nextInt(100) < 85) {
            for (int n = 1 + r.nextInt(3); n > 0; n--) {
                args.add(pick(r, NODE_TOKENS));
            }
        }
        for (int n = r.nextInt(7); n > 0; n--) {
            int kind = r.nextInt(100);
            if (kind < 75) {
                args.addAll(inSandbox(pick(r, OPTION_CHUNKS)));
            } else if (kind < 90) {
                args.add(junk(r));
            } else {
                args.add(pick(r, NODE_TOKENS));
            }
        }
        return args;
    }

    /** A command line that should succeed: a count or a few plain names, then valid options. */
    private static List<String> validArgs(SplittableRandom r) {
        List<String> args = new ArrayList<>();
        if (r.nextBoolean()) {
            args.add(String.valueOf(1 + r.nextInt(4)));
        } else {
            List<String> names = new ArrayList<>(List.of("w1", "w2", MARK + "1", "image", "video", "data"));
            for (int n = 1 + r.nextInt(3); n > 0; n--) {
                args.add(names.remove(r.nextInt(names.size())));
            }
        }
        List<String> options = new ArrayList<>();
        List<String> passthrough = List.of();
        for (int n = r.nextInt(5); n > 0; n--) {
            List<String> chunk = inSandbox(pick(r, VALID_CHUNKS));
            if (chunk.get(0).equals("--")) {
                passthrough = chunk;
            } else {
                options.addAll(chunk);
            }
        }
        args.addAll(options);
        args.addAll(passthrough);
        return args;
    }

    /** One subcommand with its argv: the first word is the subcommand. */
    private static List<String> anyComputeCommand(SplittableRandom r) {
        String sub = pick(r, List.of("show", "names", "expand", "get", "dryrun"));
        List<String> argv = new ArrayList<>(List.of(sub));
        if (sub.equals("expand")) {
            argv.add(r.nextInt(10) < 8 ? pick(r, TEMPLATES) : junk(r));
        } else if (sub.equals("get") && r.nextInt(10) < 9) {
            argv.add(pick(r, List.of("drover1", "drover2@" + H, "w1", MARK + "1", "image", "nosuch", H, "")));
        }
        argv.addAll(anyArgs(r));
        return argv;
    }

    // ---- running a command

    record Run(List<String> argv, int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "drover multi " + ShellWords.join(argv) + "\n[exit " + code + "]\n--- stdout\n" + out + "--- stderr\n" + err
                    + "---";
        }
    }

    private static Run multi(List<String> argv) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("multi"));
        all.addAll(argv);
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(argv, code, out.toString(), err.toString());
    }

    private static Run multi(String sub, List<String> args) {
        List<String> argv = new ArrayList<>(List.of(sub));
        argv.addAll(args);
        return multi(argv);
    }

    // ---- the engine: generate, check, shrink, report the seed

    private static void forAll(String property, Function<SplittableRandom, List<String>> generator,
                               Consumer<List<String>> check) {
        for (int i = 0; i < TRIES; i++) {
            long seed = BASE_SEED + i * 0x9E3779B97F4A7C15L;
            List<String> argv = generator.apply(new SplittableRandom(seed));
            AssertionError failure = failure(check, argv);
            if (failure != null) {
                List<String> shrunk = shrink(check, argv);
                AssertionError shrunkFailure = failure(check, shrunk);
                throw new AssertionError("property '" + property + "' does not hold for case " + i + ", seed " + seed
                        + " (rerun just it: -Ddrover.properties.seed=" + seed + " -Ddrover.properties.tries=1)\n"
                        + "  argv:   " + ShellWords.join(argv) + "\n  shrunk: " + ShellWords.join(shrunk) + "\n"
                        + (shrunkFailure == null ? failure : shrunkFailure).getMessage(), failure);
            }
        }
    }

    private static AssertionError failure(Consumer<List<String>> check, List<String> argv) {
        try {
            check.accept(argv);
            return null;
        } catch (AssertionError e) {
            return e;
        }
    }

    /** Drops tokens (the first one, a subcommand or template, is kept) while the property still fails. */
    private static List<String> shrink(Consumer<List<String>> check, List<String> argv) {
        List<String> current = new ArrayList<>(argv);
        boolean smaller = true;
        for (int budget = 200; smaller && budget > 0; ) {
            smaller = false;
            for (int i = current.size() - 1; i >= 1 && budget > 0; i--, budget--) {
                List<String> candidate = new ArrayList<>(current);
                candidate.remove(i);
                if (failure(check, candidate) != null) {
                    current = candidate;
                    smaller = true;
                }
            }
        }
        return current;
    }

    // ---- the properties

    private static boolean has(List<String> argv, String word) {
        int end = argv.indexOf("--");
        return (end < 0 ? argv : argv.subList(0, end)).contains(word);
    }

    /** dryrun's codes: a usage error, or the code start would exit with for what its checks found. */
    private static final Set<Integer> DRYRUN_EXITS = Set.of(ExitCode.OK, ExitCode.NODE_FAILED, ExitCode.USAGE,
            ExitCode.NO_USER, ExitCode.UNAVAILABLE, ExitCode.CANT_CREATE, ExitCode.NO_PERMISSION);

    @Test
    void a_compute_command_given_any_argv_exits_with_a_documented_code_and_never_prints_a_stack_trace() {
        forAll("documented exit code, no stack trace, usage errors in one line",
                ComputeCommandsPropertiesTest::anyComputeCommand, argv -> {
                    Run r = multi(argv);
                    Set<Integer> allowed = argv.get(0).equals("get")
                            ? Set.of(ExitCode.OK, ExitCode.NODE_FAILED, ExitCode.USAGE)
                            : argv.get(0).equals("dryrun") ? DRYRUN_EXITS
                            : Set.of(ExitCode.OK, ExitCode.USAGE);
                    assertTrue(allowed.contains(r.code()), () -> "exit " + r.code() + " is not one of " + allowed + "\n" + r);
                    if (!has(argv, "--verbose")) {
                        String all = r.out() + r.err();
                        assertFalse(all.contains("\tat ") || all.contains("Exception") || all.contains("internal error"),
                                () -> "a stack trace or an internal error\n" + r);
                    }
                    if (r.code() != ExitCode.OK && argv.get(0).equals("dryrun")
                            && (r.out().contains("\t> ") || r.out().contains("\"problems\":"))) {
                        // start's checks failed after the plan: a line per problem, each naming
                        // its node (with --json, each node's problems are in its object)
                        assertTrue(r.err().lines().allMatch(l -> l.matches("drover: .+@.*: FAILED: .*")), r::toString);
                    } else if (r.code() != ExitCode.OK) {
                        assertTrue(r.err().startsWith("drover: "), r::toString);
                        if (!has(argv, "--verbose")) {
                            assertEquals(1, r.err().lines().count(), () -> "a failure is one line on stderr\n" + r);
                        }
                        if (!has(argv, "--json")) {
                            assertEquals("", r.out(), () -> "a failure prints nothing on stdout\n" + r);
                        }
                    }
                });
    }

    @Test
    void a_compute_command_given_any_argv_creates_changes_or_deletes_no_file() {
        forAll("touches nothing on disk", ComputeCommandsPropertiesTest::anyComputeCommand, argv -> {
            Run r = multi(argv);
            assertEquals(sandboxBefore, snapshot(sandbox), () -> "the files its paths name changed\n" + r);
            assertEquals(cwdBefore, names(CWD), () -> "the working directory changed (relative paths)\n" + r);
            for (int i = 0; i < ROOT_DEFAULT_DIRS.size(); i++) {
                Path d = ROOT_DEFAULT_DIRS.get(i);
                if (!defaultDirsExistedBefore.get(i)) {
                    assertFalse(Files.exists(d), () -> d + " was created\n" + r);
                } else {
                    assertEquals(Set.of(), names(d).stream().filter(n -> n.startsWith(MARK)).collect(Collectors.toSet()),
                            () -> "files of this test's nodes appeared in " + d + "\n" + r);
                }
            }
        });
    }

    /** The nodename after {@code -n} in one line of show's output. */
    private static String nodenameOf(String showLine) {
        List<String> words = ShellWords.split(showLine);
        return words.get(words.indexOf("-n") + 1);
    }

    @Test
    void names_show_expand_h_dryrun_and_get_agree_on_the_node_list_of_any_valid_argv() {
        forAll("names, show, expand '%h', dryrun and get agree", ComputeCommandsPropertiesTest::validArgs, args -> {
            Run names = multi("names", args);
            assertEquals(0, names.code(), names::toString);
            List<String> nodes = names.outLines();
            assertFalse(nodes.isEmpty(), names::toString);
            Run show = multi("show", args);
            assertEquals(0, show.code(), show::toString);
            assertEquals(nodes, show.outLines().stream().map(ComputeCommandsPropertiesTest::nodenameOf).toList(),
                    () -> names + "\n" + show);
            List<String> expandArgs = new ArrayList<>(List.of("%h"));
            expandArgs.addAll(args);
            Run expand = multi("expand", expandArgs);
            assertEquals(0, expand.code(), expand::toString);
            assertEquals(nodes, expand.outLines(), () -> names + "\n" + expand);
            // dryrun's checks may find what start would refuse here (an -A class as root, or on
            // no class path): its plan is printed all the same, its problems after it
            Run dryrun = multi("dryrun", args);
            assertTrue(DRYRUN_EXITS.contains(dryrun.code()), dryrun::toString);
            List<String> planned = dryrun.outLines().stream().filter(l -> l.startsWith("\t> ") && !l.contains(": FAILED: "))
                    .toList();
            for (int i = 0; i < nodes.size(); i++) {
                assertEquals("\t> " + nodes.get(i) + ": " + show.outLines().get(i), planned.get(i), dryrun::toString);
            }
            assertEquals(nodes.size(), planned.size(), dryrun::toString);
            for (int i = 0; i < nodes.size(); i++) {
                List<String> getArgs = new ArrayList<>(List.of(nodes.get(i)));
                getArgs.addAll(args);
                Run get = multi("get", getArgs);
                assertEquals(0, get.code(), get::toString);
                assertEquals(List.of(show.outLines().get(i)), get.outLines(), () -> show + "\n" + get);
            }
        });
    }

    @Test
    void when_names_refuses_an_argv_show_expand_and_dryrun_refuse_it_too() {
        forAll("a node list names refuses is refused by all", ComputeCommandsPropertiesTest::anyArgs, args -> {
            Run names = multi("names", args);
            if (names.code() == ExitCode.OK || has(args, "--help") || has(args, "-h")) {
                return;
            }
            List<String> expandArgs = new ArrayList<>(List.of("%h"));
            expandArgs.addAll(args);
            for (Run other : List.of(multi("show", args), multi("expand", expandArgs), multi("dryrun", args))) {
                assertEquals(names.code(), other.code(), () -> names + "\n" + other);
            }
        });
    }

    // ---- what "touch" is measured against

    /** Every path under {@code dir} with its size and modification time. */
    private static List<String> snapshot(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> {
                try {
                    return dir.relativize(p) + " " + (Files.isDirectory(p) ? "dir" : Files.size(p)) + " "
                            + Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> names(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
