package io.interchange.engine.ring;

import com.lmax.disruptor.DataProvider;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;

/**
 * The four stages on one thread, for machines with fewer cores than the ring has stages plus I/O threads. On two
 * cores, four stage threads and the links' event loops time-share: each hand-off between stages waits for a thread
 * to be scheduled, and one thread doing all four in turn moves more events (bench/RESULTS.md, "Ring path").
 *
 * <p>The order and the guarantee are the staged ring's: decode, switch and journal each event as it comes, and
 * send a batch's outputs only once the batch is journaled, after the journal's end of batch (an msync when the
 * durability asks for one). A stage that throws loses that stage's work for that event, never the batch, as a
 * stage thread's exception handler would.
 */
final class OneThreadHandler implements EventHandler<SwitchEvent>
{
    private final DataProvider<SwitchEvent> slots;
    private final ExceptionHandler<SwitchEvent> failures;
    private final EventHandler<SwitchEvent> decode;
    private final EventHandler<SwitchEvent> switching;
    private final EventHandler<SwitchEvent> journal;
    private final EventHandler<SwitchEvent> egress;
    private long batchStart = -1;

    OneThreadHandler(
        final DataProvider<SwitchEvent> slots, final ExceptionHandler<SwitchEvent> failures, final EventHandler<SwitchEvent> decode,
        final EventHandler<SwitchEvent> switching, final EventHandler<SwitchEvent> journal, final EventHandler<SwitchEvent> egress)
    {
        this.slots = slots;
        this.failures = failures;
        this.decode = decode;
        this.switching = switching;
        this.journal = journal;
        this.egress = egress;
    }

    @Override
    public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch)
    {
        if (batchStart < 0)
        {
            batchStart = sequence;
        }
        stage(decode, event, sequence, false);
        // The switch stage's end of batch too: its wait stamp reads the clock once a batch.
        stage(switching, event, sequence, endOfBatch);
        stage(journal, event, sequence, endOfBatch);
        if (endOfBatch)
        {
            for (long s = batchStart; s <= sequence; s++)
            {
                stage(egress, slots.get(s), s, s == sequence);
            }
            batchStart = -1;
        }
    }

    private void stage(final EventHandler<SwitchEvent> handler, final SwitchEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            handler.onEvent(event, sequence, endOfBatch);
        }
        catch (final Throwable ex)
        {
            failures.handleEventException(ex, sequence, event);
        }
    }
}
