package io.interchange.engine.clearing;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Event time as ISO-8601 UTC to the millisecond, as the clearing files write it. A day has many events a second:
 * the date and time are formatted once a second and the milliseconds appended by hand. One thread.
 */
final class UtcMillis
{
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);

    private long second = Long.MIN_VALUE;
    private String prefix;

    String format(final long nanos)
    {
        final long s = Math.floorDiv(nanos, 1_000_000_000L);
        if (s != second)
        {
            second = s;
            prefix = SECOND.format(Instant.ofEpochSecond(s));
        }
        final int millis = (int)(Math.floorMod(nanos, 1_000_000_000L) / 1_000_000L);
        return prefix + (char)('0' + millis / 100) + (char)('0' + millis / 10 % 10) + (char)('0' + millis % 10) + 'Z';
    }
}
