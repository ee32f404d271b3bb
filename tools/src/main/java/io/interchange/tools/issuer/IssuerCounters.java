package io.interchange.tools.issuer;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The simulator's counters. Written by one thread, the event loop, so an increment is a read and a release store
 * rather than an atomic add; any thread may read them.
 */
final class IssuerCounters
{
    private static final IssuerCounter[] COUNTERS = IssuerCounter.values();
    private static final ResponseCode[] CODES = ResponseCode.values();

    private final AtomicLongArray values = new AtomicLongArray(COUNTERS.length + CODES.length);

    void increment(final IssuerCounter counter)
    {
        add(counter.ordinal());
    }

    /** One more answer sent with {@code code}. */
    void answered(final ResponseCode code)
    {
        add(IssuerCounter.ANSWERS_SENT.ordinal());
        add(COUNTERS.length + code.ordinal());
    }

    private void add(final int i)
    {
        values.lazySet(i, values.get(i) + 1);
    }

    long get(final IssuerCounter counter)
    {
        return values.get(counter.ordinal());
    }

    long answers(final ResponseCode code)
    {
        return values.get(COUNTERS.length + code.ordinal());
    }

    /** {@code 00=12 14=1 ...}, the codes answered at least once, then the non-zero counters: for the command line. */
    String summary()
    {
        final StringBuilder sb = new StringBuilder("answers");
        for (final ResponseCode code : CODES)
        {
            final long n = answers(code);
            if (n > 0)
            {
                sb.append(' ').append(code.code()).append('=').append(n);
            }
        }
        for (final IssuerCounter counter : COUNTERS)
        {
            final long n = get(counter);
            if (n > 0 && counter != IssuerCounter.ANSWERS_SENT)
            {
                sb.append(", ").append(counter.name().toLowerCase(Locale.ROOT)).append(' ').append(n);
            }
        }
        return sb.toString();
    }
}
