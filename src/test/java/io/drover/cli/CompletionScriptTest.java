package io.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.multi.ArgParser;
import io.drover.multi.Reserved;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** extra/completion/drover.bash offers exactly the options the commands have. */
class CompletionScriptTest {
    static final Path SCRIPT = Path.of("extra/completion/drover.bash");
    static final Set<String> HELP = Set.of("-h", "--help", "-V", "--version");

    /** The words of one of the script's lists, with the lists it names ($_drover_...) expanded. */
    static Set<String> list(String name) throws Exception {
        String text = Files.readString(SCRIPT);
        Matcher m = Pattern.compile("(?m)^" + name + "=\"([^\"]*)\"").matcher(text);
        assertTrue(m.find(), name + " not in " + SCRIPT);
        Set<String> words = new TreeSet<>();
        for (String w : m.group(1).trim().split("\\s+")) {
            words.addAll(w.startsWith("$") ? list(w.substring(1)) : Set.of(w));
        }
        return words;
    }

    static Set<String> optionNames(Object command) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : new CommandLine(command).getCommandSpec().options()) {
            names.addAll(Arrays.asList(o.names()));
        }
        names.removeAll(HELP);
        return names;
    }

    @Test
    void the_worker_options_are_drover_worker_s() throws Exception {
        assertEquals(optionNames(new WorkerCommand()), list("_drover_worker_options"));
    }

    @Test
    void the_beat_options_are_drover_beat_s() throws Exception {
        assertEquals(optionNames(new BeatCommand()), list("_drover_beat_options"));
    }

    @Test
    void the_subcommands_are_multi_s() throws Exception {
        assertEquals(new TreeSet<>(Main.commandLine().getSubcommands().get("multi").getSubcommands().keySet()),
                list("_drover_subcommands"));
    }

    @Test
    void multi_s_own_options_are_its_naming_options_and_output_switches() throws Exception {
        List<String> notSwitches = new ArrayList<>();
        for (String s : list("_drover_multi_switches")) {
            if (!Reserved.isOutputSwitch(s)) {
                notSwitches.add(s);
            }
        }
        assertEquals(List.of(), notSwitches, "not output switches of multi");
        assertEquals(5, Reserved.values().length - 1, "a new output switch: add it to _drover_multi_switches");
        Set<String> naming = list("_drover_multi_naming");
        assertTrue(ArgParser.OWN_VALUED.containsAll(naming), naming::toString);
        Set<String> valued = new TreeSet<>(ArgParser.OWN_VALUED);
        valued.removeAll(optionNames(new WorkerCommand()));
        valued.removeAll(naming);
        assertEquals(Set.of("--timeout", "--batch", "--backoff", "--backoff-max", "--backoff-reset", "--max-restarts",
                "--within", "--max-memory", "--memory-interval", "--heartbeat", "--on-failure", "--on-restart",
                "--on-give-up", "--hook-timeout", "--give-up-for", "--metrics-port", "--metrics-address"), valued,
                "multi's valued options the script does not offer");
    }

    @Test
    void the_levels_are_the_ones_the_loglevel_option_names() throws Exception {
        OptionSpec loglevel = new CommandLine(new WorkerCommand()).getCommandSpec().findOption("--loglevel");
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("\\b[A-Z]{4,}\\b").matcher(String.join(" ", loglevel.description()));
        while (m.find()) {
            named.add(m.group());
        }
        named.remove("INFO".equals(loglevel.defaultValue()) ? "" : "INFO");
        assertEquals(named, list("_drover_levels"));
    }
}
