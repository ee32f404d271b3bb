package io.interchange.engine.ring;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.EpochNanoClock;

/**
 * How long a message spends in the switch: from its frame's receipt by the link's event loop (the event's
 * timestamp, from the links' clock) to the moment the egress stage hands the event's outputs to the links' lanes.
 * That is the wait in the ring, decode, switch, journal append and the batch's journal end. The socket writes after
 * it are the event loops' and are not in it.
 *
 * <p>The egress stage notes the receipt time of each event that came from a link and sent something, and at the
 * batch's end, as it hands the batch over, reads the clock once and records them all in HdrHistogram's single-writer
 * recorder (two uncontended atomic increments each, no lock, no allocation). Readers, on
 * any thread: {@link #takeInterval} (what was recorded since its last call, for a probe measuring a window) and
 * {@link #sinceStart} (for the node's summary when it stops).
 */
public final class TimeInSwitch
{
    /** Longer is recorded as this: a minute in the switch is already an incident. */
    public static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);
    public static final int SIGNIFICANT_DIGITS = 3;

    private final EpochNanoClock clock;
    private final long[] batch;
    private int inBatch;
    private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private final Histogram sinceStart = new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private final Histogram sinceTaken = new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private Histogram recycle;

    /** @param batchCapacity the most events in one batch: the ring's size. */
    public TimeInSwitch(final EpochNanoClock clock, final int batchCapacity)
    {
        this.clock = clock;
        this.batch = new long[batchCapacity];
    }

    /** Egress stage: the outputs of an event received at {@code receivedNanos} go with this batch. */
    void sent(final long receivedNanos)
    {
        if (inBatch == batch.length)
        {
            handedOff();
        }
        batch[inBatch++] = receivedNanos;
    }

    /** Egress stage: the batch is being handed to the links now. */
    void handedOff()
    {
        if (inBatch == 0)
        {
            return;
        }
        final long now = clock.nanoTime();
        for (int i = 0; i < inBatch; i++)
        {
            recorder.recordValue(Math.max(1, Math.min(now - batch[i], HIGHEST_NANOS)));
        }
        inBatch = 0;
    }

    /** What was recorded since the last call of this method, nanoseconds; the caller's to keep. */
    public synchronized Histogram takeInterval()
    {
        drain();
        final Histogram taken = sinceTaken.copy();
        sinceTaken.reset();
        return taken;
    }

    /** What was recorded since the switch started, nanoseconds; the caller's to keep. */
    public synchronized Histogram sinceStart()
    {
        drain();
        return sinceStart.copy();
    }

    /** Count, p50, p90, p99, p99.9 and max of {@code histogram}, nanoseconds (zeros when it is empty). */
    public static long[] summary(final Histogram histogram)
    {
        if (histogram.getTotalCount() == 0)
        {
            return new long[6];
        }
        return new long[] {histogram.getTotalCount(), histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
            histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), histogram.getMaxValue()};
    }

    private void drain()
    {
        recycle = recorder.getIntervalHistogram(recycle);
        sinceStart.add(recycle);
        sinceTaken.add(recycle);
    }
}
