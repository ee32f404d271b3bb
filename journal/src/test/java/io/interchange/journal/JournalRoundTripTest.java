package io.interchange.journal;

import static io.interchange.journal.Fixtures.CUPS;
import static io.interchange.journal.Fixtures.ISO87A;
import static io.interchange.journal.Fixtures.ISO87B;
import static io.interchange.journal.Fixtures.PAN;
import static io.interchange.journal.Fixtures.approval;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.hex;
import static io.interchange.journal.Fixtures.nanos;
import static io.interchange.journal.Fixtures.purchase;
import static io.interchange.journal.Fixtures.signOn;
import static io.interchange.journal.Fixtures.swipe;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JournalRoundTripTest
{
    @TempDir
    Path dir;

    private final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);

    @ParameterizedTest(name = "dialect {0}")
    @ValueSource(ints = {ISO87B, ISO87A, CUPS})
    void shouldReadBackARecordWithSeveralOutputs(final int dialect)
    {
        final byte[] decision = hex("0030010203");
        final TestEntry entry = new TestEntry().sequence(41).eventType(7).timestampNanos(nanos("2026-03-10T07:09:12.123456789Z"))
            .input(3, dialect, purchase(dialect, "000123", true))
            .decision(decision)
            .output(9, ISO87B, purchase(ISO87B, "900001", true))
            .output(3, dialect, approval(dialect, "000123"))
            .output(11, ISO87B, signOn("000777"));

        final long index;
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            index = writer.append(entry);
        }

        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.next());
            final JournalRecord record = reader.record();
            assertTrue(record.checksumValid());
            assertEquals(index, record.index());
            assertEquals(41, record.sequence());
            assertEquals(7, record.eventType());
            assertEquals(nanos("2026-03-10T07:09:12.123456789Z"), record.timestampNanos());
            assertEquals(3, record.linkId());
            assertEquals(LocalDate.of(2026, 3, 10), record.businessDay());
            assertArrayEquals(decision, bytes(record, record.decisionOffset(), record.decisionLength()));
            assertTrue(record.hasInput());
            assertEquals(3, record.outputCount());

            final int input = JournalRecord.INPUT;
            assertEquals(dialect, record.dialectId(input));
            assertEquals(3, record.linkId(input));
            assertRestored(record, input, purchase(dialect, "000123", false));
            assertRestored(record, JournalRecord.output(0), purchase(ISO87B, "900001", false));
            assertRestored(record, JournalRecord.output(1), approval(dialect, "000123"));
            assertRestored(record, JournalRecord.output(2), signOn("000777"));
            assertEquals(9, record.linkId(JournalRecord.output(0)));
            assertEquals(ISO87B, record.dialectId(JournalRecord.output(0)));
            assertEquals(11, record.linkId(JournalRecord.output(2)));

            assertEquals(PAN, decryptPan(record, input));
            assertFalse(record.isPanFromTrack(input), "field 2's");
            assertEquals(PAN, decryptPan(record, JournalRecord.output(1)));
            assertFalse(record.hasPan(JournalRecord.output(2)));
            assertThrows(IllegalStateException.class, () -> record.decryptPan(JournalRecord.output(2), out, 0));
            assertThrows(IllegalArgumentException.class, () -> record.dialectId(JournalRecord.output(3)));

            assertFalse(reader.next());
        }
    }

    @Test
    void shouldKeepStrippedMessagesWithoutPanTrackDataPinOrSensitiveChipTags()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(new TestEntry().timestampNanos(nanos("2026-03-10T07:00:00Z")).input(1, ISO87B, purchase(ISO87B, "000001", true)));
        }
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.next());
            final JournalRecord record = reader.record();
            final MessageReader stripped = new MessageReader(Iso87.BINARY);
            final int input = JournalRecord.INPUT;
            assertEquals(DecodeError.NONE, stripped.wrap(record.buffer(), record.messageOffset(input), record.messageLength(input)));
            for (final int f : new int[] {2, 35, 45, 52})
            {
                assertFalse(stripped.has(f), "field " + f);
            }
            assertEquals("000000001000", stripped.getString(4));
            assertArrayEquals(Fixtures.icc(true), stripped.getBytes(55));
            assertEquals(PAN.length(), record.panLength(JournalRecord.INPUT));
            assertFalse(record.isIccWithheld(JournalRecord.INPUT));
        }
    }

    @ParameterizedTest(name = "dialect {0}")
    @ValueSource(ints = {ISO87B, ISO87A, CUPS})
    void shouldSealThePanOfASwipeThatCarriesItOnlyInTrack2(final int dialect)
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(new TestEntry().timestampNanos(nanos("2026-03-10T07:00:00Z")).input(1, dialect, swipe(dialect, "000001", true)));
        }
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.next());
            final JournalRecord record = reader.record();
            final int input = JournalRecord.INPUT;
            assertTrue(record.hasPan(input), "the card number, read from track 2");
            assertTrue(record.isPanFromTrack(input));
            assertEquals(PAN, decryptPan(record, input));
            final UnsafeBuffer hash = new UnsafeBuffer(new byte[16]);
            reader.panHash(PAN, hash, 0);
            assertTrue(record.panHashEquals(input, hash, 0), "found by its card like any other record");
            // Field 2 is not made up: the message comes back as it came, less track 2 and the PIN block.
            assertRestored(record, input, swipe(dialect, "000001", false));
        }
    }

    @Test
    void shouldLeaveOutChipDataThatIsNotBerTlv()
    {
        // A data object cut short: what it holds, and whether it is track 2, cannot be told.
        final byte[] notTlv = hex("9F2608112233" + "5711" + Fixtures.TAG_57);
        final byte[] message = Fixtures.build(ISO87B, 200, w -> w.putString(2, PAN).putString(3, "000000").putString(4, "000000001000")
            .putText(55, new UnsafeBuffer(notTlv), 0, notTlv.length));
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(new TestEntry().timestampNanos(nanos("2026-03-10T07:00:00Z")).input(1, ISO87B, message));
        }
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.next());
            final JournalRecord record = reader.record();
            assertTrue(record.isIccWithheld(JournalRecord.INPUT));
            assertRestored(record, JournalRecord.INPUT,
                Fixtures.build(ISO87B, 200, w -> w.putString(2, PAN).putString(3, "000000").putString(4, "000000001000")));
        }
    }

    @Test
    void shouldFindRecordsByTheKeyedHashOfTheirPan()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(new TestEntry().sequence(1).timestampNanos(nanos("2026-03-10T07:00:00Z")).input(1, ISO87B, purchase(ISO87B, "000001", true)));
            writer.append(new TestEntry().sequence(2).timestampNanos(nanos("2026-03-10T07:00:01Z")).input(1, ISO87B, signOn("000002")));
        }
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            final UnsafeBuffer wanted = new UnsafeBuffer(new byte[16]);
            final UnsafeBuffer other = new UnsafeBuffer(new byte[16]);
            assertEquals(16, reader.panHash(PAN, wanted, 0));
            reader.panHash("4761739001010127", other, 0);
            assertFalse(Arrays.equals(wanted.byteArray(), other.byteArray()));

            assertTrue(reader.next());
            final JournalRecord record = reader.record();
            assertTrue(record.panHashEquals(JournalRecord.INPUT, wanted, 0));
            assertFalse(record.panHashEquals(JournalRecord.INPUT, other, 0));
            final UnsafeBuffer stored = new UnsafeBuffer(new byte[16]);
            record.panHash(JournalRecord.INPUT, stored, 0);
            assertArrayEquals(wanted.byteArray(), stored.byteArray());

            assertTrue(reader.next());
            assertFalse(reader.record().hasPan(JournalRecord.INPUT));
        }
    }

    @Test
    void shouldJournalATickWithoutInput()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            writer.append(new TestEntry().eventType(9).timestampNanos(nanos("2026-03-10T07:00:00Z")).noInput().output(4, ISO87B, signOn("000003")));
        }
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.next());
            final JournalRecord record = reader.record();
            assertFalse(record.hasInput());
            assertEquals(-1, record.linkId());
            assertEquals(0, record.decisionLength());
            assertThrows(IllegalArgumentException.class, () -> record.dialectId(JournalRecord.INPUT));
            assertRestored(record, JournalRecord.output(0), signOn("000003"));
        }
    }

    @Test
    void shouldReadFromAnIndex()
    {
        final long[] indexes = new long[3];
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            for (int i = 0; i < indexes.length; i++)
            {
                indexes[i] = writer.append(new TestEntry().sequence(100 + i).timestampNanos(nanos("2026-03-10T07:00:00Z") + i)
                    .input(1, ISO87B, signOn("00000" + i)));
            }
        }
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            assertTrue(reader.toIndex(indexes[1]));
            assertTrue(reader.next());
            assertEquals(101, reader.record().sequence());
            assertTrue(reader.next());
            assertEquals(102, reader.record().sequence());
            assertFalse(reader.next());
            assertTrue(reader.toStart().next());
            assertEquals(100, reader.record().sequence());
        }
    }

    @Test
    void shouldRefuseAnEntryOutsideItsContract()
    {
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            final long t = nanos("2026-03-10T07:00:00Z");
            assertThrows(IllegalArgumentException.class, () -> writer.append(new TestEntry().timestampNanos(t).input(1, 3, signOn("000001"))));
            assertThrows(IllegalArgumentException.class, () -> writer.append(new TestEntry().timestampNanos(t).eventType(256)));
            assertThrows(IllegalArgumentException.class, () -> writer.append(new TestEntry().timestampNanos(t).decision(new byte[65])));
            assertThrows(IllegalArgumentException.class, () -> writer.append(new TestEntry().timestampNanos(t).waitMicros(-1)));
        }
    }

    /**
     * A request's wait is kept from 1 ms up, between the decision and the parts, which are found behind it as ever; a
     * shorter one is not kept at all, so that nearly every record is as long as before the wait was kept.
     */
    @Test
    void shouldKeepTheWaitOfARequestThatWaitedAMillisecondOrMoreAndFindItsPartsBehindIt()
    {
        final int[] waits = {0, 999, 1_000, 6_000_000, Integer.MAX_VALUE};
        final byte[] decision = hex("3931" + "0e" + "00");
        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            for (int i = 0; i < waits.length; i++)
            {
                writer.append(new TestEntry().sequence(i).timestampNanos(nanos("2026-03-10T07:00:00Z") + i).waitMicros(waits[i])
                    .input(3, ISO87B, purchase(ISO87B, "000001", true)).decision(decision).output(3, ISO87B, approval(ISO87B, "000001"))
                    .output(9, ISO87B, signOn("000002")));
            }
        }
        final int[] lengths = new int[waits.length];
        try (JournalReader reader = new JournalReader(config(dir)))
        {
            for (int i = 0; i < waits.length; i++)
            {
                assertTrue(reader.next());
                final JournalRecord record = reader.record();
                assertTrue(record.checksumValid());
                assertEquals(RecordDescriptor.VERSION, record.buffer().getByte(RecordDescriptor.VERSION_OFFSET));
                assertEquals(waits[i] < 1_000 ? 0 : waits[i], record.waitMicros(), "wait of " + waits[i] + " us");
                assertArrayEquals(decision, bytes(record, record.decisionOffset(), record.decisionLength()));
                assertRestored(record, JournalRecord.INPUT, purchase(ISO87B, "000001", false));
                assertEquals(PAN, decryptPan(record, JournalRecord.INPUT));
                assertRestored(record, JournalRecord.output(0), approval(ISO87B, "000001"));
                assertEquals(PAN, decryptPan(record, JournalRecord.output(0)), "the output shares the input's sealed PAN, behind the wait");
                assertRestored(record, JournalRecord.output(1), signOn("000002"));
                lengths[i] = record.length();
            }
            assertFalse(reader.next());
        }
        assertEquals(lengths[0], lengths[1], "a wait under 1 ms is not kept");
        assertEquals(lengths[0] + 4, lengths[2]);
        assertEquals(lengths[2], lengths[3]);
        assertEquals(lengths[2], lengths[4]);
    }

    private void assertRestored(final JournalRecord record, final int part, final byte[] expected)
    {
        final int length = record.restoreMessage(part, out, 0);
        assertEquals(hex(expected), hex(bytes(out, 0, length)), "part " + part);
    }

    private String decryptPan(final JournalRecord record, final int part)
    {
        final int n = record.decryptPan(part, out, 0);
        return new String(bytes(out, 0, n), StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(final JournalRecord record, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        record.buffer().getBytes(offset, bytes);
        return bytes;
    }

    private static byte[] bytes(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
