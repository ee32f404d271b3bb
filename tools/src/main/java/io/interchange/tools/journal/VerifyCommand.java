package io.interchange.tools.journal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.replay.Replayer;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code interchange journal verify}: is the journal what the switch wrote, and does it explain itself? Two passes:
 * <ol>
 * <li>every record's checksum (of the day with {@code --date}); a corrupt record is named (index, sequence as stored,
 *     time) and the command exits 1 without replaying, since a replay that skips a record would diverge after it
 *     anyway;</li>
 * <li>the inputs replayed through a new switch handler built as the node builds it ({@link SwitchNode#handler}, from
 *     the same config), its decisions journaled into a scratch journal in a temporary directory, then compared with
 *     the original record by record, byte for byte ({@link Replayer#differences}); the first divergence is printed
 *     and the command exits 1.</li>
 * </ol>
 * The replay always runs from the journal's first record, whatever {@code --date} says: the switch's state at the
 * start of a day (requests in flight, duplicates, sign-ons) is what the days before left. The config must be the one
 * the switch ran with: other limits, merchants or routes give other decisions, and verify says where.
 */
@Command(name = "verify", description = {
    "Check every record's checksum, then replay the inputs through a new switch handler and compare its outputs byte for byte.",
    "Exit 0 when both hold, 1 naming the first corrupt record or divergence, 2 for bad input."})
public final class VerifyCommand implements Callable<Integer>
{
    private static final int MAX_CORRUPT_SHOWN = 20;
    /** How {@link Replayer#differences} names the event where two journals part. */
    // A difference names the two records, the journal's then the replay's, by their queue index: the ring's sequence
    // starts again with each run, so a sequence alone can be another run's record.
    private static final Pattern RECORD = Pattern.compile("record 0x([0-9a-f]+)");

    @Spec
    private CommandSpec spec;

    @Mixin
    private JournalSource source;

    @Option(names = "--checksums-only", description = "Only check the checksums; do not replay.")
    private boolean checksumsOnly;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final SwitchConfig config = source.config();
        final JournalConfig journal = source.journalConfig();
        long records = 0;
        long corrupt = 0;
        try (JournalReader reader = source.open())
        {
            while (reader.next())
            {
                records++;
                final JournalRecord record = reader.record();
                if (!record.checksumValid())
                {
                    corrupt++;
                    if (corrupt <= MAX_CORRUPT_SHOWN)
                    {
                        out.println("corrupt record: " + record);
                    }
                }
            }
        }
        if (corrupt > 0)
        {
            out.printf("FAILED: %d of %d records corrupt (checksum does not hold)%s; not replayed%n", corrupt, records,
                corrupt > MAX_CORRUPT_SHOWN ? ", the first " + MAX_CORRUPT_SHOWN + " shown" : "");
            out.flush();
            return 1;
        }
        out.printf("checksums: %d records, all valid%n", records);
        if (checksumsOnly)
        {
            out.flush();
            return 0;
        }

        final Path scratch = Files.createTempDirectory("interchange-verify-");
        try
        {
            final JournalConfig replayed = new JournalConfig(scratch, journal.durability(), journal.cutoff(), journal.zone(),
                journal.panEncryptionKey(), journal.panHashKey(), journal.dialects());
            final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
            final Replayer.Report report;
            final SwitchHandler handler = SwitchNode.handler(config, setup);
            try
            {
                report = Replayer.replay(handler, setup, journal, replayed);
            }
            catch (final IllegalStateException ex)
            {
                // Checksums held, so the bytes are the writer's; a record that cannot be replayed is read with the wrong keys.
                throw new InputException("the replay stopped: " + ex.getMessage() + " (is --config the switch's own?)");
            }
            if (handler.endpointOrderMismatch() != null)
            {
                // Every record after would be read as another issuer's or listener's: a divergence would say less than this.
                out.println("FAILED: the config does not fit the journal: " + handler.endpointOrderMismatch());
                out.flush();
                return 1;
            }
            final List<String> differences = Replayer.differences(journal, replayed, 1);
            if (!differences.isEmpty())
            {
                out.println("first divergence: " + differences.get(0));
                final Matcher record = RECORD.matcher(differences.get(0));
                final List<Long> indexes = new ArrayList<>(2);
                while (record.find())
                {
                    indexes.add(Long.parseUnsignedLong(record.group(1), 16));
                }
                final RecordDecoder decoder = new RecordDecoder(config, journal.dialects());
                if (indexes.size() == 2)
                {
                    // The two records side by side, as cat shows them: what the decision or the answer was, each way.
                    out.println("  journal: " + find(journal, indexes.get(0), decoder));
                    out.println("  replay:  " + find(replayed, indexes.get(1), decoder));
                }
                else if (indexes.size() == 1)
                {
                    // A replay that ends early names the journal's record, one with more records the replay's.
                    final boolean replayOnly = differences.get(0).startsWith("the replay has more records");
                    out.println(replayOnly ? "  replay:  " + find(replayed, indexes.get(0), decoder) : "  journal: " + find(journal, indexes.get(0), decoder));
                }
                out.printf("FAILED: the replay of %d inputs does not reproduce the journal%n", report.replayed());
                out.flush();
                return 1;
            }
            out.printf("replay: %d events replayed (%d withheld inputs skipped), outputs equal byte for byte%n",
                report.replayed(), report.withheld());
            if (report.keysNotRestored() > 0)
            {
                out.printf("note: %d sign-ons' or key changes' keys could not be loaded from the journal%n", report.keysNotRestored());
            }
            out.println("OK");
            out.flush();
            return 0;
        }
        finally
        {
            delete(scratch);
        }
    }

    /** The record at queue index {@code index} as cat prints it, or a note that there is none. */
    private static String find(final JournalConfig journal, final long index, final RecordDecoder decoder)
    {
        try (JournalReader reader = new JournalReader(journal))
        {
            if (reader.toIndex(index) && reader.next() && reader.record().checksumValid())
            {
                return CatCommand.line(decoder.view(reader.record()));
            }
        }
        return "no record 0x" + Long.toHexString(index);
    }

    private static void delete(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(file ->
            {
                try
                {
                    Files.delete(file);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
    }
}
