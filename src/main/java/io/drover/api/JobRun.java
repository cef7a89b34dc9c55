package io.drover.api;

import java.time.Instant;
import org.slf4j.Logger;

/** One run of a periodic job. */
public interface JobRun {

    /** The job's name. */
    String name();

    /** The due time this run is for (not the time it actually started). */
    Instant due();

    /** beat's logger: it writes to beat's logfile. */
    Logger logger();
}
