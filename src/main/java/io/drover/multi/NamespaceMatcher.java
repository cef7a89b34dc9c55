package io.drover.multi;

import io.drover.core.NodeName;
import io.drover.core.Templates;
import io.drover.core.UsageException;
import java.util.List;

/**
 * Decides which nodes a namespace ({@code -c:NS}) selects. NS is a comma list of node names,
 * full nodenames, 1-based indexes, or (only when the nodes were given as a count) index ranges
 * {@code A-B}. Anything that selects no node is a usage error naming it: a silently ignored
 * option is how a per-node setting gets lost.
 */
final class NamespaceMatcher {
    private final List<String> names;
    private final List<NodeName> nodenames;
    private final boolean counted;
    private final String hostname;

    NamespaceMatcher(List<String> names, List<NodeName> nodenames, boolean counted, String hostname) {
        this.names = names;
        this.nodenames = nodenames;
        this.counted = counted;
        this.hostname = hostname;
    }

    boolean matches(MultiOption opt, int index) {
        boolean hit = false;
        for (String element : opt.namespace().split(",", -1)) {
            hit |= matchesElement(opt, Templates.expandHostInName(element.trim(), hostname), index);
        }
        return hit;
    }

    private boolean matchesElement(MultiOption opt, String element, int index) {
        if (element.isEmpty()) {
            throw new UsageException(opt.written() + ": empty entry in node list '" + opt.namespace() + "'");
        }
        if (NodeExpander.isCount(element)) {
            int i = checkedIndex(opt, element);
            return i == index;
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
            return index >= from && index <= to;
        }
        int match = -1;
        for (int i = 0; i < names.size(); i++) {
            NodeName n = nodenames.get(i);
            if (element.equals(names.get(i)) || element.equals(n.full()) || element.equals(n.shortName())) {
                match = i + 1;
                break;
            }
        }
        if (match < 0) {
            throw new UsageException(opt.written() + ": no node named '" + element + "' (nodes: "
                    + String.join(", ", names) + ")");
        }
        return match == index;
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
