package io.interchange.journal;

import static io.interchange.journal.Fixtures.ISO87A;
import static io.interchange.journal.Fixtures.ISO87B;
import static io.interchange.journal.Fixtures.PAN;
import static io.interchange.journal.Fixtures.approval;
import static io.interchange.journal.Fixtures.build;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.nanos;
import static io.interchange.journal.Fixtures.purchase;
import static io.interchange.journal.Fixtures.swipe;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

import io.interchange.codec.MessageReader;
import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output whose card number is the input's shares the input's sealed PAN (RecordDescriptor, S): the record holds
 * one sealed form for a forward or a relay and its request, yet every part reads back its PAN as before. And the
 * switch's own index of the input, handed over by the entry, gives the very bytes the journal's own parse gives.
 */
class SharedPanTest
{
    private static final String OTHER_PAN = "5412751234567897";

    @TempDir
    Path dir;

    private final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);

    @Test
    void shouldKeepOneSealedPanForAnInputAndTheOutputsThatCarryItsCard()
    {
        final JournalRecord record = writeAndRead(dir, new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T07:00:00Z"))
            .input(1, ISO87B, purchase(ISO87B, "000001", true))
            .output(9, ISO87A, purchase(ISO87A, "900001", true))
            .output(1, ISO87B, approval(ISO87B, "000001"))
            .output(4, ISO87B, approvalFor(OTHER_PAN)), r ->
            {
                final int input = JournalRecord.INPUT;
                assertEquals(1, occurrences(r, hash(r, input)), "the input's sealed PAN, once for three parts");
                assertEquals(1, occurrences(r, hash(r, JournalRecord.output(2))), "another card's, sealed on its own");
                for (final int part : new int[] {input, JournalRecord.output(0), JournalRecord.output(1)})
                {
                    assertTrue(r.hasPan(part), "part " + part);
                    assertEquals(PAN.length(), r.panLength(part));
                    assertEquals(PAN, decrypt(r, part));
                    assertArrayEquals(hash(r, input), hash(r, part));
                }
                assertEquals(OTHER_PAN, decrypt(r, JournalRecord.output(2)));
                assertRestored(r, JournalRecord.output(0), purchase(ISO87A, "900001", false));
                assertRestored(r, JournalRecord.output(1), approval(ISO87B, "000001"));
                assertRestored(r, JournalRecord.output(2), approvalFor(OTHER_PAN));
            });
        assertTrue(record.checksumValid());
    }

    @Test
    void shouldShareTheCardNumberOfASwipeWithAnOutputThatCarriesItAsField2()
    {
        writeAndRead(dir, new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T07:00:00Z"))
            .input(1, ISO87B, swipe(ISO87B, "000001", true))
            .output(9, ISO87B, approval(ISO87B, "000001")), r ->
            {
                assertTrue(r.isPanFromTrack(JournalRecord.INPUT));
                assertFalse(r.isPanFromTrack(JournalRecord.output(0)), "the answer has field 2 of its own");
                assertEquals(1, occurrences(r, hash(r, JournalRecord.INPUT)));
                assertEquals(PAN, decrypt(r, JournalRecord.output(0)));
                assertRestored(r, JournalRecord.output(0), approval(ISO87B, "000001"));
            });
    }

    @Test
    void shouldSealTheOutputsOfAWithheldInputOnTheirOwn()
    {
        final byte[] malformed = purchase(ISO87B, "000001", true);
        final byte[] truncated = Arrays.copyOf(malformed, malformed.length - 20);
        writeAndRead(dir, new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T07:00:00Z"))
            .input(1, ISO87B, truncated)
            .output(9, ISO87B, purchase(ISO87B, "900001", true)), r ->
            {
                assertTrue(r.isWithheld(JournalRecord.INPUT));
                assertFalse(r.hasPan(JournalRecord.INPUT));
                assertEquals(PAN, decrypt(r, JournalRecord.output(0)));
                assertEquals(1, occurrences(r, hash(r, JournalRecord.output(0))));
            });
    }

    @Test
    void shouldWriteTheSameRecordFromTheSwitchsIndexAsFromItsOwn() throws Exception
    {
        final byte[] request = purchase(ISO87B, "000001", true);
        final byte[] malformed = Arrays.copyOf(request, request.length - 20);
        for (final byte[] input : new byte[][] {request, malformed})
        {
            final byte[] own = recordBytes("own", entry(input));
            final byte[] indexed = recordBytes("indexed", entry(input).indexedBy(new MessageReader(Iso87.BINARY)));
            assertArrayEquals(own, indexed);

            // An index the journal must not trust, over other bytes or of another dialect, is parsed again.
            final MessageReader elsewhere = new MessageReader(Iso87.BINARY);
            elsewhere.wrap(approval(ISO87B, "000001"), 0, approval(ISO87B, "000001").length);
            assertArrayEquals(own, recordBytes("elsewhere", entry(input).inputReader(elsewhere)));
            assertArrayEquals(own, recordBytes("other dialect", entry(input).indexedBy(new MessageReader(Iso87.ASCII))));
        }
    }

    @Test
    void shouldRefuseADialectIdOutsideItsTableWhateverIndexComesWithIt()
    {
        final TestEntry entry = new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T07:00:00Z"))
            .input(1, Fixtures.DIALECTS.size() + 4, purchase(ISO87B, "000001", false)).indexedBy(new MessageReader(Iso87.BINARY));
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> writer.append(entry));
            assertTrue(refused.getMessage().contains("dialect id " + (Fixtures.DIALECTS.size() + 4)), refused.getMessage());
        }
    }

    private static TestEntry entry(final byte[] input)
    {
        return new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T07:00:00Z")).input(1, ISO87B, input)
            .output(9, ISO87B, purchase(ISO87B, "900001", true));
    }

    private byte[] recordBytes(final String name, final TestEntry entry) throws Exception
    {
        final Path journal = Files.createDirectory(dir.resolve(name.replace(' ', '-') + System.nanoTime()));
        final byte[][] bytes = new byte[1][];
        writeAndRead(journal, entry, r -> bytes[0] = Arrays.copyOf(r.buffer().byteArray(), r.length()));
        return bytes[0];
    }

    private static byte[] approvalFor(final String pan)
    {
        return build(ISO87B, 210, w -> w.putString(2, pan).putString(3, "000000").putString(4, "000000001000").putString(11, "000002")
            .putString(39, "00").putString(41, "TERM0001"));
    }

    private static JournalRecord writeAndRead(final Path journal, final TestEntry entry, final Consumer<JournalRecord> check)
    {
        try (JournalWriter writer = new JournalWriter(config(journal)))
        {
            writer.append(entry);
        }
        try (JournalReader reader = new JournalReader(config(journal)))
        {
            assertTrue(reader.next());
            check.accept(reader.record());
            return reader.record();
        }
    }

    private String decrypt(final JournalRecord record, final int part)
    {
        return out.getStringWithoutLengthAscii(0, record.decryptPan(part, out, 0));
    }

    private byte[] hash(final JournalRecord record, final int part)
    {
        final UnsafeBuffer hash = new UnsafeBuffer(new byte[PanCipher.HASH_LENGTH]);
        record.panHash(part, hash, 0);
        return hash.byteArray();
    }

    private static int occurrences(final JournalRecord record, final byte[] needle)
    {
        final byte[] bytes = Arrays.copyOf(record.buffer().byteArray(), record.length());
        int found = 0;
        for (int i = 0; i <= bytes.length - needle.length; i++)
        {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length))
            {
                found++;
            }
        }
        return found;
    }

    private void assertRestored(final JournalRecord record, final int part, final byte[] expected)
    {
        assertArrayEquals(expected, Arrays.copyOf(out.byteArray(), record.restoreMessage(part, out, 0)));
    }
}
