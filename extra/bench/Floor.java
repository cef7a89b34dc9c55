import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor of a node's start for bench.sh: a bare JVM that writes its pidfile and exits. Ten of
 * them spawned at once, timed until the last is done, are what starting ten JVMs costs at all.
 */
public final class Floor {
    public static void main(String[] args) throws java.io.IOException {
        Files.writeString(Path.of(args[0]), ProcessHandle.current().pid() + "\n");
    }
}
