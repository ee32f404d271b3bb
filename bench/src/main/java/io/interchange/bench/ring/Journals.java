package io.interchange.bench.ring;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
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

    /**
     * The journal stage a benchmark's {@code journal} parameter names, {@code chronicle} (the node's, in a temporary
     * directory that {@link #close} deletes) or {@code none}; and how many events it journaled.
     */
    static final class Stage implements AutoCloseable
    {
        private final EventJournal journal;
        private final Chronicle chronicle;
        private final JournalWriter writer;
        private final File directory;

        Stage(final String name, final SwitchConfig config) throws IOException
        {
            if ("chronicle".equals(name))
            {
                directory = Files.createTempDirectory("ring-bench").toFile();
                writer = new JournalWriter(SwitchNode.journalConfig(config.withJournalDir(directory.toPath())));
                chronicle = new Chronicle(writer);
                journal = chronicle;
            }
            else
            {
                directory = null;
                writer = null;
                chronicle = null;
                journal = new None();
            }
        }

        EventJournal journal()
        {
            return journal;
        }

        /** Checks that {@code events} were journaled, when there is a journal. */
        void expectAppends(final long events)
        {
            if (chronicle != null)
            {
                Traffic.expect("events journaled", events, chronicle.appends());
            }
        }

        @Override
        public void close()
        {
            if (writer != null)
            {
                writer.close();
                Traffic.delete(directory);
            }
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
