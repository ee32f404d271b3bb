package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;

/**
 * A switch's journal read back after a run of bad input: every record's checksum holds, the records are counted by
 * event type (one per frame that reached the ring: nothing lost), and a test's card numbers stand in clear in no
 * record and nowhere else in the journal's files (DESIGN.md §7). One excuse: a record whose input decoded with the
 * digits in fields that are not card-number fields, where a mutation moved them; no switch can tell those digits
 * from an amount, so that record may hold them.
 *
 * @param events   records by event type ({@link EventType}).
 * @param inClear  the records that hold a card number in clear without the excuse.
 * @param excused  card numbers found in records with the excuse.
 * @param inFiles  card numbers found in the journal's files, records and all.
 */
record JournalScan(Map<Integer, Integer> events, List<String> inClear, long excused, long inFiles)
{
    static JournalScan of(final SwitchConfig config, final ClearPans pans) throws IOException
    {
        final Map<Integer, Integer> events = new TreeMap<>();
        final List<String> inClear = new ArrayList<>();
        long excused = 0;
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                assertTrue(record.checksumValid(), "checksum of " + record);
                events.merge(record.eventType(), 1, Integer::sum);
                final byte[] bytes = new byte[record.length()];
                record.buffer().getBytes(0, bytes);
                final long found = pans.count(bytes);
                if (found == 0)
                {
                    continue;
                }
                if (record.hasInput() && !record.isWithheld(JournalRecord.INPUT))
                {
                    final byte[] input = new byte[record.messageLength(JournalRecord.INPUT)];
                    record.buffer().getBytes(record.messageOffset(JournalRecord.INPUT), input);
                    if (pans.count(input) > 0)
                    {
                        excused += found;
                        continue;
                    }
                }
                inClear.add(record + ": " + HexFormat.of().formatHex(bytes));
            }
            assertEquals(0, reader.corruptRecords(), "corrupt records");
        }
        long inFiles = 0;
        try (Stream<Path> files = Files.walk(config.journal().dir()))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                inFiles += pans.count(Files.readAllBytes(file));
            }
        }
        return new JournalScan(events, inClear, excused, inFiles);
    }

    /** Records of {@code eventType}. */
    int events(final int eventType)
    {
        return events.getOrDefault(eventType, 0);
    }

    /** No card number in clear in a record, nor anywhere in the files outside the records that may hold one. */
    void assertNoCardNumberInClear(final String context)
    {
        assertTrue(!events.isEmpty(), "the journal has records");
        assertEquals(List.of(), inClear.subList(0, Math.min(3, inClear.size())),
            inClear.size() + " records hold a card number in clear (the first three shown); " + context);
        assertEquals(excused, inFiles, "card numbers in clear in the journal's files outside the records that may hold them; " + context);
    }
}
