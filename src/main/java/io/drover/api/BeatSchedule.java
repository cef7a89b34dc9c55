package io.drover.api;

import java.util.List;

/**
 * An application with periodic jobs, run by {@code drover beat -A CLASS}. drover creates the
 * class through its public no-argument constructor and asks for the jobs once per start.
 *
 * <p>Each job runs at most once per due time, also across restarts of beat (the last due time
 * of every job is kept in the schedule file); due times missed while beat was down run once at
 * start unless beat is given {@code --no-catch-up}; a job still running when it is due again is
 * not started a second time. A job that throws is logged and beat goes on.
 */
public interface BeatSchedule {

    /** The periodic jobs; names must be unique, they key the schedule file. */
    List<PeriodicJob> jobs();
}
