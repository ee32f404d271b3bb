package io.interchange.engine.ring;

import com.lmax.disruptor.EventHandler;

/** Handler 1: indexes the slot's message with its dialect's flyweight, so the switch handler only decides. */
final class DecodeHandler implements EventHandler<SwitchEvent>
{
    @Override
    public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch)
    {
        event.sequence(sequence);
        event.decode();
    }
}
