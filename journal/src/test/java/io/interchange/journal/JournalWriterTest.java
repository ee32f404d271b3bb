package io.interchange.journal;

import static io.interchange.journal.Fixtures.ISO87B;
import static io.interchange.journal.Fixtures.PAN;
import static io.interchange.journal.Fixtures.TRACK_2;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.nanos;
import static io.interchange.journal.Fixtures.purchase;
import static io.interchange.journal.Fixtures.signOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import io.interchange.codec.DecodeError;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalWriterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRollToTheNextBusinessDayAtTheCutoffByEventTime() throws IOException
    {
        // Shanghai closes at 23:00 local, 15:00 UTC. Years away from the wall clock either side: only event time counts.
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(tick(1, "2019-06-30T14:59:59.999999999Z"));
            writer.append(tick(2, "2019-06-30T15:00:00Z"));
            writer.append(tick(3, "2031-02-03T01:00:00Z"));
            writer.append(tick(4, "2031-02-03T14:59:59Z"));
            writer.append(tick(5, "2031-02-03T15:00:00.000000001Z"));
        }

        assertEquals(List.of("20190630F.cq4", "20190701F.cq4", "20310203F.cq4", "20310204F.cq4"), cycleFiles());
        assertEquals(List.of(1L), sequencesOf(LocalDate.of(2019, 6, 30)));
        assertEquals(List.of(2L), sequencesOf(LocalDate.of(2019, 7, 1)));
        assertEquals(List.of(3L, 4L), sequencesOf(LocalDate.of(2031, 2, 3)));
        assertEquals(List.of(5L), sequencesOf(LocalDate.of(2031, 2, 4)));
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertFalse(reader.toBusinessDay(LocalDate.of(2031, 2, 5)));
        }
    }

    @Test
    void shouldJournalALateEventInTheDayAlreadyOpened()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(tick(1, "2026-03-10T15:00:00.000000001Z"));
            // Stamped a microsecond before the cutoff by another link, it reached the ring after the roll.
            writer.append(tick(2, "2026-03-10T14:59:59.999999Z"));
        }
        assertEquals(List.of(1L, 2L), sequencesOf(LocalDate.of(2026, 3, 11)));
        assertEquals(List.of(), sequencesOf(LocalDate.of(2026, 3, 10)));
    }

    /** A directory it cannot write: refused at once, where Chronicle opened it read only and every append then failed. */
    @Test
    void shouldRefuseAJournalItCannotWrite()
    {
        final Path unwritable = Path.of("/proc/interchange-journal-test/journal"); // even root cannot make a directory in /proc
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new JournalWriter(config(unwritable)).close());
        assertTrue(refused.getMessage().startsWith("journal " + unwritable + " cannot be made: "), refused.getMessage());
    }

    @Test
    void shouldAppendAfterTheLastRecordWhenReopened()
    {
        final long first;
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            first = writer.append(tick(1, "2026-03-10T01:00:00Z"));
            writer.append(tick(2, "2026-03-11T01:00:00Z"));
        }
        final long third;
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            // Even stamped earlier, it goes after the last record, in the last day written to.
            third = writer.append(tick(3, "2026-03-10T02:00:00Z"));
            writer.append(tick(4, "2026-03-11T02:00:00Z"));
        }
        assertTrue(third > first);
        assertEquals(List.of(1L), sequencesOf(LocalDate.of(2026, 3, 10)));
        assertEquals(List.of(2L, 3L, 4L), sequencesOf(LocalDate.of(2026, 3, 11)));
    }

    @Test
    void shouldTouchPagesAheadOfTheWriterWithoutChangingWhatItWrote() throws IOException
    {
        final List<Long> written = new ArrayList<>();
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            for (int day = 10; day <= 11; day++)
            {
                for (long sequence = 1; sequence <= 100; sequence++)
                {
                    writer.append(new TestEntry().sequence(sequence).timestampNanos(nanos("2026-03-" + day + "T01:00:00Z") + sequence)
                        .input(1, ISO87B, purchase(ISO87B, String.format("%06d", sequence), true)));
                }
                final File file = writer.currentFile();
                final Pretoucher pretoucher = writer.pretoucher();
                final long end = pretoucher.written() + Pretoucher.AHEAD;
                // The pretoucher follows the writer into each day's new file and keeps AHEAD bytes in front of it.
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (pretoucher.reach(file) < end)
                {
                    assertTrue(System.nanoTime() < deadline, "pages touched to " + end + " in " + file + " within 30 s");
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                written.add(pretoucher.written());
            }
        }
        assertTrue(written.get(0) > 100 * 100, "100 purchases take more than 100 bytes each: " + written);
        for (int day = 10; day <= 11; day++)
        {
            assertEquals(
                LongStream.rangeClosed(1, 100).boxed().toList(), sequencesOf(LocalDate.of(2026, 3, day)),
                "every record of 2026-03-" + day + " reads back, checksum valid");
        }
    }

    @Test
    void shouldWithholdTheBytesOfAMalformedMessage() throws IOException
    {
        final byte[] whole = purchase(ISO87B, "000321", true);
        // Field 35's length prefix says 37 digits: over the field's maximum, so nothing from it on parses.
        final byte[] malformed = whole.clone();
        final int track2 = indexOf(malformed, Fixtures.hex(TRACK_2.replace('=', 'D'))) - 1;
        malformed[track2] = 0x38;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[1024]);

        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T01:00:00Z")).input(4, ISO87B, malformed)
                .output(4, ISO87B, Fixtures.approval(ISO87B, "000321")).output(7, ISO87B, Fixtures.approval(ISO87B, "000322")));
            writer.append(new TestEntry().sequence(2).timestampNanos(nanos("2026-03-10T01:00:01Z")).input(4, ISO87B, new byte[] {0x02}));
        }

        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.next());
            final JournalRecord record = reader.record();
            assertTrue(record.checksumValid());
            assertTrue(record.isWithheld(JournalRecord.INPUT));
            assertFalse(record.hasPan(JournalRecord.INPUT));
            assertThrows(IllegalStateException.class, () -> record.restoreMessage(JournalRecord.INPUT, out, 0));
            assertThrows(IllegalStateException.class, () -> record.messageOffset(JournalRecord.INPUT));
            final WithheldMessage summary = record.withheld(JournalRecord.INPUT);
            assertEquals(malformed.length, summary.messageLength());
            assertEquals(200, summary.mti());
            assertEquals(DecodeError.LENGTH_OVER_MAX, summary.decodeError());
            assertEquals(35, summary.errorField());
            assertEquals(track2, summary.errorOffset());
            assertEquals(PAN.length(), summary.panLength());
            assertEquals("476173******0119", summary.appendMaskedPan(new StringBuilder()).toString());
            assertEquals("withheld " + malformed.length + " bytes, MTI 0200, LENGTH_OVER_MAX at field 35 offset " + track2 + ", PAN 476173******0119",
                summary.toString());
            // The answer to it on its own link echoes what the switch read of it, card data out of place maybe: withheld
            // with it. What went to another link is kept as usual.
            assertTrue(record.isWithheld(JournalRecord.output(0)));
            final WithheldMessage answer = record.withheld(JournalRecord.output(0));
            assertEquals(210, answer.mti());
            assertEquals(DecodeError.NONE, answer.decodeError());
            assertEquals(Fixtures.approval(ISO87B, "000321").length, answer.messageLength());
            assertEquals("withheld " + answer.messageLength() + " bytes, MTI 0210, the answer to a message that did not parse, PAN 476173******0119",
                answer.toString());
            assertFalse(record.isWithheld(JournalRecord.output(1)));
            assertTrue(record.hasPan(JournalRecord.output(1)));

            assertTrue(reader.next());
            final WithheldMessage truncated = reader.record().withheld(JournalRecord.INPUT);
            assertEquals(1, truncated.messageLength());
            assertEquals(-1, truncated.mti());
            assertEquals(DecodeError.TRUNCATED, truncated.decodeError());
            assertEquals(0, truncated.panLength());
        }

        // Nothing of the malformed frame reaches the disk: not its start, not its track 2, not its chip data.
        final byte[] chipData = Fixtures.hex("9F26081122334455667788");
        assertTrue(indexOf(malformed, chipData) > track2);
        for (final Path file : files())
        {
            final byte[] content = Files.readAllBytes(file);
            assertEquals(-1, indexOf(content, Arrays.copyOf(malformed, 12)), file.toString());
            assertEquals(-1, indexOf(content, Arrays.copyOfRange(malformed, track2, track2 + 12)), file.toString());
            assertEquals(-1, indexOf(content, chipData), file.toString());
        }
    }

    @Test
    void shouldPutEveryFileABatchWroteOnTheDeviceOnlyWhenAskedTo()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(tick(1, "2026-03-10T01:00:00Z"));
            writer.endOfBatch();
            assertNull(writer.batchSync(), "process-crash safe: nothing synced");
        }
        try (JournalWriter writer = new JournalWriter(config(dir.resolve("msync")).withDurability(Durability.MSYNC_PER_BATCH)))
        {
            writer.append(tick(1, "2026-03-10T01:00:00Z"));
            writer.endOfBatch();
            assertEquals(1, writer.batchSync().forces());
            final File first = writer.currentFile();
            assertEquals(first, writer.batchSync().lastForced());

            // One batch across the cutoff (15:00 UTC): the closing day's file goes to the device when the batch moves on,
            // the new day's at the batch's end.
            writer.append(tick(2, "2026-03-10T14:59:59Z"));
            writer.append(tick(3, "2026-03-10T15:00:01Z"));
            assertEquals(2, writer.batchSync().forces(), "the closing day's file, as the batch left it");
            assertEquals(first, writer.batchSync().lastForced());
            writer.endOfBatch();
            assertEquals(3, writer.batchSync().forces());
            assertNotEquals(first, writer.batchSync().lastForced());
            assertEquals(writer.currentFile(), writer.batchSync().lastForced());
        }
    }

    /**
     * A power loss keeps what was msynced and, of the rest, whatever the kernel happened to write back. MSYNC_PER_BATCH
     * promises a batch whose answers left survives it: here the second batch's record was msynced, but the file's first
     * page, where Chronicle keeps the store's write position, was last msynced with the first batch. Put back as it was
     * then, as after a power loss before the kernel wrote it back, the journal must still read both records.
     */
    @Test
    void shouldReadEveryMsyncedBatchAfterAPowerLoss(@TempDir final Path copy) throws IOException
    {
        final int page = 4096;
        try (JournalWriter writer = new JournalWriter(config(dir).withDurability(Durability.MSYNC_PER_BATCH)))
        {
            writer.append(tick(1, "2026-03-10T01:00:00Z"));
            writer.endOfBatch();
            final Path file = writer.currentFile().toPath();
            final byte[] firstPageAtFirstSync = Arrays.copyOf(Files.readAllBytes(file), page);
            writer.append(tick(2, "2026-03-10T01:00:01Z"));
            writer.endOfBatch();
            // The second sync starts at the page the first one ended in, past the first page: nothing of that page went with it.
            try (ChronicleQueue queue = ChronicleQueue.singleBuilder(dir).readOnly(true).build();
                ExcerptTailer tailer = queue.createTailer();
                DocumentContext first = tailer.readingDocument())
            {
                assertTrue(first.wire().bytes().readPosition() > page, "the first record is past the first page");
            }
            for (final Path f : files())
            {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
            final byte[] lost = Files.readAllBytes(copy.resolve(file.getFileName()));
            System.arraycopy(firstPageAtFirstSync, 0, lost, 0, page);
            Files.write(copy.resolve(file.getFileName()), lost);
        }
        final List<Long> sequences = new ArrayList<>();
        try (JournalReader reader = new JournalReader(config(copy)))
        {
            while (reader.next())
            {
                assertTrue(reader.record().checksumValid());
                sequences.add(reader.record().sequence());
            }
        }
        assertEquals(List.of(1L, 2L), sequences);
    }

    @Test
    void shouldNotMsyncWhenProcessCrashSafe()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(tick(1, "2026-03-10T01:00:00Z"));
            writer.endOfBatch();
        }
        try (ChronicleQueue queue = ChronicleQueue.singleBuilder(dir).build())
        {
            assertEquals(-1, queue.lastIndexMSynced());
        }
    }

    private static TestEntry tick(final long sequence, final String instant)
    {
        return new TestEntry().sequence(sequence).timestampNanos(nanos(instant)).input(1, ISO87B, signOn(String.format("%06d", sequence)));
    }

    private List<Long> sequencesOf(final LocalDate day)
    {
        final List<Long> sequences = new ArrayList<>();
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            if (reader.toBusinessDay(day))
            {
                while (reader.next())
                {
                    assertEquals(day, reader.record().businessDay());
                    sequences.add(reader.record().sequence());
                }
            }
        }
        return sequences;
    }

    private List<String> cycleFiles() throws IOException
    {
        return files().stream().map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
    }

    private List<Path> files() throws IOException
    {
        try (Stream<Path> list = Files.list(dir))
        {
            return list.filter(Files::isRegularFile).toList();
        }
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        for (int i = 0; i <= haystack.length - needle.length; i++)
        {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                return i;
            }
        }
        return -1;
    }
}
