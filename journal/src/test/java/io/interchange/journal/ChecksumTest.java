package io.interchange.journal;

import static io.interchange.journal.Fixtures.ISO87B;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.nanos;
import static io.interchange.journal.Fixtures.purchase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN.md §7: a record damaged on disk is detected, reported and never replayed; its neighbours read as before. */
class ChecksumTest
{
    @TempDir
    Path dir;

    @Test
    void shouldDetectAByteFlippedOnDisk() throws IOException
    {
        writeThreeRecords();
        flipByteAfter("record-2 decision");

        try (JournalReader reader = new JournalReader(config(dir)))
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[1024]);
            assertTrue(reader.next());
            assertTrue(reader.record().checksumValid());
            assertTrue(reader.record().restoreMessage(JournalRecord.INPUT, out, 0) > 0);

            assertTrue(reader.next());
            final JournalRecord corrupt = reader.record();
            assertFalse(corrupt.checksumValid());
            assertEquals(2, corrupt.sequence());
            assertThrows(IllegalStateException.class, () -> corrupt.restoreMessage(JournalRecord.INPUT, out, 0));
            assertThrows(IllegalStateException.class, () -> corrupt.decryptPan(JournalRecord.INPUT, out, 0));
            assertThrows(IllegalStateException.class, () -> corrupt.messageLength(JournalRecord.INPUT));
            assertTrue(corrupt.toString().contains("CORRUPT"), corrupt.toString());

            assertTrue(reader.next());
            assertTrue(reader.record().checksumValid());
            assertEquals(3, reader.record().sequence());
            assertFalse(reader.next());
            assertEquals(1, reader.corruptRecords());
        }
    }

    @Test
    void shouldDetectAFlippedBitInTheSealedPan() throws IOException
    {
        writeThreeRecords();
        // The sealed PAN of record 3's input starts after its decision and the part header; flip a bit in its nonce.
        flipByteAfter("record-3 decision", "record-3 decision".length() + 12 + 20);

        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.next() && reader.next() && reader.next());
            assertFalse(reader.record().checksumValid());
            assertEquals(1, reader.corruptRecords());
        }
    }

    private void writeThreeRecords()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            for (int i = 1; i <= 3; i++)
            {
                writer.append(new TestEntry().sequence(i).timestampNanos(nanos("2026-03-10T07:00:00Z") + i)
                    .decision(("record-" + i + " decision").getBytes(StandardCharsets.US_ASCII))
                    .input(1, ISO87B, purchase(ISO87B, "00000" + i, true)));
            }
        }
    }

    private void flipByteAfter(final String marker) throws IOException
    {
        flipByteAfter(marker, 3);
    }

    /** Flips the byte {@code distance} bytes after the start of the only occurrence of {@code marker} in the queue's files. */
    private void flipByteAfter(final String marker, final int distance) throws IOException
    {
        final byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        final List<Path> files;
        try (Stream<Path> walk = Files.list(dir))
        {
            files = walk.filter(f -> f.toString().endsWith(".cq4")).toList();
        }
        int found = 0;
        for (final Path file : files)
        {
            final byte[] content = Files.readAllBytes(file);
            for (int i = 0; i <= content.length - needle.length; i++)
            {
                if (Arrays.equals(content, i, i + needle.length, needle, 0, needle.length))
                {
                    found++;
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                    {
                        raf.seek(i + distance);
                        final int b = raf.read();
                        raf.seek(i + distance);
                        raf.write(b ^ 0x10);
                    }
                }
            }
        }
        assertEquals(1, found, "occurrences of " + marker);
    }
}
