package io.interchange.engine;

import io.interchange.engine.ring.EventJournal;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.journal.JournalWriter;

/** The ring's journal stage backed by the Chronicle Queue journal. */
final class JournalAdapter implements EventJournal
{
    private final JournalWriter writer;

    JournalAdapter(final JournalWriter writer)
    {
        this.writer = writer;
    }

    @Override
    public void append(final SwitchEvent event)
    {
        writer.append(event);
    }

    @Override
    public void endOfBatch()
    {
        writer.endOfBatch();
    }
}
