package io.interchange.journal;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Damages a journal on disk as a failing disk, a stray write or a crash would: the Chronicle Queue excerpt header (the
 * 4-byte length and flags word) of a record, found through Chronicle, overwritten with any value. For the tests of
 * every module that reads a journal.
 */
public final class DamagedJournal
{
    /** The header Chronicle Queue writes at the end of a cycle's file. */
    public static final int END_OF_FILE = 0xC000_0000;
    public static final int NOT_COMPLETE = 0x8000_0000;
    public static final int METADATA = 0x4000_0000;

    private static final long MILLIS_A_DAY = 86_400_000L;

    private DamagedJournal()
    {
    }

    /** Where the excerpt header of a record is: the queue file of its cycle, and the byte in it. */
    public record Header(File file, long position)
    {
        /** Where the header after this excerpt is, its length being {@code length}. */
        Header next(final int length)
        {
            return new Header(file, (position + 4 + length + 3) & ~3L);
        }
    }

    /** The header of the record at {@code index} of the journal in {@code dir}. */
    public static Header headerOf(final Path dir, final long index)
    {
        try (SingleChronicleQueue queue = open(dir); ExcerptTailer tailer = queue.createTailer())
        {
            if (!tailer.moveToIndex(index))
            {
                throw new IllegalArgumentException("no record 0x" + Long.toHexString(index) + " in " + dir);
            }
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent())
                {
                    throw new IllegalArgumentException("record 0x" + Long.toHexString(index) + " in " + dir + " cannot be read");
                }
                return new Header(tailer.currentFile(), document.wire().bytes().readPosition() - 4);
            }
        }
    }

    /** Writes {@code value} over the header of the record at {@code index}; returns the header it was. */
    public static int overwriteHeaderOf(final Path dir, final long index, final int value)
    {
        return overwrite(headerOf(dir, index), value);
    }

    /** Writes {@code value} over the header where the file of the record at {@code index} ends: its end-of-file marker. */
    public static int overwriteEndOfFileAfter(final Path dir, final long index, final int value)
    {
        final Header last = headerOf(dir, index);
        return overwrite(last.next(lengthOf(read(last))), value);
    }

    /** The queue indexes of the journal's records, first to last. */
    public static long[] indexes(final Path dir)
    {
        try (SingleChronicleQueue queue = open(dir); ExcerptTailer tailer = queue.createTailer())
        {
            long[] indexes = new long[16];
            int n = 0;
            while (true)
            {
                try (DocumentContext document = tailer.readingDocument())
                {
                    if (!document.isPresent())
                    {
                        return Arrays.copyOf(indexes, n);
                    }
                    if (n == indexes.length)
                    {
                        indexes = Arrays.copyOf(indexes, 2 * n);
                    }
                    indexes[n++] = document.index();
                }
            }
        }
    }

    /**
     * Leaves the journal's last business day as a writer killed in the middle of an append leaves it: what Chronicle Queue
     * has on disk while a record is being written (its header still 0, as this version leaves it until the record is
     * complete, and part of its bytes), then {@code header} written over that header (0 to leave it as it is, or a
     * "not complete" header some writers leave). The store's write position stays at the last record completed.
     * Returns where the interrupted record's header is.
     */
    public static Header interruptAppend(final Path dir, final int header)
    {
        final int cycle;
        try (SingleChronicleQueue queue = open(dir))
        {
            cycle = queue.lastCycle();
        }
        final Header at;
        final byte[] written;
        try (SingleChronicleQueue queue = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY).epoch(0)
                .timeProvider(() -> cycle * MILLIS_A_DAY + 1).build();
            ExcerptAppender appender = queue.createAppender())
        {
            final DocumentContext document = appender.writingDocument();
            final Bytes<?> bytes = document.wire().bytes();
            final long start = bytes.writePosition();
            bytes.write("a record the writer never finished: its tail was still in the ring".getBytes(StandardCharsets.US_ASCII));
            at = new Header(appender.currentFile(), start - 4);
            written = new byte[(int)(bytes.writePosition() - at.position())];
            bytes.read(at.position(), written, 0, written.length);
            // Put back as it was on disk at the kill; rolled back here, for the queue's lock to be let go.
            document.rollbackOnClose();
            document.close();
        }
        try (RandomAccessFile file = new RandomAccessFile(at.file(), "rw"))
        {
            file.seek(at.position());
            file.write(written);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        if (header != 0)
        {
            overwrite(at, header);
        }
        return at;
    }

    /** Writes {@code value} over the header at {@code at}, little-endian as Chronicle Queue writes it; returns the header it was. */
    public static int overwrite(final Header at, final int value)
    {
        final int was = read(at);
        try (RandomAccessFile file = new RandomAccessFile(at.file(), "rw"))
        {
            file.seek(at.position());
            file.writeInt(Integer.reverseBytes(value));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return was;
    }

    /** The header at {@code at}. */
    public static int read(final Header at)
    {
        try (RandomAccessFile file = new RandomAccessFile(at.file(), "r"))
        {
            file.seek(at.position());
            return Integer.reverseBytes(file.readInt());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The length a header gives its excerpt. */
    public static int lengthOf(final int header)
    {
        return header & 0x3FFF_FFFF;
    }

    private static SingleChronicleQueue open(final Path dir)
    {
        return ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY).epoch(0).readOnly(true).build();
    }
}
