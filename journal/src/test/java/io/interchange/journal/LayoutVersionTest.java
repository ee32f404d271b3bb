package io.interchange.journal;

import static io.interchange.journal.Fixtures.ISO87B;
import static io.interchange.journal.Fixtures.PAN;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.nanos;
import static io.interchange.journal.Fixtures.purchase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layout versions (RecordDescriptor): versions 2, 3 and 4 only add flags the versions before kept reserved (4 a header
 * flag, and the wait it says follows the decision), so a journal written before reads as it did (a switch recovers from
 * yesterday's files after an upgrade); a version this reader does not know is refused, never guessed at.
 */
class LayoutVersionTest
{
    private static final String MARKER = "version test decision";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2, 3})
    void shouldReadARecordOfAnEarlierLayoutVersion(final int version)
    {
        writeOne();
        setVersion(version);
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.next());
            final JournalRecord record = reader.record();
            assertTrue(record.checksumValid());
            assertEquals(0, record.waitMicros(), "no wait before version 4");
            final UnsafeBuffer out = new UnsafeBuffer(new byte[1024]);
            assertEquals(PAN, out.getStringWithoutLengthAscii(0, record.decryptPan(JournalRecord.INPUT, out, 0)));
            assertFalse(record.isPanFromTrack(JournalRecord.INPUT));
            assertTrue(record.restoreMessage(JournalRecord.INPUT, out, 0) > 0);
        }
    }

    @Test
    void shouldRefuseAnOutputSharingTheInputsPanInALayoutBeforeVersion3()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T07:00:00Z"))
                .decision(MARKER.getBytes(StandardCharsets.US_ASCII)).input(1, ISO87B, purchase(ISO87B, "000001", true))
                .output(2, ISO87B, purchase(ISO87B, "900001", true)));
        }
        setVersion(2);
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class, reader::next);
            assertTrue(refused.getMessage().contains("do not add up"), refused.getMessage());
        }
    }

    @Test
    void shouldRefuseAWaitInALayoutBeforeVersion4()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T07:00:00Z")).waitMicros(6_000_000)
                .decision(MARKER.getBytes(StandardCharsets.US_ASCII)).input(1, ISO87B, purchase(ISO87B, "000001", true)));
        }
        setVersion(3);
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class, reader::next);
            assertTrue(refused.getMessage().contains("do not add up"), refused.getMessage());
        }
    }

    @Test
    void shouldRefuseALayoutVersionItDoesNotKnow()
    {
        writeOne();
        setVersion(RecordDescriptor.VERSION + 1);
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class, reader::next);
            assertTrue(refused.getMessage().contains("layout version " + (RecordDescriptor.VERSION + 1)), refused.getMessage());
        }
    }

    private void writeOne()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T07:00:00Z"))
                .decision(MARKER.getBytes(StandardCharsets.US_ASCII)).input(1, ISO87B, purchase(ISO87B, "000001", true)));
        }
    }

    /** Rewrites the version byte of the only record in the queue and its checksum, as a writer of that version would. */
    private void setVersion(final int version)
    {
        final byte[] needle = MARKER.getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> walk = Files.list(dir))
        {
            final List<Path> files = walk.filter(f -> f.toString().endsWith(".cq4")).toList();
            int found = 0;
            for (final Path file : files)
            {
                final byte[] content = Files.readAllBytes(file);
                for (int i = 0; i <= content.length - needle.length; i++)
                {
                    if (Arrays.equals(content, i, i + needle.length, needle, 0, needle.length))
                    {
                        found++;
                        final int start = i - RecordDescriptor.DECISION_OFFSET;
                        final int length = ByteBuffer.wrap(content, start + RecordDescriptor.LENGTH_OFFSET, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                        content[start + RecordDescriptor.VERSION_OFFSET] = (byte)version;
                        final CRC32C crc = new CRC32C();
                        crc.update(content, start + RecordDescriptor.CHECKED_OFFSET, length - RecordDescriptor.CHECKED_OFFSET);
                        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                        {
                            raf.seek(start + RecordDescriptor.VERSION_OFFSET);
                            raf.write(version);
                            raf.seek(start + RecordDescriptor.CHECKSUM_OFFSET);
                            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int)crc.getValue()).array());
                        }
                    }
                }
            }
            assertEquals(1, found, "occurrences of the marker");
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
