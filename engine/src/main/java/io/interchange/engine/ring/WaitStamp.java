package io.interchange.engine.ring;

import org.agrona.concurrent.EpochNanoClock;

import com.lmax.disruptor.EventHandler;

/**
 * Stamps each acquirer message with how long it waited since its link read it, in the link while the ring was full
 * and in the ring while the switch was busy, then hands it to the switch handler, which answers a request that waited
 * past limits.request-deadline 91 (DESIGN.md §2); the journal keeps the wait with the decision, for replay.
 *
 * <p>It wraps the switch handler rather than being a stage of its own, so that in every threading it runs on the
 * switch's thread at the switch's turn: with a thread per stage the decode stage runs ahead of a stalled switch, and
 * would stamp waits that had not yet happened. The clock is read once a batch, at the first message that needs it; the
 * batch's later events are taken after that read, so their waits come out short, which never refuses a request that
 * did not wait. The events of a batch were all published before it began, so a stall during one batch shows in the
 * next, whose clock is read after it.
 */
final class WaitStamp implements EventHandler<SwitchEvent>
{
    private final EpochNanoClock clock;
    private final EventHandler<SwitchEvent> switching;
    /** The clock as this batch read it; 0 until an event of the batch needs it. */
    private long batchNanos;

    WaitStamp(final EpochNanoClock clock, final EventHandler<SwitchEvent> switching)
    {
        this.clock = clock;
        this.switching = switching;
    }

    @Override
    public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch) throws Exception
    {
        final long readNanos = event.readNanos();
        if (readNanos != 0 && event.type() == EventType.ACQUIRER_MESSAGE)
        {
            if (batchNanos == 0)
            {
                batchNanos = clock.nanoTime();
            }
            // A clock that stepped back between the link's read and this one (its epoch offset sampled again) is no wait.
            event.waitMicros((int)Math.min(Integer.MAX_VALUE, Math.max(0, batchNanos - readNanos) / 1_000));
        }
        if (endOfBatch)
        {
            batchNanos = 0;
        }
        switching.onEvent(event, sequence, endOfBatch);
    }
}
