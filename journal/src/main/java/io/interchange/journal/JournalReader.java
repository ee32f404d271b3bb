package io.interchange.journal;

import java.time.LocalDate;
import java.util.Arrays;

import io.interchange.codec.Dialect;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wires;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads the journal back, record by record, for clearing, replay and the command line: from the start, from an
 * index, or one business day.
 * <pre>
 * try (JournalReader reader = new JournalReader(config))
 * {
 *     reader.toBusinessDay(LocalDate.of(2026, 3, 11));
 *     while (reader.next())
 *     {
 *         final JournalRecord record = reader.record();
 *         if (!record.checksumValid()) { report it; continue; }
 *         int length = record.restoreMessage(JournalRecord.INPUT, buffer, 0);
 *     }
 * }
 * </pre>
 * One thread; the queue is opened read only, so a reader never changes a journal, even one being written.
 *
 * <p>A journal whose files are damaged where the records' checksums cannot see, in Chronicle Queue's excerpt headers,
 * is refused with a {@link JournalDamagedException}: Chronicle reads most such damage as the end of the journal (see
 * the package's documentation), and a reader that took it for the end would go on without the records after it,
 * silently. So at each end, of the journal or of a queue cycle (a business day), the reader checks that it read up to
 * the cycle's last record as the writer left it (the store's write position, and its count of records), and it checks
 * that no record's length runs past that last record. A header marked not complete, or still zero, past the last record
 * the writer completed is an append a crash interrupted: the end, not damage. The checks cost a comparison a record
 * and a look at the file's store and a few headers a cycle; only a file found damaged is read through to say where.
 */
public final class JournalReader implements AutoCloseable
{
    private static final int ALL_DAYS = Integer.MIN_VALUE;
    private static final int NO_CYCLE = Integer.MIN_VALUE;

    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final ExcerptTailer tailer;
    private final JournalRecord record;
    private final PanCipher pans;
    private final UnsafeBuffer panText = new UnsafeBuffer(new byte[PanCipher.MAX_PAN_LENGTH]);
    private int dayCycle = ALL_DAYS;
    private long corruptRecords;

    // The cycle being read and where reading stands in it: its file, the header of the last record read there (-1: none
    // since the cycle or a seek began), where the next header is (0: not known, the file's first), and the sequence
    // number of the record expected next.
    private int readCycle = NO_CYCLE;
    private CycleFile cycleFile;
    private long lastHeader = -1;
    private long nextHeader;
    private long nextSequence;
    // Counts a cycle's records without moving the reading tailer: made the first time it is needed.
    private ExcerptTailer counter;

    public JournalReader(final JournalConfig config)
    {
        final byte[] encryptionKey = config.panEncryptionKey();
        final byte[] hashKey = config.panHashKey();
        try
        {
            this.pans = new PanCipher(encryptionKey, hashKey);
        }
        finally
        {
            Arrays.fill(encryptionKey, (byte)0);
            Arrays.fill(hashKey, (byte)0);
        }
        this.record = new JournalRecord(config.dialects().toArray(new Dialect[0]), pans);
        this.queue = ChronicleQueue.singleBuilder(config.directory()).rollCycle(RollCycles.FAST_DAILY).epoch(0).readOnly(true).build();
        this.rollCycle = queue.rollCycle();
        this.tailer = queue.createTailer();
    }

    /** Reads from the first record of the journal on. */
    public JournalReader toStart()
    {
        dayCycle = ALL_DAYS;
        tailer.toStart();
        enter(NO_CYCLE, 0);
        return this;
    }

    /** Reads from the record at {@code index} on; false when the journal has no such record. */
    public boolean toIndex(final long index)
    {
        dayCycle = ALL_DAYS;
        final boolean found = tailer.moveToIndex(index);
        enter(found ? rollCycle.toCycle(index) : NO_CYCLE, rollCycle.toSequenceNumber(index));
        return found;
    }

    /**
     * Reads the records of one business day, then stops; false when the journal holds none of that day. Each
     * day is a queue cycle, so this is a seek, not a scan.
     */
    public boolean toBusinessDay(final LocalDate day)
    {
        final int cycle = Math.toIntExact(day.toEpochDay());
        if (!tailer.moveToCycle(cycle))
        {
            return false;
        }
        dayCycle = cycle;
        enter(cycle, 0);
        return true;
    }

    /**
     * Reads the next record into {@link #record()}; false at the end of the journal, or of the day. A record
     * whose checksum does not hold is read too, so that it can be reported, and counted.
     */
    public boolean next()
    {
        try
        {
            return read();
        }
        catch (final InternalError ex)
        {
            // A mapped page that faulted: HotSpot raises it at a later safepoint, not in the access, so it is caught here.
            throw damagedOr(ex);
        }
    }

    private boolean read()
    {
        for (boolean again = false; ; again = true)
        {
            try (DocumentContext document = readingDocument())
            {
                if (!document.isPresent())
                {
                    if (endOfData(again))
                    {
                        return false;
                    }
                    continue;
                }
                final long index = document.index();
                final int cycle = rollCycle.toCycle(index);
                if (cycle != readCycle)
                {
                    // The tailer went past the end of the cycle it read, which must then have been read to its end.
                    if (readCycle != NO_CYCLE)
                    {
                        readToItsEnd(true);
                    }
                    enter(cycle, 0);
                }
                final Bytes<?> bytes = document.wire().bytes();
                final long header = bytes.readPosition() - Wires.SPB_HEADER_SIZE;
                final long end = bytes.readLimit();
                final boolean pastWritten = end > cycleFile.writtenEnd() && end > cycleFile.refresh().writtenEnd();
                if (pastWritten && end > cycleFile.size())
                {
                    throw damaged(header, index, cycleFile.lengthPastTheEnd(header), null);
                }
                if (dayCycle != ALL_DAYS && cycle != dayCycle)
                {
                    document.rollbackOnClose();
                    return false;
                }
                record.copy(index, cycle, bytes);
                // Past the write position a whole record is one whose write position a power loss took back (it lives in the
                // file's first page, which an msync of the batch's records does not cover); anything else there is damage.
                if (pastWritten && !record.checksumValid())
                {
                    throw damaged(header, index, cycleFile.lengthPastTheEnd(header), null);
                }
                lastHeader = header;
                nextHeader = CycleFile.align(end);
                nextSequence = rollCycle.toSequenceNumber(index) + 1;
            }
            if (!record.checksumValid())
            {
                corruptRecords++;
            }
            return true;
        }
    }

    /** The tailer's next document; an exception of Chronicle Queue's as the damage it is, where it is one. */
    private DocumentContext readingDocument()
    {
        try
        {
            return tailer.readingDocument();
        }
        catch (final RuntimeException ex)
        {
            throw damagedOr(ex);
        }
    }

    /**
     * {@code ex} as the damage that made Chronicle Queue throw it, when the header the tailer was to read next is
     * damaged: Chronicle follows a length past the file's end into memory that faults, or fails on what it finds there.
     */
    private <T extends Throwable> T damagedOr(final T ex)
    {
        if (tailer.cycle() != readCycle && tailer.cycle() != NO_CYCLE)
        {
            enter(tailer.cycle(), 0);
        }
        if (cycleFile != null)
        {
            final long at = cycleFile.refresh().pastMetadata(nextHeader);
            final String problem = cycleFile.problemAt(at);
            // Past the last record written, a zero or unfinished header is the end: the failure is not the header's.
            if (problem != null && (at <= cycleFile.writePosition() || CycleFile.end(at, (int)cycleFile.header(at)) > cycleFile.size()))
            {
                throw damaged(at, rollCycle.toIndex(readCycle, nextSequence), problem, ex);
            }
        }
        return ex;
    }

    /**
     * The tailer found no record: whether that is the end. Throws {@link JournalDamagedException} when the queue holds
     * records past where the tailer stopped, in the cycle or in a later one. False when a writer appended since the
     * tailer looked, and the record is there to read (not {@code again}: a tailer that still finds none is stopped by
     * damage, whatever the header looks like).
     */
    private boolean endOfData(final boolean again)
    {
        final int at = tailer.cycle();
        if (at == NO_CYCLE || queue.firstCycle() == Integer.MAX_VALUE)
        {
            return true;
        }
        if (readCycle == NO_CYCLE)
        {
            enter(at, 0);
        }
        else if (at > readCycle)
        {
            readToItsEnd(true);
            enter(at, 0);
        }
        if (cycleFile == null)
        {
            return true;
        }
        if (!readToItsEnd(again))
        {
            return false;
        }
        final int lastCycle = queue.lastCycle();
        if (lastCycle > readCycle)
        {
            // A cycle ends with an end-of-file marker, written when the writer goes on to the next: the tailer stops at
            // anything else, however many days follow.
            final long stop = cycleFile.pastMetadata(nextHeader);
            if (cycleFile.header(stop) == (Wires.END_OF_DATA & 0xFFFF_FFFFL))
            {
                return true;
            }
            final String problem = cycleFile.problemAt(stop);
            if (problem == null && !again)
            {
                return false;
            }
            throw damaged(stop, rollCycle.toIndex(readCycle, nextSequence), (problem == null ? "reading stops there" : problem) +
                ", where the file must end with an end-of-file marker: the days after it, to " + LocalDate.ofEpochDay(lastCycle) +
                ", cannot be read", null);
        }
        return true;
    }

    /**
     * Checks that the cycle being read was read to the last record its writer completed. False when, at the end of the
     * data ({@code again} false), a writer appended since the tailer looked.
     */
    private boolean readToItsEnd(final boolean again)
    {
        final long written = cycleFile.refresh().writePosition();
        // Nothing read since a seek into the cycle: short only if the cycle holds the record sought.
        if (written != 0 && written > lastHeader && (lastHeader >= 0 || nextSequence == 0 || records(readCycle) > nextSequence))
        {
            final long stop = cycleFile.pastMetadata(nextHeader);
            final String problem = cycleFile.problemAt(stop);
            if (problem == null && !again)
            {
                return false;
            }
            throw damaged(stop, rollCycle.toIndex(readCycle, nextSequence), (problem == null ? "reading stops there" : problem) +
                ", yet the writer completed records up to the one at byte " + written + ": read as the end, the journal would leave them out", null);
        }
        if (lastHeader >= 0 && written == lastHeader)
        {
            final long records = records(readCycle);
            if (records != nextSequence)
            {
                if (!again && cycleFile.refresh().writePosition() != written)
                {
                    return false;
                }
                final CycleFile.Place skipped = cycleFile.recordReadAsMetadata();
                final String why = " records by its index, and " + nextSequence + " were read";
                if (skipped == null)
                {
                    throw damaged(lastHeader, rollCycle.toIndex(readCycle, nextSequence - 1), "the file holds " + records + why +
                        ": a header before this record's was changed", null);
                }
                throw damaged(skipped.position(), rollCycle.toIndex(readCycle, skipped.sequence()), String.format("its header (0x%08x) says " +
                    "the record is metadata, which is stepped over: the file holds %d%s", cycleFile.header(skipped.position()), records, why), null);
            }
        }
        return true;
    }

    /** How many records the queue's index says the cycle holds. */
    private long records(final int cycle)
    {
        if (counter == null)
        {
            counter = queue.createTailer();
        }
        return counter.excerptsInCycle(cycle);
    }

    /** Reading starts in {@code cycle} (or none yet), at the record of sequence number {@code sequence}. */
    private void enter(final int cycle, final long sequence)
    {
        if (cycleFile != null)
        {
            cycleFile.close();
        }
        readCycle = cycle;
        cycleFile = cycle == NO_CYCLE ? null : CycleFile.of(queue, cycle);
        if (cycleFile == null)
        {
            readCycle = NO_CYCLE;
        }
        lastHeader = -1;
        nextHeader = 0;
        nextSequence = sequence;
    }

    private JournalDamagedException damaged(final long position, final long index, final String what, final Throwable cause)
    {
        return new JournalDamagedException(cycleFile.file(), position, index, what, cause);
    }

    /** The record last read by {@link #next}; the same flyweight every time. */
    public JournalRecord record()
    {
        return record;
    }

    /**
     * The record last read, whose checksum does not hold, as damage: for a reader that cannot go on without what it
     * held (a recovery, which would start without one of the switch's decisions).
     */
    public JournalDamagedException corrupt()
    {
        return damaged(lastHeader, record.index(), "its checksum does not hold, and what it held cannot be known", null);
    }

    /** Records read so far whose checksum did not hold. */
    public long corruptRecords()
    {
        return corruptRecords;
    }

    /**
     * The 16-byte look-up hash of a PAN, written at {@code dst[offset]}, to find its records with
     * {@link JournalRecord#panHashEquals}; returns 16.
     */
    public int panHash(final CharSequence pan, final MutableDirectBuffer dst, final int offset)
    {
        final int n = pan.length();
        if (n > PanCipher.MAX_PAN_LENGTH)
        {
            throw new IllegalArgumentException("a PAN has at most " + PanCipher.MAX_PAN_LENGTH + " digits, not " + n);
        }
        for (int i = 0; i < n; i++)
        {
            panText.putByte(i, (byte)pan.charAt(i));
        }
        pans.hash(panText, 0, n, dst, offset);
        panText.setMemory(0, n, (byte)0);
        return PanCipher.HASH_LENGTH;
    }

    @Override
    public void close()
    {
        if (cycleFile != null)
        {
            cycleFile.close();
        }
        if (counter != null)
        {
            counter.close();
        }
        tailer.close();
        queue.close();
    }
}
