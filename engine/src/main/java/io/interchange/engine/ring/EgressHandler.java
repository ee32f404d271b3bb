package io.interchange.engine.ring;

import com.lmax.disruptor.EventHandler;

/** Handler 4: sends the slot's output frames to their links, flushing once per batch. */
final class EgressHandler implements EventHandler<SwitchEvent>
{
    private final Egress egress;

    EgressHandler(final Egress egress)
    {
        this.egress = egress;
    }

    @Override
    public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch)
    {
        for (int i = 0, n = event.outputCount(); i < n; i++)
        {
            egress.send(event.outputLinkId(i), event.output(), event.outputHeaderOffset(i),
                event.outputHeaderLength(i) + event.outputLength(i), event.outputCloses(i));
        }
        if (event.closesLink())
        {
            egress.close(event.linkId());
        }
        if (endOfBatch)
        {
            egress.endOfBatch();
        }
    }
}
