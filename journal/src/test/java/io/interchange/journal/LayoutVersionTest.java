package io.interchange.journal;

import static io.interchange.journal.Fixtures.ISO87B;
import static io.interchange.journal.Fixtures.PAN;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.nanos;
import static io.interchange.journal.Fixtures.purchase;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * Layout versions (RecordDescriptor): versions 2 and 3 only add flags the versions before kept reserved, and version 4
 * only seals PANs behind another hash, so a journal written before reads as it did (a switch recovers from yesterday's
 * files after an upgrade); a version this reader does not know is refused, never guessed at.
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
    void shouldFindACardInARecordOfAVersionBeforeCmacByTheHashThatVersionWrote()
    {
        writeOne();
        // What a version 3 writer sealed: HMAC-SHA-256 of the digits gave the hash (its first 16 bytes) and the nonce.
        final byte[] digits = PAN.getBytes(StandardCharsets.US_ASCII);
        final byte[] hmac = new byte[32];
        new HmacSha256(Fixtures.key(2)).mac(digits, 0, digits.length, hmac, 0);
        final byte[] older = Arrays.copyOf(hmac, PanCipher.sealedLength(digits.length));
        new AesGcm(Fixtures.key(1)).encrypt(hmac, 16, digits, 0, digits.length, older, 28);
        final UnsafeBuffer newer = new UnsafeBuffer(new byte[older.length]);
        new PanCipher(Fixtures.key(1), Fixtures.key(2)).seal(new UnsafeBuffer(digits), 0, digits.length, newer, 0);
        rewrite(3, newer.byteArray(), older);
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.next());
            final JournalRecord record = reader.record();
            assertEquals(3, record.layoutVersion());
            final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
            assertEquals(PAN, out.getStringWithoutLengthAscii(0, record.decryptPan(JournalRecord.INPUT, out, 0)), "the nonce is stored");
            final UnsafeBuffer hash = new UnsafeBuffer(new byte[16]);
            reader.panHash(PAN, record.layoutVersion(), hash, 0);
            assertTrue(record.panHashEquals(JournalRecord.INPUT, hash, 0), "found by the hash its version holds");
            assertArrayEquals(Arrays.copyOf(hmac, 16), hash.byteArray());
            reader.panHash(PAN, hash, 0);
            assertFalse(record.panHashEquals(JournalRecord.INPUT, hash, 0), "not by this version's");
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
        rewrite(version, new byte[0], new byte[0]);
    }

    /** As {@link #setVersion}, the record's bytes {@code from} (if any) replaced by {@code to}, as long, first. */
    private void rewrite(final int version, final byte[] from, final byte[] to)
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
                        if (from.length > 0)
                        {
                            final int at = indexOf(content, start, start + length, from);
                            assertTrue(at >= 0, "the bytes to replace are in the record");
                            System.arraycopy(to, 0, content, at, to.length);
                        }
                        final CRC32C crc = new CRC32C();
                        crc.update(content, start + RecordDescriptor.CHECKED_OFFSET, length - RecordDescriptor.CHECKED_OFFSET);
                        ByteBuffer.wrap(content, start + RecordDescriptor.CHECKSUM_OFFSET, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int)crc.getValue());
                        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                        {
                            raf.seek(start);
                            raf.write(content, start, length);
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

    private static int indexOf(final byte[] haystack, final int from, final int to, final byte[] needle)
    {
        for (int i = from; i <= to - needle.length; i++)
        {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                return i;
            }
        }
        return -1;
    }
}
