package io.interchange.tools.load;

import java.time.Duration;

/**
 * When each request of an open loop is due, counted from the start: the warm-up ramps the rate up linearly from
 * a tenth of it, as a switch is brought into service (a cold JVM runs its first thousands of messages interpreted,
 * and the full rate from the first second builds a backlog that takes it longer to drain than a warm-up lasts);
 * from the end of the warm-up, when measuring starts, requests are due at the full rate.
 *
 * <pre>
 *   requests due by t, in the warm-up W:  n(t) = r₀ t + (r - r₀) t² / 2W,   r₀ = r / 10
 *   after it:                             n(t) = n(W) + r (t - W)
 * </pre>
 */
record OpenLoopSchedule(int rate, Duration warmup)
{
    /** The warm-up's first rate, as a share of the rate. */
    static final double RAMP_FROM = 0.1;
    private static final double NANOS_PER_SECOND = 1e9;

    /** Nanoseconds from the start at which request {@code request} (0, 1, 2... over all connections) is due. */
    long dueNanos(final long request)
    {
        final double w = warmup.toNanos() / NANOS_PER_SECOND;
        final double first = rate * RAMP_FROM;
        final double inWarmup = w * (first + rate) / 2;
        final double seconds;
        if (request < inWarmup)
        {
            final double a = (rate - first) / (2 * w);
            seconds = (-first + Math.sqrt(first * first + 4 * a * request)) / (2 * a);
        }
        else
        {
            seconds = w + (request - inWarmup) / rate;
        }
        return (long)(seconds * NANOS_PER_SECOND);
    }
}
