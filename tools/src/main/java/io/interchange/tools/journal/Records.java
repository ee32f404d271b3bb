package io.interchange.tools.journal;

import java.io.PrintWriter;

import io.interchange.engine.config.SwitchConfig;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import picocli.CommandLine.Model.CommandSpec;

/** The scan the reading commands share: each record of the journal (or day) that the filter lets through, decoded. */
final class Records
{
    /** What is done with each record shown: the record (valid until the next) and its view. */
    @FunctionalInterface
    interface Visitor
    {
        void visit(JournalRecord record, RecordView view);
    }

    /** What a scan read: every record, and how many of them failed their checksum, the first by its queue index. */
    record Scan(long read, long corrupt, long firstCorrupt)
    {
    }

    private Records()
    {
    }

    /** Visits the records the filter selects, in journal order. */
    static Scan scan(final JournalSource source, final RecordFilter filter, final Visitor visitor)
    {
        final SwitchConfig config = source.config();
        final JournalConfig journal = source.journalConfig();
        filter.resolve(config.businessDay().zone());
        final RecordDecoder decoder = new RecordDecoder(config, journal.dialects());
        long read = 0;
        long corrupt = 0;
        long firstCorrupt = -1;
        try (JournalReader reader = source.open())
        {
            while (reader.next())
            {
                read++;
                final JournalRecord record = reader.record();
                if (!record.checksumValid() && corrupt++ == 0)
                {
                    firstCorrupt = record.index();
                }
                final RecordView view = decoder.view(record);
                if (filter.test(view))
                {
                    visitor.visit(record, view);
                }
            }
        }
        return new Scan(read, corrupt, firstCorrupt);
    }

    /**
     * The exit code of a command that read {@code corrupt} records whose checksum does not hold: 0 for none, else 1
     * and a line on stderr naming the first. They are shown (as CORRUPT) or counted all the same, but a journal with
     * a hole in it is not a clean read, and a script must not take it for one; whether a filter would have matched
     * one cannot be told, so every corrupt record read counts.
     */
    static int exitCode(final CommandSpec spec, final long corrupt, final long firstCorrupt)
    {
        if (corrupt == 0)
        {
            return 0;
        }
        final PrintWriter err = spec.commandLine().getErr();
        err.printf("%s: %,d record%s read %s corrupt (checksum does not hold), the first at index 0x%x%n", spec.qualifiedName(), corrupt,
            corrupt == 1 ? "" : "s", corrupt == 1 ? "is" : "are", firstCorrupt);
        err.flush();
        return 1;
    }

    static int exitCode(final CommandSpec spec, final Scan scan)
    {
        return exitCode(spec, scan.corrupt(), scan.firstCorrupt());
    }
}
