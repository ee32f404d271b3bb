package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.sun.management.ThreadMXBean;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.FieldType;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.SensitiveData;
import io.interchange.codec.Track2;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.journal.JournalWriter;

/**
 * The content duplicates compare: a request hashes the same as it came in and as the journal gives it back after a
 * restart (without track data, PIN block, chip track data), in every dialect; a request with other content under the
 * same key does not; and the hash allocates nothing.
 */
class RequestContentTest
{
    private static final List<Dialect> DIALECTS = Dialects.all();
    private static final String PAN = "4761739001010119";
    private static final String TRACK_2 = PAN + "=30122011143804400000";
    private static final String TRACK_1 = "B" + PAN + "^ZHANG/WEI^3012201100000000000000443000000";
    /** Chip data with the PAN (5A), track 2 equivalent (57) and contactless track 2 (9F6B), which the journal takes out, and padding. */
    private static final String ICC = "8202" + "3900" + "9F2608" + "1122334455667788" + "5A08" + PAN + "00" + "5710" + PAN + "D30122015550001F"
        + "7007" + "9F6B04" + "47617390" + "5F3401" + "01";

    @TempDir
    Path dir;

    private final RequestContent content = new RequestContent(DIALECTS);
    private final UnsafeBuffer pan = new UnsafeBuffer(new byte[64]);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iso87b", "iso87a", "cups"})
    void shouldHashARequestAsTheJournalGivesItBackAsItCameIn(final String dialectName)
    {
        final int dialect = DIALECTS.indexOf(Dialects.byName(dialectName));
        final List<Map<Integer, String>> requests = List.of(
            purchase(dialectName, m -> { }),
            purchase(dialectName, m -> m.remove(2)),                              // a swipe: the PAN only in track 2
            purchase(dialectName, m -> m.put(55, "9F2608112233")),                // chip data that is not BER-TLV: left out whole
            purchase(dialectName, m -> m.remove(55)));
        for (final Map<Integer, String> request : requests)
        {
            final byte[] message = build(dialect, request);
            assertEquals(hash(dialect, message, null), hash(dialect, journaled(dialect, message), message), dialectName + " " + request.keySet());
        }
    }

    @Test
    void shouldHashAMessageWithASecondaryBitmapAndItsMacAsTheJournalGivesItBack()
    {
        final int dialect = DIALECTS.indexOf(Dialects.byName("iso87b"));
        final byte[] message = build(dialect, purchase("iso87b", m ->
        {
            m.remove(64);
            m.put(100, "10000099");
            m.put(128, "8877665544332211");
        }));
        assertEquals(hash(dialect, message, null), hash(dialect, journaled(dialect, message), message));
    }

    @Test
    void shouldTellOtherContentUnderTheSameKey()
    {
        final int dialect = DIALECTS.indexOf(Dialects.byName("iso87b"));
        final long original = hash(dialect, build(dialect, purchase("iso87b", m -> { })), null);
        assertNotEquals(original, hash(dialect, build(dialect, purchase("iso87b", m -> m.put(4, "000000001001"))), null), "another amount");
        assertNotEquals(original, hash(dialect, build(dialect, purchase("iso87b", m -> m.put(2, "4761739001010127"))), null), "another card");
        assertNotEquals(original, hash(dialect, build(dialect, purchase("iso87b", m -> m.put(42, "MERCHANT0000002"))), null), "another merchant");
        assertNotEquals(original, hash(dialect, build(dialect, purchase("iso87b", m -> m.put(55, "82023900"))), null), "other chip data");
        assertNotEquals(original, hash(dialect, build(dialect, purchase("iso87b", m -> m.remove(2))), null),
            "the same card from track 2 instead of field 2");
        final long swipe = hash(dialect, build(dialect, purchase("iso87b", m -> m.remove(2))), null);
        assertNotEquals(swipe, hash(dialect, build(dialect, purchase("iso87b", m ->
        {
            m.remove(2);
            m.put(35, "4761739001010127=30122011143804400000");
        })), null), "a swipe of another card");
    }

    @Test
    void shouldTakeWhatTheJournalNeverHoldsAndTheMacForTheSameRequest()
    {
        final int dialect = DIALECTS.indexOf(Dialects.byName("iso87b"));
        final long original = hash(dialect, build(dialect, purchase("iso87b", m -> { })), null);
        assertEquals(original, hash(dialect, build(dialect, purchase("iso87b", m -> m.put(64, "0102030405060708"))), null), "another MAC");
        assertEquals(original, hash(dialect, build(dialect, purchase("iso87b", m -> m.put(52, "FFFFFFFFFFFFFFFF"))), null), "another PIN block");
        assertEquals(original, hash(dialect, build(dialect, purchase("iso87b", m -> m.put(55, ICC.replace("D30122015550001F", "D30122015559991F")))),
            null), "other track 2 equivalent data in the chip's");
        assertEquals(original, hash(dialect, build(dialect, purchase("iso87b", m -> m.put(0, "0201"))), null), "the repeat of a request");
    }

    @Test
    void shouldNotAllocateOnceWarm()
    {
        final int dialect = DIALECTS.indexOf(Dialects.byName("cups"));
        final byte[] bytes = build(dialect, purchase("cups", m -> { }));
        final MessageReader request = new MessageReader(DIALECTS.get(dialect));
        assertEquals(DecodeError.NONE, request.wrap(new UnsafeBuffer(bytes), 0, bytes.length));
        pan.putStringWithoutLengthAscii(0, PAN);
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        long previous = -1;
        long sink = 0;
        for (int round = 0; round < 50; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++)
            {
                sink += content.hash(dialect, request, pan, PAN.length(), false);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (allocated == 0 && previous == 0)
            {
                assertTrue(sink != 1);
                return;
            }
            previous = allocated;
        }
        throw new AssertionError("still allocating after 50 rounds: " + previous + " bytes in the last");
    }

    /**
     * A card-present chip purchase with everything the journal strips: track 1 and 2, a PIN block, chip data with
     * sensitive tags, a MAC. Field 0 stands for the MTI.
     */
    private static Map<Integer, String> purchase(final String dialect, final Consumer<Map<Integer, String>> change)
    {
        final Map<Integer, String> m = new TreeMap<>();
        m.put(0, "0200");
        m.put(2, PAN);
        m.put(3, "000000");
        m.put(4, "000000001000");
        if (!dialect.equals("cups"))
        {
            m.put(7, "1126100000");
            m.put(45, TRACK_1);
        }
        m.put(11, "000042");
        m.put(14, "3012");
        m.put(22, "051");
        m.put(35, TRACK_2);
        m.put(41, "TERM0001");
        m.put(42, "MERCHANT0000001");
        m.put(49, "156");
        m.put(52, "0123456789ABCDEF");
        m.put(55, ICC);
        m.put(64, "1122334455667788");
        change.accept(m);
        return m;
    }

    private static byte[] build(final int dialect, final Map<Integer, String> fields)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
        final MessageWriter writer = new MessageWriter(DIALECTS.get(dialect)).wrap(buffer, 0).mti(Integer.parseInt(fields.get(0)));
        for (final Map.Entry<Integer, String> field : fields.entrySet())
        {
            final int f = field.getKey();
            if (f == 0)
            {
                continue;
            }
            if (f == SensitiveData.ICC_DATA && DIALECTS.get(dialect).field(f).type() != FieldType.B)
            {
                final byte[] raw = HexFormat.of().parseHex(field.getValue());
                writer.putText(f, new UnsafeBuffer(raw), 0, raw.length);
            }
            else
            {
                writer.putString(f, field.getValue());
            }
        }
        final byte[] bytes = new byte[writer.finish()];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /** The message as the journal gives it back: journaled as the input of an event, read back, restored. */
    private byte[] journaled(final int dialect, final byte[] message)
    {
        final Path journal = dir.resolve("journal-" + System.nanoTime());
        final JournalConfig config = JournalConfig.of(journal, LocalTime.of(23, 0), ZoneOffset.UTC, key(1), key(2), DIALECTS);
        final SwitchEvent event = new SwitchEvent(4_096, 4_096, DIALECTS);
        event.reset(EventType.ACQUIRER_MESSAGE, Instant.parse("2026-11-26T10:00:00Z").getEpochSecond() * 1_000_000_000L, 1, 0, dialect);
        event.frame().putBytes(0, message);
        event.frameLengths(0, message.length);
        try (JournalWriter writer = new JournalWriter(config))
        {
            writer.append(event);
        }
        try (JournalReader reader = new JournalReader(config))
        {
            assertTrue(reader.next());
            final UnsafeBuffer out = new UnsafeBuffer(new byte[4_096]);
            final int length = reader.record().restoreMessage(JournalRecord.INPUT, out, 0);
            final byte[] restored = new byte[length];
            out.getBytes(0, restored);
            if (reader.record().isPanFromTrack(JournalRecord.INPUT))
            {
                // Replay gives the switch the PAN the journal sealed from track 2; here it stands in the pan buffer.
                pan.setMemory(0, pan.capacity(), (byte)0);
                final int n = reader.record().decryptPan(JournalRecord.INPUT, pan, 0);
                assertEquals(PAN, pan.getStringWithoutLengthAscii(0, n));
            }
            return restored;
        }
    }

    /**
     * The hash the switch computes: the card number read as the switch reads it, from field 2 or track 2, or, for a
     * restored swipe ({@code original} not null, no track 2 left), the one the journal sealed.
     */
    private long hash(final int dialect, final byte[] message, final byte[] original)
    {
        final MessageReader request = new MessageReader(DIALECTS.get(dialect));
        assertEquals(DecodeError.NONE, request.wrap(new UnsafeBuffer(message), 0, message.length));
        if (request.has(2))
        {
            final int n = request.getText(2, pan, 0);
            return content.hash(dialect, request, pan, n, false);
        }
        if (request.has(Track2.FIELD))
        {
            final int n = Track2.panLength(request, Track2.FIELD);
            for (int i = 0; i < n; i++)
            {
                pan.putByte(i, request.charAt(Track2.FIELD, i));
            }
            return content.hash(dialect, request, pan, n, true);
        }
        assertTrue(original != null, "a restored swipe");
        return content.hash(dialect, request, pan, PAN.length(), true);
    }

    private static byte[] key(final int first)
    {
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(first + 7 * i);
        }
        return key;
    }
}
