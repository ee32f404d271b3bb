package io.interchange.bench.ring;

import io.interchange.engine.ring.EventJournal;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.journal.JournalWriter;

/** The two journal stages the ring-path benchmark compares. */
final class Journals
{
    private Journals()
    {
    }

    /**
     * The node's journal stage (engine's JournalAdapter, which is package-private there): the Chronicle Queue
     * journal. Also counts appends, a plain field read once the ring has drained, so that the benchmark can check
     * that every event was journaled.
     */
    static final class Chronicle implements EventJournal
    {
        private final JournalWriter writer;
        private long appends;

        Chronicle(final JournalWriter writer)
        {
            this.writer = writer;
        }

        @Override
        public void append(final SwitchEvent event)
        {
            writer.append(event);
            appends++;
        }

        @Override
        public void endOfBatch()
        {
            writer.endOfBatch();
        }

        long appends()
        {
            return appends;
        }
    }

    /** No journal at all: the stage still runs (a handler thread and its sequence), but does nothing. */
    static final class None implements EventJournal
    {
        @Override
        public void append(final SwitchEvent event)
        {
            // Nothing: this variant shows what the journal costs by leaving it out.
        }

        @Override
        public void endOfBatch()
        {
            // Nothing to flush.
        }
    }
}
