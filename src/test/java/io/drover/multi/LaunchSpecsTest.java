package io.drover.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drover.core.Host;
import io.drover.core.UsageException;
import io.drover.launch.LaunchSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node spec's launch settings, read by their spellings in one place into the launcher's record. */
class LaunchSpecsTest {
    private static final Host HOST = new Host("box", false, Map.of("HOME", "/home/u"));

    private static NodeSpec node(String args) {
        ParsedArgs parsed = ArgParser.parse(List.of(args.split(" ")), false, java.util.Set.of("--uid", "--gid", "--umask", "--workdir", "--app")::contains);
        return NodeExpander.expand(parsed.positionals(), parsed, HOST, w -> { }).get(0);
    }

    @Test
    void every_launch_option_of_a_node_lands_in_its_typed_field() {
        NodeSpec node = node("w1 --pidfile=/p/%n.pid --logfile=/l/%n%I.log -A com.acme.App --uid=acme --gid=staff"
                + " --umask=027 --workdir=/srv");

        LaunchSpec spec = LaunchSpecs.of(node, Duration.ofSeconds(7), Duration.ofSeconds(2));

        assertEquals("w1@box", spec.nodename().full());
        assertEquals(node.argv(), spec.argv());
        assertEquals("/p/w1.pid", spec.pidfile());
        assertEquals("/l/w1%I.log", spec.logfile());
        assertEquals(027, spec.umask().intValue());
        assertEquals("/srv", spec.workdir());
        assertEquals(new LaunchSpec.RunAs("acme", "staff"), spec.runAs());
        assertEquals("com.acme.App", spec.app());
        assertEquals(Duration.ofSeconds(7), spec.startTimeout());
        assertEquals(Duration.ofSeconds(2), spec.heartbeat());
    }

    @Test
    void a_node_without_launch_options_keeps_the_callers_user_umask_and_directory_and_runs_the_demo() {
        LaunchSpec spec = LaunchSpecs.of(node("w1 -c 2"));

        assertEquals(node("w1 -c 2").argv(), spec.argv());
        assertNull(spec.umask());
        assertNull(spec.workdir());
        assertNull(spec.app());
        assertEquals(LaunchSpec.RunAs.CALLER, spec.runAs());
    }

    @Test
    void the_long_app_option_is_the_app_too() {
        assertEquals("com.acme.App", LaunchSpecs.of(node("w1 --app=com.acme.App")).app());
    }

    @Test
    void a_umask_that_is_not_one_is_a_usage_error_naming_it() {
        UsageException e = assertThrows(UsageException.class, () -> LaunchSpecs.of(node("w1 --umask=999")));

        assertEquals("--umask 999 is not an octal number from 0 to 0777 (e.g. 022)", e.getMessage());
    }
}
