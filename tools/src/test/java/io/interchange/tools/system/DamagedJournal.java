package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/** Copies of a journal with damage done to them, for the commands that must say so; the original is left alone. */
final class DamagedJournal
{
    private DamagedJournal()
    {
    }

    /** Every file of the journal in {@code from}, copied into {@code to}. */
    static void copy(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.toList())
            {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    /**
     * Zeroes the Chronicle Queue excerpt header of the record at {@code index}, which Chronicle reads as the end of the
     * journal; returns where the header is, for the error that names it.
     */
    static String zeroHeaderOf(final Path dir, final long index)
    {
        final io.interchange.journal.DamagedJournal.Header header = io.interchange.journal.DamagedJournal.headerOf(dir, index);
        io.interchange.journal.DamagedJournal.overwrite(header, 0);
        return header.file() + " at byte " + header.position();
    }

    /** The queue indexes of the journal's records, first to last. */
    static long[] indexes(final Path dir)
    {
        return io.interchange.journal.DamagedJournal.indexes(dir);
    }

    /** Flips a bit of the byte at {@code offset} in the only place of the queue's files that holds {@code record}. */
    static void flipByteInside(final Path dir, final byte[] record, final int offset) throws IOException
    {
        int found = 0;
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".cq4")).toList())
            {
                final byte[] content = Files.readAllBytes(file);
                for (int i = 0; i <= content.length - record.length; i++)
                {
                    if (Arrays.equals(content, i, i + record.length, record, 0, record.length))
                    {
                        found++;
                        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                        {
                            raf.seek(i + offset);
                            final int b = raf.read();
                            raf.seek(i + offset);
                            raf.write(b ^ 0x04);
                        }
                    }
                }
            }
        }
        assertEquals(1, found, "places that hold the record");
    }
}
