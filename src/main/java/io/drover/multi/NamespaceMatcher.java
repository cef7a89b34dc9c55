package io.drover.multi;

import io.drover.core.NodeName;
import io.drover.core.Templates;
import io.drover.core.UsageException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which nodes a namespace ({@code -c:NS}) selects. NS is a comma list of node names,
 * full nodenames, 1-based indexes, or (only when the nodes were given as a count) index ranges
 * {@code A-B}. As in celery:
 * <ul>
 * <li>a namespace, or an entry of it, that is exactly a node's name selects that node, even when
 *     it looks like an index or a range ({@code multi show 1-3 foo -c:1-3 5} sets node 1-3);
 * <li>a short name selects every node that has it ({@code foo foo@h2 -c:foo 5} sets both); a
 *     full nodename only its node;
 * <li>host templates ({@code %h %n %d}) expand in it as in a node's name.
 * </ul>
 * Anything that selects no node is a usage error naming it: a silently ignored option is how a
 * per-node setting gets lost.
 */
final class NamespaceMatcher {
    private final List<String> names;
    private final boolean counted;
    private final String hostname;
    /** Raw names, full nodenames and short names, each to the 0-based positions of its nodes. */
    private final Map<String, List<Integer>> byName = new HashMap<>();
    private final Map<MultiOption, BitSet> selections = new IdentityHashMap<>();

    NamespaceMatcher(List<String> names, List<NodeName> nodenames, boolean counted, String hostname) {
        this.names = names;
        this.counted = counted;
        this.hostname = hostname;
        for (int i = 0; i < names.size(); i++) {
            NodeName n = nodenames.get(i);
            for (String key : new String[] {names.get(i), n.full(), n.shortName()}) {
                List<Integer> positions = byName.computeIfAbsent(key, k -> new ArrayList<>());
                if (positions.isEmpty() || positions.get(positions.size() - 1) != i) {
                    positions.add(i);
                }
            }
        }
    }

    /** Whether {@code opt}'s namespace selects the node at the 1-based {@code index}. */
    boolean matches(MultiOption opt, int index) {
        return selections.computeIfAbsent(opt, this::select).get(index - 1);
    }

    private BitSet select(MultiOption opt) {
        BitSet selected = new BitSet(names.size());
        if (selectByName(opt.namespace(), selected)) {
            return selected;
        }
        for (String element : opt.namespace().split(",", -1)) {
            selectElement(opt, element.trim(), selected);
        }
        return selected;
    }

    /** Selects the nodes {@code name} names, as written or with host templates; false if none. */
    private boolean selectByName(String name, BitSet selected) {
        List<Integer> hits = byName.get(name);
        if (hits == null) {
            hits = byName.get(Templates.expandHostInName(name, hostname));
        }
        if (hits == null) {
            return false;
        }
        hits.forEach(selected::set);
        return true;
    }

    private void selectElement(MultiOption opt, String element, BitSet selected) {
        if (element.isEmpty()) {
            throw new UsageException(opt.written() + ": empty entry in node list '" + NodeName.printable(opt.namespace()) + "'");
        }
        if (selectByName(element, selected)) {
            return;
        }
        if (NodeExpander.isCount(element)) {
            selected.set(checkedIndex(opt, element) - 1);
            return;
        }
        int dash = element.indexOf('-');
        if (dash > 0 && NodeExpander.isCount(element.substring(0, dash))
                && NodeExpander.isCount(element.substring(dash + 1))) {
            if (!counted) {
                throw new UsageException(opt.written() + ": the index range " + element
                        + " needs the nodes given as a count (multi start 3), not by name");
            }
            int from = checkedIndex(opt, element.substring(0, dash));
            int to = checkedIndex(opt, element.substring(dash + 1));
            if (from > to) {
                throw new UsageException(opt.written() + ": the range " + element + " is empty (write " + to + "-" + from + ")");
            }
            selected.set(from - 1, to);
            return;
        }
        if (dash > 0 && NodeExpander.isCount(element.substring(0, dash))) {
            // 1-x, 1-: a range whose end is no index; "no node named" would hide the typo
            throw new UsageException(NodeName.printable(opt.written()) + ": bad range '" + NodeName.printable(element)
                    + "': a range is two indexes, FIRST-LAST (1-3)");
        }
        if (element.indexOf(':') >= 0) {
            // --foo:1:2=x: one option takes one namespace, and the first ':' ends the option's name
            throw new UsageException(NodeName.printable(opt.written()) + ": ':' in the namespace '"
                    + NodeName.printable(opt.namespace()) + "': an option takes one namespace; a list of nodes is"
                    + " written with commas (" + NodeName.printable(opt.name()) + ":" + NodeName.printable(element.replace(':', ','))
                    + ")");
        }
        throw new UsageException(NodeName.printable(opt.written()) + ": no node named '" + NodeName.printable(element)
                + "' (nodes: " + String.join(", ", names) + ")");
    }

    private int checkedIndex(MultiOption opt, String digits) {
        int count = names.size();
        long i;
        try {
            i = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            i = Long.MAX_VALUE;
        }
        if (i < 1 || i > count) {
            throw new UsageException(opt.written() + ": node index " + digits + " is out of range: there "
                    + (count == 1 ? "is 1 node" : "are " + count + " nodes") + " (indexes 1-" + count + ")");
        }
        return (int) i;
    }
}
