package io.interchange.tools.load;

import java.time.Duration;
import java.util.Locale;

/**
 * How a run stands, given to the progress listener once a second: enough for a progress line.
 *
 * @param phase      warming up, measuring, or draining the last answers.
 * @param elapsed    since the first request was due.
 * @param answers    answers in the last second: the throughput now.
 * @param p99Micros  the 99th percentile latency of those answers, in microseconds (0 when there were none).
 * @param sent       requests sent so far, warm-up included.
 * @param answered   answers so far.
 * @param mismatches answers that were not what their case expects.
 * @param lost       requests that got no answer in time.
 * @param errors     answers to nothing waiting, frames that do not read, connections lost.
 */
public record LoadProgress(
    Phase phase, Duration elapsed, long answers, double p99Micros, long sent, long answered, long mismatches, long lost, long errors)
{
    /** Where in the run the progress is. */
    public enum Phase
    {
        WARMUP, MEASURE, DRAIN;

        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line: {@code measure 12s: 1000 tps, p99 850 us; sent 12,000, answered 11,990, 0 mismatches, 0 lost, 0 errors}. */
    public String line()
    {
        return String.format(Locale.ROOT, "%-7s %3ds: %,d tps, p99 %s; sent %,d, answered %,d, %d mismatches, %d lost, %d errors",
            phase.label(), elapsed.toSeconds(), answers, LoadReport.micros(p99Micros), sent, answered, mismatches, lost, errors);
    }
}
