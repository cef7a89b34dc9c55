/**
 * The reference of bench.sh's `multi names` row: a bare JVM that prints one line, run with the
 * JVM flags the launcher gives the CLI (without drover's own archive and class path), as the
 * least a Java command line tool can cost on this JDK.
 */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
