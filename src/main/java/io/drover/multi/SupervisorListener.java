package io.drover.multi;

/**
 * What {@code multi supervise} reports while it runs: one line each, about one node or (node
 * null) about the whole. The cli renders them; the supervisor never prints. Called from many
 * threads; implementations synchronize.
 */
public interface SupervisorListener {
    /** Something that went as it should: a start, an adoption, a restart, a stop. */
    void info(NodeSpec node, String message);

    /** Something an operator must hear of: an unasked exit, a hung node, giving up. */
    void warn(NodeSpec node, String message);
}
