package io.interchange.engine.switching;

import java.util.concurrent.TimeUnit;

/**
 * At most a line a second, by event time, for a kind of event a peer can send at the rate of its traffic (an issuer's
 * answers refused, a terminal's tracks or PIN blocks refused): the rest are counted for the next line. Logged each,
 * a faulty or hostile peer filled the log's queue, so that lines that mattered were dropped, and made the ring
 * thread build a log event per message. Single-threaded (the switch handler's), allocation-free.
 */
final class LogThrottle
{
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private long loggedAt = Long.MIN_VALUE;
    private long unlogged;

    /** Whether a line is due at {@code now}; when not, the event is counted for the next one. */
    boolean due(final long now)
    {
        if (loggedAt == Long.MIN_VALUE || now - loggedAt >= INTERVAL_NANOS)
        {
            loggedAt = now;
            return true;
        }
        unlogged++;
        return false;
    }

    /** Events not logged since the last line, for the line now due; counting starts again. */
    long takeUnlogged()
    {
        final long taken = unlogged;
        unlogged = 0;
        return taken;
    }
}
