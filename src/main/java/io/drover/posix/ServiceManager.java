package io.drover.posix;

import io.drover.posix.Posix;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The node's side of systemd's notify protocol, for a node run in the foreground by a
 * {@code Type=notify} unit: {@code READY=1} only once the application reported ready,
 * {@code RELOADING=1} on HUP, {@code STOPPING=1} on TERM/INT, {@code WATCHDOG=1} at half of
 * {@code WATCHDOG_USEC}. Nothing happens without {@code NOTIFY_SOCKET}, so nodes elsewhere pay
 * nothing; a detached node never sees one (its spawner removes it). {@code multi supervise}, a
 * unit's main process too, reports through the same calls for all its nodes.
 */
public final class ServiceManager {
    public static final String SOCKET_ENV = "NOTIFY_SOCKET";

    private final String socket;

    private ServiceManager(String socket) {
        this.socket = socket;
    }

    /** The service manager this process reports to, or null. */
    public static ServiceManager fromEnvironment() {
        String socket = System.getenv(SOCKET_ENV);
        return socket == null || socket.isEmpty() ? null : new ServiceManager(socket);
    }

    public void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
        startWatchdog();
    }

    public void reloading() {
        reloading("restarting the application (SIGHUP)");
    }

    public void reloading(String status) {
        send("RELOADING=1\nSTATUS=" + status);
    }

    /** {@code STATUS=}: one line for {@code systemctl status}. */
    public void status(String status) {
        send("STATUS=" + status);
    }

    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + status);
    }

    private void send(String state) {
        Posix.get().notifyServiceManager(socket, state);
    }

    private boolean watching;

    /**
     * WATCHDOG=1 at half the interval systemd asked for (sd_watchdog_enabled(3)), from a thread
     * of this JVM: a node that is stopped (SIGSTOP) or whose JVM has hung is noticed.
     */
    private synchronized void startWatchdog() {
        if (watching) {
            return;
        }
        watching = true;
        long usec;
        try {
            usec = Long.parseLong(System.getenv().getOrDefault("WATCHDOG_USEC", "0"));
        } catch (NumberFormatException e) {
            return;
        }
        String forPid = System.getenv("WATCHDOG_PID");
        if (usec <= 0 || (forPid != null && !forPid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drover-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, usec / 2);
        timer.scheduleAtFixedRate(() -> send("WATCHDOG=1"), 0, period, TimeUnit.MICROSECONDS);
    }
}
