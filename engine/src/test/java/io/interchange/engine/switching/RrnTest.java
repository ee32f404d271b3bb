package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;

/** The switch's RRN: digits for a day's first hundred rounds of STANs, then letters, so that none repeats in a billion. */
class RrnTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Rrn.LENGTH]);

    @Test
    void shouldCountTheFirstHundredRoundsInDigitsAndTheRestWithALetter()
    {
        assertEquals("633000000123", rrn(6330, 0, 123));
        assertEquals("633099999999", rrn(6330, 99, 999_999));
        assertEquals("6330A0000001", rrn(6330, 100, 1), "the 101st round: past two digits, where it came round to 00 before");
        assertEquals("6330AZ000001", rrn(6330, 135, 1));
        assertEquals("6330B0000001", rrn(6330, 136, 1));
        assertEquals("6330ZZ000001", rrn(6330, Rrn.ROUNDS - 1, 1));
        assertEquals("633000000001", rrn(6330, Rrn.ROUNDS, 1), "the count comes round after a billion STANs");
    }

    @Test
    void shouldGiveEveryRoundOfADayItsOwnRrnAndReadEachBackAsItsOwnNumber()
    {
        final Set<String> texts = new HashSet<>();
        final Set<Long> packed = new HashSet<>();
        for (int round = 0; round < Rrn.ROUNDS; round++)
        {
            final String text = rrn(6330, round, 42);
            assertTrue(texts.add(text), () -> text + " given twice");
            final long value = Rrn.pack(buffer, 0);
            assertNotEquals(Rrn.NONE, value);
            assertTrue(packed.add(value), () -> text + " read as another's number");
        }
        assertEquals(1_036, texts.size());
    }

    @Test
    void shouldReadAnIssuersEchoOfField37AsTheSameNumberAndRefuseWhatIsNoRrnOfOurs()
    {
        final long sent = Rrn.pack(ascii("6330Q7000042"), 0);
        assertEquals(sent, Rrn.pack(withField37("6330Q7000042")));
        assertEquals(Rrn.NONE, Rrn.pack(withField37("6330q7000042")), "not the characters the switch sent");
        assertEquals(Rrn.NONE, Rrn.pack(withField37("6330-7000042")));
        assertEquals(Rrn.NONE, Rrn.pack(withField37("6330Q700004")), "eleven characters");
        assertEquals(Rrn.NONE, Rrn.pack(withField37(null)), "none");
    }

    private String rrn(final int yearDay, final int round, final int stan)
    {
        Rrn.put(buffer, 0, yearDay, round, stan);
        return buffer.getStringWithoutLengthAscii(0, Rrn.LENGTH);
    }

    private static UnsafeBuffer ascii(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static MessageReader withField37(final String value)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final MessageWriter writer = new MessageWriter(Iso87.BINARY).wrap(frame, 0).mti(Mti.FINANCIAL_RESPONSE).putString(11, "000042");
        if (value != null)
        {
            writer.putString(37, value);
        }
        final int length = writer.finish();
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        reader.wrap(frame, 0, length);
        return reader;
    }
}
