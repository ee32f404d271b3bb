package io.interchange.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.Wires;

/**
 * One queue cycle's file (one business day), read beside Chronicle Queue's tailer to tell its end from damage: the
 * store's write position (where the last record the writer completed starts; the writer moves it only once that
 * record's header is complete, so it never points at an append a crash interrupted) and the excerpt headers, read
 * raw through a file channel of its own, bounds checked, so that a damaged length never faults a mapping.
 *
 * <p>Every excerpt of the file, the store's own metadata at byte 0 included, is a 4-byte header (bit 31 not complete,
 * bit 30 metadata, 30 bits of length) and its bytes, the next header at the next multiple of 4.
 */
final class CycleFile implements AutoCloseable
{
    /** What {@link #header} reads where the file has no header: past its end. */
    static final long NONE = -1;
    private static final int HEADER_LENGTH = Wires.SPB_HEADER_SIZE;

    private final SingleChronicleQueue queue;
    private final int cycle;
    private final File file;
    private final FileChannel channel;
    private final ByteBuffer word = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private long writePosition;
    private long writtenEnd;
    private long size;

    private CycleFile(final SingleChronicleQueue queue, final int cycle, final File file) throws IOException
    {
        this.queue = queue;
        this.cycle = cycle;
        this.file = file;
        this.channel = FileChannel.open(file.toPath(), StandardOpenOption.READ);
    }

    /** The cycle's file as it is now; null when the queue has no file for the cycle. */
    static CycleFile of(final SingleChronicleQueue queue, final int cycle)
    {
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null)
        {
            return null;
        }
        final CycleFile cycleFile;
        try
        {
            cycleFile = new CycleFile(queue, cycle, store.file());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal file " + store.file() + " cannot be read: " + ex.getMessage(), ex);
        }
        finally
        {
            queue.closeStore(store);
        }
        return cycleFile.refresh();
    }

    /** Looks again: a writer may be appending to the file. */
    CycleFile refresh()
    {
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store != null)
        {
            try
            {
                writePosition = store.writePosition();
            }
            finally
            {
                queue.closeStore(store);
            }
        }
        try
        {
            size = channel.size();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal file " + file + " cannot be read: " + ex.getMessage(), ex);
        }
        final long last = header(writePosition);
        writtenEnd = writePosition == 0 ? 0 : Wires.isReady((int)last) && last != NONE ? Math.min(size, end(writePosition, (int)last)) : size;
        return this;
    }

    /** Where the last record the writer completed starts; 0 when it completed none. */
    long writePosition()
    {
        return writePosition;
    }

    /** Where the last record the writer completed ends: no record read from this file ends past it. */
    long writtenEnd()
    {
        return writtenEnd;
    }

    long size()
    {
        return size;
    }

    File file()
    {
        return file;
    }

    /** The header at {@code position}, an unsigned int, or {@link #NONE} when the file ends before it. */
    long header(final long position)
    {
        if (position < 0 || position + HEADER_LENGTH > size)
        {
            return NONE;
        }
        word.clear();
        try
        {
            while (word.hasRemaining())
            {
                if (channel.read(word, position + word.position()) < 0)
                {
                    return NONE;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal file " + file + " cannot be read: " + ex.getMessage(), ex);
        }
        return word.getInt(0) & 0xFFFF_FFFFL;
    }

    /** Where the excerpt with its header at {@code position} ends, by that header's length. */
    static long end(final long position, final int header)
    {
        return position + HEADER_LENGTH + Wires.lengthOf(header);
    }

    /** Where the header after the excerpt ending at {@code end} is. */
    static long align(final long end)
    {
        return (end + 3) & ~3L;
    }

    /**
     * The first header at or after {@code position} that is not a complete metadata excerpt inside the file: what the
     * tailer, which steps over metadata (the store's header, its index arrays), stops at or reads next.
     */
    long pastMetadata(final long position)
    {
        long at = position;
        long header = header(at);
        while (header != NONE && Wires.isReadyMetaData((int)header) && end(at, (int)header) <= size)
        {
            at = align(end(at, (int)header));
            header = header(at);
        }
        return at;
    }

    /** What is wrong with the header at {@code position} to read a record there; null when a record can be read there. */
    String problemAt(final long position)
    {
        final long header = header(position);
        if (header == NONE)
        {
            return "the file (" + size + " bytes) ends before its header";
        }
        final int value = (int)header;
        final String shown = String.format("its header (0x%08x)", value);
        if (value == Wires.NOT_INITIALIZED)
        {
            return shown + " is zero";
        }
        if (value == Wires.END_OF_DATA)
        {
            return shown + " is an end-of-file marker";
        }
        if ((value & Wires.NOT_COMPLETE) != 0)
        {
            return shown + " says the record is not complete";
        }
        if (end(position, value) > size)
        {
            return shown + " gives a length of " + Wires.lengthOf(value) + " bytes, past the end of the file (" + size + " bytes)";
        }
        return Wires.isReadyMetaData(value) ? shown + " says the record is metadata" : null;
    }

    /** What is wrong with the header at {@code position}, whose length runs past the last record written. */
    String lengthPastTheEnd(final long position)
    {
        final int value = (int)header(position);
        final long end = end(position, value);
        return String.format("its header (0x%08x) gives a length of %d bytes, past the end of ", value, Wires.lengthOf(value)) +
            (end > size ? "the file (" + size + " bytes)" : "the last record written, at byte " + writtenEnd);
    }

    /** A record's place in the file: where its header is, and its sequence number in the cycle. */
    record Place(long position, long sequence)
    {
    }

    /**
     * The first complete metadata excerpt before the write position whose bytes begin as a journal record does, with
     * its own length at byte 4: a record whose header gained the metadata bit, which the tailer steps over; null when
     * there is none. Reads every header of the file up to there: only for a file found damaged.
     */
    Place recordReadAsMetadata()
    {
        long sequence = 0;
        long at = 0;
        long header = header(at);
        while (header != NONE && at <= writePosition && Wires.isReady((int)header) && end(at, (int)header) <= size)
        {
            final int length = Wires.lengthOf((int)header);
            if (Wires.isReadyData((int)header))
            {
                sequence++;
            }
            else if (at > 0 && length >= 2 * HEADER_LENGTH && header(at + 2 * HEADER_LENGTH) == length)
            {
                return new Place(at, sequence);
            }
            at = align(end(at, (int)header));
            header = header(at);
        }
        return null;
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            // Read only: nothing is lost by a close that failed.
        }
    }
}
