package io.interchange.tools.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What one connection counted and measured. Written only by its event loop; the counters may be read from any
 * thread at any time (release stores, acquire loads: the progress line reads them once a second), the interval
 * latencies through the {@link SingleWriterRecorder} (made for exactly that), and the rest ({@link #measured},
 * {@link #sendLag}, {@link #roundTrip}, the samples) only once the connection has finished, through a task on its loop.
 */
final class ConnectionStats
{
    /** Requests sent (sign-on not counted). */
    static final int SENT = 0;
    /** Answers matched to a request, as expected or not. */
    static final int ANSWERED = 1;
    /** Answers with the wrong MTI, terminal id or response code. */
    static final int MISMATCHES = 2;
    /** Requests not answered within the time-out: lost answers. */
    static final int TIMEOUTS = 3;
    /** Answers to no waiting request: late (after their time-out) or never asked for. */
    static final int UNEXPECTED = 4;
    /** Frames that do not decode far enough to find their STAN. */
    static final int UNDECODABLE = 5;
    /** Sends held back because the next card was used too recently. */
    static final int CARD_WAITS = 6;
    /** Purchases sent as balance inquiries because their card had spent its share of funds. */
    static final int SUBSTITUTED = 7;
    /** Requests of the measured part. */
    static final int MEASURED_SENT = 8;
    /** Answers to requests of the measured part. */
    static final int MEASURED_ANSWERED = 9;
    /** The connection closed, or failed, before the run was over. */
    static final int LINK_ERRORS = 10;
    /** Requests waiting now (a gauge, not a count). */
    static final int OUTSTANDING = 11;
    /** 1 once the connection sends no more requests (its part is over, or it closed). */
    static final int SENDING_DONE = 12;
    private static final int CASES = 16;
    /** Per case: sent, answered as expected, answered otherwise, lost. */
    static final int CASE_SENT = 0;
    static final int CASE_OK = 1;
    static final int CASE_WRONG = 2;
    static final int CASE_LOST = 3;
    private static final int PER_CASE = 4;
    private static final int CODES = CASES + PER_CASE * TransactionCase.count();
    /** Response codes are two of 0-9 and A-Z (A0 is one); anything else is counted as "??". */
    private static final int CODE_SYMBOLS = 37;
    static final int SIZE = CODES + CODE_SYMBOLS * CODE_SYMBOLS;

    /** Mismatches kept word for word per connection, for the report. */
    private static final int MAX_SAMPLES = 20;
    /** Latencies above an hour are an hour: nothing the report says changes, and the histogram stays small. */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
    static final int SIGNIFICANT_DIGITS = 3;

    private final AtomicLongArray counters = new AtomicLongArray(SIZE);
    private final SingleWriterRecorder interval = new SingleWriterRecorder(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private final Histogram measured = new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private final Histogram sendLag = new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private final Histogram roundTrip = new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private final List<String> samples = new ArrayList<>();

    void increment(final int counter)
    {
        add(counter, 1);
    }

    void add(final int counter, final long delta)
    {
        counters.setRelease(counter, counters.getPlain(counter) + delta);
    }

    void set(final int counter, final long value)
    {
        counters.setRelease(counter, value);
    }

    long get(final int counter)
    {
        return counters.getAcquire(counter);
    }

    void caseCount(final TransactionCase c, final int which)
    {
        increment(caseIndex(c, which));
    }

    static int caseIndex(final TransactionCase c, final int which)
    {
        return CASES + c.ordinal() * PER_CASE + which;
    }

    /** Counts an answer's field 39 by its two characters. */
    void code(final byte first, final byte second)
    {
        increment(CODES + symbol(first) * CODE_SYMBOLS + symbol(second));
    }

    private static int symbol(final byte c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        return c >= 'A' && c <= 'Z' ? 10 + c - 'A' : CODE_SYMBOLS - 1;
    }

    /** The code counted at {@code index} (see {@link #SIZE}), or null when the index is not a code's. */
    static String codeAt(final int index)
    {
        if (index < CODES || index >= SIZE)
        {
            return null;
        }
        final int i = index - CODES;
        return "" + text(i / CODE_SYMBOLS) + text(i % CODE_SYMBOLS);
    }

    static int codeIndexBase()
    {
        return CODES;
    }

    private static char text(final int symbol)
    {
        if (symbol < 10)
        {
            return (char)('0' + symbol);
        }
        return symbol < CODE_SYMBOLS - 1 ? (char)('A' + symbol - 10) : '?';
    }

    /**
     * An answer's latency, measured from when its request was due, and its round trip, from when the request went:
     * the first less the generator's own lateness.
     */
    void latency(final long nanos, final long roundTripNanos, final boolean isMeasured)
    {
        final long value = Math.max(1, Math.min(nanos, HIGHEST_NANOS));
        interval.recordValue(value);
        if (isMeasured)
        {
            measured.recordValue(value);
            roundTrip.recordValue(Math.max(1, Math.min(roundTripNanos, HIGHEST_NANOS)));
        }
    }

    /**
     * A request that got no answer (or was never sent), at how long it has waited: in the run's latency figures
     * (percentiles, maximum, {@code .hgrm}), not in the per-second series, which counts answers.
     */
    void lost(final long nanos, final long roundTripNanos, final boolean isMeasured)
    {
        if (isMeasured)
        {
            measured.recordValue(Math.max(1, Math.min(nanos, HIGHEST_NANOS)));
            roundTrip.recordValue(Math.max(1, Math.min(roundTripNanos, HIGHEST_NANOS)));
        }
    }

    /** How late a measured request went after it was due (open loop): the generator's own delay. */
    void sendLag(final long nanos)
    {
        sendLag.recordValue(Math.max(1, Math.min(nanos, HIGHEST_NANOS)));
    }

    void sample(final String mismatch)
    {
        if (samples.size() < MAX_SAMPLES)
        {
            samples.add(mismatch);
        }
    }

    /** The latencies recorded since the last call; safe from any thread. */
    Histogram interval(final Histogram recycle)
    {
        return interval.getIntervalHistogram(recycle);
    }

    /** Every counter now, read from any thread. */
    long[] counters()
    {
        final long[] values = new long[SIZE];
        for (int i = 0; i < SIZE; i++)
        {
            values[i] = counters.getAcquire(i);
        }
        return values;
    }

    /** The measured part's latencies: on the connection's loop, or once it has finished. */
    Histogram measured()
    {
        return measured;
    }

    Histogram sendLagHistogram()
    {
        return sendLag;
    }

    /** The measured part's round trips: on the connection's loop, or once it has finished. */
    Histogram roundTripHistogram()
    {
        return roundTrip;
    }

    List<String> samples()
    {
        return samples;
    }
}
