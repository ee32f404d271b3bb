package io.interchange.journal;

import static io.interchange.journal.Fixtures.ISO87B;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.nanos;
import static io.interchange.journal.Fixtures.purchase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal whose Chronicle Queue excerpt headers are damaged is refused, never read short: Chronicle Queue takes a
 * zeroed, unfinished or end-of-file header for the end of the journal, steps over one marked metadata, and follows a
 * length past the file (see package-info). A record a crash left unfinished at the very end is the end, as before.
 */
class DamagedHeaderTest
{
    private static final int RECORDS = 6;
    private static final int VICTIM = 2;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAJournalWithAZeroedHeaderMidFile()
    {
        final long[] indexes = write(RECORDS, 0);
        final DamagedJournal.Header header = DamagedJournal.headerOf(dir, indexes[VICTIM]);
        DamagedJournal.overwriteHeaderOf(dir, indexes[VICTIM], 0);

        final List<Long> read = new ArrayList<>();
        final JournalDamagedException damaged = assertThrows(JournalDamagedException.class, () -> readAll(read));
        assertEquals(List.of(indexes[0], indexes[1]), read, "the records before the damage are read");
        assertNamed(damaged, header, indexes[VICTIM], "its header (0x00000000) is zero, yet the writer completed records up to the one at byte ");
    }

    @Test
    void shouldRefuseAJournalWithANotCompleteHeaderMidFile()
    {
        final long[] indexes = write(RECORDS, 0);
        final DamagedJournal.Header header = DamagedJournal.headerOf(dir, indexes[VICTIM]);
        final int was = DamagedJournal.read(header);
        DamagedJournal.overwrite(header, was | DamagedJournal.NOT_COMPLETE);

        final JournalDamagedException damaged = assertThrows(JournalDamagedException.class, () -> readAll(new ArrayList<>()));
        assertNamed(damaged, header, indexes[VICTIM], String.format("its header (0x%08x) says the record is not complete", was | DamagedJournal.NOT_COMPLETE));
    }

    @Test
    void shouldRefuseAJournalWhoseLastRecordsHeaderWasMarkedNotCompleteAfterItWasWritten()
    {
        final long[] indexes = write(RECORDS, 0);
        final DamagedJournal.Header header = DamagedJournal.headerOf(dir, indexes[RECORDS - 1]);
        DamagedJournal.overwrite(header, DamagedJournal.read(header) | DamagedJournal.NOT_COMPLETE);

        // Not an interrupted append: the writer had completed it, its write position says so.
        assertNamed(assertThrows(JournalDamagedException.class, () -> readAll(new ArrayList<>())), header, indexes[RECORDS - 1], "not complete");
    }

    @Test
    void shouldRefuseAJournalWithAHeaderWhoseLengthRunsPastTheFile()
    {
        final long[] indexes = write(RECORDS, 0);
        final DamagedJournal.Header header = DamagedJournal.headerOf(dir, indexes[VICTIM]);
        DamagedJournal.overwrite(header, 0x3FFF_FFF0);

        final JournalDamagedException damaged = assertThrows(JournalDamagedException.class, () -> readAll(new ArrayList<>()));
        assertNamed(damaged, header, indexes[VICTIM], "its header (0x3ffffff0) gives a length of 1073741808 bytes, past the end of the file (");
    }

    @Test
    void shouldRefuseAJournalWithAHeaderWhoseLengthRunsPastTheLastRecordWritten()
    {
        final long[] indexes = write(RECORDS, 0);
        final DamagedJournal.Header header = DamagedJournal.headerOf(dir, indexes[VICTIM]);
        DamagedJournal.overwrite(header, DamagedJournal.read(header) + 4096);

        assertNamed(assertThrows(JournalDamagedException.class, () -> readAll(new ArrayList<>())), header, indexes[VICTIM],
            "past the end of the last record written, at byte ");
    }

    @Test
    void shouldRefuseAJournalWithGarbageForAHeader()
    {
        // Random bits: with bit 31 set they read as "not complete", without it as a length of hundreds of megabytes.
        for (final int garbage : new int[] {0xDEAD_BEEF, 0x3C5A_96E1})
        {
            final Path journal = dir.resolve(Integer.toHexString(garbage));
            final long[] indexes = write(journal, RECORDS, 0);
            final DamagedJournal.Header header = DamagedJournal.headerOf(journal, indexes[VICTIM]);
            DamagedJournal.overwrite(header, garbage);

            final JournalDamagedException damaged = assertThrows(JournalDamagedException.class, () -> readAll(journal, new ArrayList<>()));
            assertNamed(damaged, header, indexes[VICTIM], String.format("its header (0x%08x) ", garbage));
        }
    }

    @Test
    void shouldRefuseAJournalWithAnEndOfFileMarkerMidFile()
    {
        final long[] indexes = write(RECORDS, 0);
        final DamagedJournal.Header header = DamagedJournal.headerOf(dir, indexes[VICTIM]);
        DamagedJournal.overwrite(header, DamagedJournal.END_OF_FILE);

        assertNamed(assertThrows(JournalDamagedException.class, () -> readAll(new ArrayList<>())), header, indexes[VICTIM],
            "its header (0xc0000000) is an end-of-file marker");
    }

    @Test
    void shouldRefuseAJournalWithARecordsHeaderMarkedMetadataWhichChronicleStepsOver()
    {
        final long[] indexes = write(RECORDS, 0);
        final DamagedJournal.Header header = DamagedJournal.headerOf(dir, indexes[VICTIM]);
        final int was = DamagedJournal.read(header);
        DamagedJournal.overwrite(header, was | DamagedJournal.METADATA);

        final List<Long> read = new ArrayList<>();
        final JournalDamagedException damaged = assertThrows(JournalDamagedException.class, () -> readAll(read));
        assertEquals(RECORDS - 1, read.size(), "Chronicle reads on past it, one record short");
        assertNamed(damaged, header, indexes[VICTIM], String.format("its header (0x%08x) says the record is metadata, which is stepped over: the file " +
            "holds %d records by its index, and %d were read", was | DamagedJournal.METADATA, RECORDS, RECORDS - 1));
    }

    @Test
    void shouldRefuseAJournalDamagedInADayBeforeTheLastThoughTheLaterDaysAreIntact()
    {
        final long[] indexes = write(RECORDS, 3);
        final DamagedJournal.Header header = DamagedJournal.headerOf(dir, indexes[1]);
        DamagedJournal.overwriteHeaderOf(dir, indexes[1], 0);

        assertNamed(assertThrows(JournalDamagedException.class, () -> readAll(new ArrayList<>())), header, indexes[1], "is zero");
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.toBusinessDay(LocalDate.of(2026, 3, 10)));
            assertTrue(reader.next());
            assertThrows(JournalDamagedException.class, reader::next, "the damaged day read alone");
            assertTrue(reader.toBusinessDay(LocalDate.of(2026, 3, 11)));
            int records = 0;
            while (reader.next())
            {
                records++;
            }
            assertEquals(RECORDS - 3, records, "the intact day is read");
        }
    }

    @Test
    void shouldRefuseAJournalWhoseDayEndsWithoutItsEndOfFileMarkerSoThatTheLaterDaysCannotBeRead()
    {
        final long[] indexes = write(RECORDS, 3);
        final DamagedJournal.Header last = DamagedJournal.headerOf(dir, indexes[2]);
        final DamagedJournal.Header endOfFile = last.next(DamagedJournal.lengthOf(DamagedJournal.read(last)));
        assertEquals(DamagedJournal.END_OF_FILE, DamagedJournal.overwriteEndOfFileAfter(dir, indexes[2], 0), "the writer ends a day's file so");

        final List<Long> read = new ArrayList<>();
        final JournalDamagedException damaged = assertThrows(JournalDamagedException.class, () -> readAll(read));
        assertEquals(3, read.size());
        assertNamed(damaged, endOfFile, indexes[2] + 1, "its header (0x00000000) is zero, where the file must end with an " +
            "end-of-file marker: the days after it, to 2026-03-11, cannot be read");
    }

    @Test
    void shouldReadAJournalWhoseLastAppendACrashInterruptedToItsLastCompleteRecord()
    {
        // As this Chronicle Queue leaves an unfinished record (its header still 0), and as one that marks it not complete.
        for (final int header : new int[] {0, DamagedJournal.NOT_COMPLETE, DamagedJournal.NOT_COMPLETE | 80})
        {
            final Path journal = dir.resolve("crash-" + Integer.toHexString(header));
            final long[] indexes = write(journal, RECORDS, 3);
            final DamagedJournal.Header interrupted = DamagedJournal.interruptAppend(journal, header);
            assertEquals(header, DamagedJournal.read(interrupted));
            assertNotEquals(0, DamagedJournal.read(new DamagedJournal.Header(interrupted.file(), interrupted.position() + 4)), "part of it written");

            final List<Long> read = new ArrayList<>();
            readAll(journal, read);
            assertEquals(indexes.length, read.size(), "every complete record, and no error");
            assertEquals(indexes[RECORDS - 1], read.get(RECORDS - 1));
            try (JournalReader reader = new JournalReader(config(journal)))
            {
                assertTrue(reader.toBusinessDay(LocalDate.of(2026, 3, 11)));
                assertTrue(reader.next() && reader.next() && reader.next());
                assertFalse(reader.next());
            }
        }
    }

    @Test
    void shouldReadAnIntactJournalFromAnIndexAndByDay()
    {
        final long[] indexes = write(RECORDS, 3);
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.toIndex(indexes[4]));
            assertTrue(reader.next() && reader.next());
            assertFalse(reader.next());
            assertTrue(reader.toIndex(indexes[2]));
            assertTrue(reader.next() && reader.next());
            assertEquals(indexes[3], reader.record().index());
            assertTrue(reader.toBusinessDay(LocalDate.of(2026, 3, 10)));
            assertTrue(reader.next() && reader.next() && reader.next());
            assertFalse(reader.next(), "the day ends at its cycle's end");
            assertFalse(reader.next());
        }
    }

    private static void assertNamed(final JournalDamagedException damaged, final DamagedJournal.Header header, final long index, final String what)
    {
        assertEquals(header.file(), damaged.file());
        assertEquals(header.position(), damaged.position());
        assertEquals(index, damaged.index());
        final String message = damaged.getMessage();
        assertTrue(message.startsWith("the journal is damaged: " + header.file() + " at byte " + header.position() + ", record 0x" +
            Long.toHexString(index) + ": "), message);
        assertTrue(message.contains(what), message);
    }

    private long[] write(final int records, final int nextDay)
    {
        return write(dir, records, nextDay);
    }

    /** {@code records} records, the last {@code nextDay} of them on the next business day; their queue indexes. */
    private static long[] write(final Path journal, final int records, final int nextDay)
    {
        try (JournalWriter writer = new JournalWriter(config(journal)))
        {
            for (int i = 1; i <= records; i++)
            {
                final String day = i > records - nextDay ? "2026-03-11" : "2026-03-10";
                writer.append(new TestEntry().sequence(i).timestampNanos(nanos(day + "T07:00:00Z") + i)
                    .decision(("record-" + i + " decision").getBytes(StandardCharsets.US_ASCII))
                    .input(1, ISO87B, purchase(ISO87B, "00000" + i, true)));
            }
        }
        final long[] indexes = DamagedJournal.indexes(journal);
        assertEquals(records, indexes.length);
        return indexes;
    }

    private void readAll(final List<Long> read)
    {
        readAll(dir, read);
    }

    private static void readAll(final Path journal, final List<Long> read)
    {
        try (JournalReader reader = new JournalReader(config(journal)))
        {
            while (reader.next())
            {
                assertTrue(reader.record().checksumValid());
                read.add(reader.record().index());
            }
        }
    }
}
