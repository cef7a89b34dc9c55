package io.drover.api;

/** What a periodic job does. */
@FunctionalInterface
public interface JobTask {

    /**
     * Runs the job once.
     *
     * @throws Exception logged with its stack trace; the schedule goes on
     */
    void run(JobRun run) throws Exception;
}
