package io.drover.cli;

import java.util.List;
import java.util.concurrent.Callable;

/** A command a node JVM runs ({@code worker}, {@code beat}), which {@link LeanParser} can fill. */
interface NodeCommand extends Callable<Integer> {

    /** The arguments after the command's name as given, when LeanParser (not picocli) filled it. */
    void useRawArgs(List<String> args);

    @Override
    Integer call();
}
