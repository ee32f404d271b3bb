package io.interchange.journal;

import java.time.LocalDate;
import java.util.Arrays;

import io.interchange.codec.Dialect;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
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
 */
public final class JournalReader implements AutoCloseable
{
    private static final int ALL_DAYS = Integer.MIN_VALUE;

    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final ExcerptTailer tailer;
    private final JournalRecord record;
    private final PanCipher pans;
    private final UnsafeBuffer panText = new UnsafeBuffer(new byte[PanCipher.MAX_PAN_LENGTH]);
    private int dayCycle = ALL_DAYS;
    private long corruptRecords;

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
        return this;
    }

    /** Reads from the record at {@code index} on; false when the journal has no such record. */
    public boolean toIndex(final long index)
    {
        dayCycle = ALL_DAYS;
        return tailer.moveToIndex(index);
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
        return true;
    }

    /**
     * Reads the next record into {@link #record()}; false at the end of the journal, or of the day. A record
     * whose checksum does not hold is read too, so that it can be reported, and counted.
     */
    public boolean next()
    {
        try (DocumentContext document = tailer.readingDocument())
        {
            if (!document.isPresent())
            {
                return false;
            }
            final long index = document.index();
            final int cycle = rollCycle.toCycle(index);
            if (dayCycle != ALL_DAYS && cycle != dayCycle)
            {
                document.rollbackOnClose();
                return false;
            }
            record.copy(index, cycle, document.wire().bytes());
        }
        if (!record.checksumValid())
        {
            corruptRecords++;
        }
        return true;
    }

    /** The record last read by {@link #next}; the same flyweight every time. */
    public JournalRecord record()
    {
        return record;
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
        tailer.close();
        queue.close();
    }
}
