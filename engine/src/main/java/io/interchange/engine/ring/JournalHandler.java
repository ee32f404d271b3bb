package io.interchange.engine.ring;

import com.lmax.disruptor.EventHandler;

/**
 * Handler 3: appends each event to the journal; egress runs after it, so nothing leaves unjournaled. An event
 * the switch marked quiet (a tick that timed nothing out) is not journaled: it changed no state, so replay does
 * not need it, and an idle switch would otherwise write a hundred records a second.
 */
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
        if (!event.isQuiet())
        {
            journal.append(event);
        }
        if (endOfBatch)
        {
            journal.endOfBatch();
        }
    }
}
