package io.interchange.tools.journal;

import io.interchange.engine.config.SwitchConfig;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;

/** The scan the reading commands share: each record of the journal (or day) that the filter lets through, decoded. */
final class Records
{
    /** What is done with each record shown: the record (valid until the next) and its view. */
    @FunctionalInterface
    interface Visitor
    {
        void visit(JournalRecord record, RecordView view);
    }

    private Records()
    {
    }

    /** Visits the records the filter selects, in journal order; returns how many were read in all. */
    static long scan(final JournalSource source, final RecordFilter filter, final Visitor visitor)
    {
        final SwitchConfig config = source.config();
        final JournalConfig journal = source.journalConfig();
        filter.resolve(config.businessDay().zone());
        final RecordDecoder decoder = new RecordDecoder(config, journal.dialects());
        long read = 0;
        try (JournalReader reader = source.open())
        {
            while (reader.next())
            {
                read++;
                final JournalRecord record = reader.record();
                final RecordView view = decoder.view(record);
                if (filter.test(view))
                {
                    visitor.visit(record, view);
                }
            }
        }
        return read;
    }
}
