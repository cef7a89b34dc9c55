package io.drover.node;

import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.UsageException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * {@code --wait-for=tcp:HOST:PORT|http://URL}: what a node waits for before its application's
 * class loads (docs/design.md, "A node's lifecycle", step 7), each dependency in turn until it
 * answers: a TCP connection accepted, or an HTTP GET answered 2xx or 3xx (a redirect is not
 * followed: it is an answer). Loaded only when the option is given.
 *
 * @param targets the dependencies, as written
 * @param timeout how long the node waits for all of them, from the first try
 */
public record WaitFor(List<String> targets, Duration timeout) {
    /** A dependency that did not answer in time: seconds, the dependency as written, the last reason. */
    public static final String GAVE_UP = "waited %s s for %s: %s (--wait-for-timeout)";

    /** The longest one try may take, so TERM is heard within about this long. */
    private static final int TRY_MILLIS = 1000;
    private static final long FIRST_PAUSE_MILLIS = 100;
    private static final long LONGEST_PAUSE_MILLIS = 1000;

    /**
     * The dependencies as given (each a comma list of them), each checked to be one of the two
     * forms, or null when none: a usage error names one that is neither.
     */
    public static WaitFor of(List<String> given, double timeoutSeconds) {
        if (given == null || given.isEmpty()) {
            return null;
        }
        if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
            throw new UsageException("--wait-for-timeout must be between 0 and 86400 seconds, got " + timeoutSeconds);
        }
        List<String> targets = new ArrayList<>();
        for (String target : given) {
            check(target);
            targets.add(target);
        }
        return new WaitFor(List.copyOf(targets), Duration.ofMillis((long) (timeoutSeconds * 1000)));
    }

    private static void check(String target) {
        if (target.startsWith("tcp:")) {
            int colon = target.lastIndexOf(':');
            String host = target.substring(4, colon);
            String port = target.substring(colon + 1);
            if (colon > 4 && !host.isEmpty() && port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1
                    && Integer.parseInt(port) <= 65535) {
                return;
            }
        } else if (target.startsWith("http://") || target.startsWith("https://")) {
            try {
                URI uri = new URI(target);
                if (uri.getHost() != null) {
                    return;
                }
            } catch (URISyntaxException e) {
                // below
            }
        }
        throw new UsageException("--wait-for=" + target + ": give tcp:HOST:PORT or http://HOST[:PORT]/PATH");
    }

    /**
     * Waits until every dependency answered, trying each again after a pause that doubles up to a
     * second, until {@link #timeout} or {@code leftNanos} (the node's start deadline) runs out.
     *
     * @param stopped asked between tries with the pause it may sleep (ms): true when the node was
     *     told to stop meanwhile (TERM or INT), which ends the wait at once
     * @param leftNanos the start deadline's time left, or null for none
     * @return false when the node was told to stop
     * @throws DroverException {@link ExitCode#UNAVAILABLE} naming the dependency that did not
     *     answer, or the start deadline's failure from {@code passed}
     */
    public boolean await(LongPredicate stopped, java.util.function.LongSupplier leftNanos,
                         java.util.function.Supplier<DroverException> passed, org.slf4j.Logger log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String target : targets) {
            log.info("waiting for {} to answer (--wait-for, up to {} s)", target, seconds(timeout));
            long pause = FIRST_PAUSE_MILLIS;
            while (true) {
                String problem = attempt(target);
                if (problem == null) {
                    log.info("{} answers", target);
                    break;
                }
                long now = System.nanoTime();
                if (now >= deadline) {
                    throw new DroverException(ExitCode.UNAVAILABLE, String.format(GAVE_UP, seconds(timeout), target, problem));
                }
                long wait = Math.min(pause, (deadline - now) / 1_000_000 + 1);
                if (leftNanos != null && leftNanos.getAsLong() / 1_000_000 < wait) {
                    throw passed.get();
                }
                if (stopped.test(wait)) {
                    return false;
                }
                pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
            }
        }
        return true;
    }

    /** Closes an HTTP try's connection once the try has taken {@link #TRY_MILLIS}, unless it was answered first. */
    private static final class Cut extends Thread {
        static final String WHY = "no whole answer within " + TRY_MILLIS / 1000 + " s";
        private final HttpURLConnection connection;
        /** Null while the try runs; then whether it ended before the cut. */
        private Boolean answered;

        Cut(HttpURLConnection connection) {
            super("drover-wait-for-cut");
            this.connection = connection;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                Thread.sleep(TRY_MILLIS);
            } catch (InterruptedException e) {
                return; // answered in time
            }
            synchronized (this) {
                if (answered != null) {
                    return;
                }
                answered = false;
            }
            try {
                connection.disconnect(); // the blocked read fails at once: the socket is closed
            } catch (RuntimeException e) {
                // the try's thread may be tearing the connection down too: it is cut either way
            }
        }

        /** Ends the watch: whether the try ended before it was cut. */
        synchronized boolean answered() {
            if (answered == null) {
                answered = true;
                interrupt();
            }
            return answered;
        }
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0);
    }

    /** One try: null when the dependency answered, else why not, as a short phrase. */
    static String attempt(String target) {
        try {
            if (target.startsWith("tcp:")) {
                int colon = target.lastIndexOf(':');
                String host = target.substring(4, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, Integer.parseInt(target.substring(colon + 1))), TRY_MILLIS);
                }
                return null;
            }
            HttpURLConnection c = (HttpURLConnection) new URI(target).toURL().openConnection();
            // the read timeout is per read: a dependency that trickles its answer a byte at a time
            // would hold the try (and the node, deaf to TERM, past --wait-for-timeout) for ever, so
            // the whole try is cut at its limit by closing the connection under it
            Cut cut = new Cut(c);
            try {
                c.setInstanceFollowRedirects(false);
                c.setConnectTimeout(TRY_MILLIS);
                c.setReadTimeout(TRY_MILLIS);
                c.setUseCaches(false);
                cut.start();
                int code = c.getResponseCode();
                return cut.answered() ? (code >= 200 && code < 400 ? null : "answered HTTP " + code) : Cut.WHY;
            } catch (IOException | RuntimeException e) {
                if (!cut.answered()) {
                    return Cut.WHY;
                }
                throw e;
            } finally {
                cut.answered();
                c.disconnect();
            }
        } catch (java.net.ConnectException e) {
            return "connection refused";
        } catch (java.net.SocketTimeoutException e) {
            return "no answer within " + TRY_MILLIS / 1000 + " s";
        } catch (java.net.UnknownHostException e) {
            return "unknown host " + e.getMessage();
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }
}
