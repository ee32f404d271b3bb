package io.interchange.engine.ring;

import com.lmax.disruptor.EventHandler;

/** Handler 3: appends each event to the journal; egress runs after it, so nothing leaves unjournaled. */
final class JournalHandler implements EventHandler<SwitchEvent>
{
    private final EventJournal journal;

    JournalHandler(final EventJournal journal)
    {
        this.journal = journal;
    }

    @Override
    public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch)
    {
        journal.append(event);
        if (endOfBatch)
        {
            journal.endOfBatch();
        }
    }
}
