package io.interchange.engine.ring;

import com.lmax.disruptor.EventHandler;

/**
 * Handler 4: sends the slot's output frames to their links, flushing once per batch, and times each message's stay.
 * Once the journal has failed it sends nothing ({@link JournalHandler#failed}): nothing leaves unjournaled.
 */
final class EgressHandler implements EventHandler<SwitchEvent>
{
    private final Egress egress;
    private final TimeInSwitch timeInSwitch;
    private final JournalHandler journal;

    EgressHandler(final Egress egress, final TimeInSwitch timeInSwitch, final JournalHandler journal)
    {
        this.egress = egress;
        this.timeInSwitch = timeInSwitch;
        this.journal = journal;
    }

    @Override
    public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            if (journal.failed())
            {
                return;
            }
            final int n = event.outputCount();
            for (int i = 0; i < n; i++)
            {
                egress.send(event.outputLinkId(i), event.output(), event.outputHeaderOffset(i),
                    event.outputHeaderLength(i) + event.outputLength(i), event.outputCloses(i));
            }
            if (n > 0 && event.type() != EventType.TICK)
            {
                timeInSwitch.sent(event.timestampNanos());
            }
            if (event.closesLink())
            {
                egress.close(event.linkId());
            }
        }
        finally
        {
            // A send that throws loses its own event's output, never the flush of the batch's others.
            if (endOfBatch)
            {
                timeInSwitch.handedOff();
                egress.endOfBatch();
            }
        }
    }
}
