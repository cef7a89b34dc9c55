package io.drover;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * The order failsafe's two lanes take the end-to-end classes in (pom.xml): the slowest at the
 * two ends of the list, the rest in between as discovered. JUnit forks the concurrent classes
 * in this order and its two threads work the list from opposite ends (the forking thread takes
 * its own last fork first, the other steals the first), so each lane starts with long classes
 * and both end on short ones. Discovered in directory order instead, a two-minute class could
 * come last to one lane while the other idled (the suite took 9:19 to 10:28 for the same code).
 * Isolated classes run alone after all these whatever their place here.
 *
 * <p>{@link #SLOWEST} is by time in a whole run, slowest first; a class not named keeps its
 * place in the middle. Only the suite's time depends on it, never a result.
 */
public final class SlowestFirst implements ClassOrderer {
    static final List<String> SLOWEST = List.of(
            "io.drover.e2e.SecurityLogsIT",
            "io.drover.e2e.SecurityIT",
            "io.drover.e2e.LifecycleIT",
            "io.drover.e2e.SuperviseIT",
            "io.drover.extra.GoldenOutputIT",
            "io.drover.cli.DistributionIT",
            "io.drover.extra.SupervisordIT",
            "io.drover.extra.SystemdUnitsIT",
            "io.drover.e2e.HangingStartIT",
            "io.drover.cli.NodeRegistryIT",
            "io.drover.e2e.SupervisorChannelIT",
            "io.drover.e2e.BeatIT",
            "io.drover.cli.LauncherIT",
            "io.drover.e2e.RollingRestartIT",
            "io.drover.e2e.NewcomerIT",
            "io.drover.e2e.DetachedSupervisorIT",
            "io.drover.e2e.OptionMeaningIT",
            "io.drover.e2e.ForensicsIT",
            "io.drover.e2e.HealthPortIT",
            "io.drover.e2e.SecurityIdentityIT",
            "io.drover.e2e.MetricsIT",
            "io.drover.e2e.ReliabilityIT",
            "io.drover.extra.SystemdExportIT",
            "io.drover.extra.SupervisordExportIT");

    @Override
    public void orderClasses(ClassOrdererContext context) {
        List<ClassDescriptor> slow = new ArrayList<>();
        List<ClassDescriptor> rest = new ArrayList<>();
        for (ClassDescriptor d : context.getClassDescriptors()) {
            (SLOWEST.contains(d.getTestClass().getName()) ? slow : rest).add(d);
        }
        slow.sort((a, b) -> Integer.compare(SLOWEST.indexOf(a.getTestClass().getName()),
                SLOWEST.indexOf(b.getTestClass().getName())));
        // slowest first, second slowest last, third second, ...: whichever end a lane works from
        List<ClassDescriptor> front = new ArrayList<>();
        Deque<ClassDescriptor> back = new ArrayDeque<>();
        for (int i = 0; i < slow.size(); i++) {
            if (i % 2 == 0) {
                front.add(slow.get(i));
            } else {
                back.addFirst(slow.get(i));
            }
        }
        List<ClassDescriptor> order = new ArrayList<>(front);
        order.addAll(rest);
        order.addAll(back);
        Map<ClassDescriptor, Integer> rank = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            rank.put(order.get(i), i);
        }
        context.getClassDescriptors().sort((a, b) -> Integer.compare(rank.get(a), rank.get(b)));
    }
}
