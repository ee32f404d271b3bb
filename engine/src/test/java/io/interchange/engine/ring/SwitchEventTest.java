package io.interchange.engine.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import org.junit.jupiter.api.Test;

/**
 * The slot hands the journal its decode of the input ({@code inputReader}) only while that decode is this event's:
 * a slot is reused every ring size events, and a reader left over from the event before, over the same buffer and
 * perhaps the same offsets, would index bytes that are no longer there; and where slots share their readers (one
 * thread runs the four stages), only while the shared reader indexes this slot's message.
 */
class SwitchEventTest
{
    private static final int HEADER = 5;

    private final List<Dialect> dialects = Dialects.all();
    private final int iso87b = dialects.indexOf(Iso87.BINARY);
    private final SwitchEvent event = new SwitchEvent(1024, 1024, dialects);

    @Test
    void shouldOfferItsDecodeOfTheInputOnlyOnceDecodedAndUntilReset()
    {
        fill(200);
        assertNull(event.inputReader(), "not decoded yet");

        event.decode();
        assertSame(event.reader(), event.inputReader());
        assertSame(event.inputBuffer(), event.inputReader().buffer());
        assertEquals(event.inputOffset(), event.inputReader().offset());
        assertEquals(event.inputLength(), event.inputReader().length());
        assertEquals(200, event.inputReader().mti());

        // The next event in this slot, the same length at the same place, before its decode.
        fill(400);
        assertNull(event.inputReader(), "the reader still indexes the event before");
        event.decode();
        assertEquals(400, event.inputReader().mti());
    }

    @Test
    void shouldOfferNoDecodeForAnEventWithoutAMessage()
    {
        event.reset(EventType.ISSUER_UP, 1L, 3, 0, -1);
        event.decode();
        assertNull(event.inputReader());
    }

    @Test
    void shouldOfferASharedReaderOnlyWhileItIndexesThisSlot()
    {
        final MessageReader[] readers = SwitchEvent.readersOf(dialects);
        final SwitchEvent first = new SwitchEvent(1024, 1024, readers);
        final SwitchEvent second = new SwitchEvent(1024, 1024, readers);
        fill(first, 200);
        first.decode();
        assertSame(readers[iso87b], first.inputReader());
        assertEquals(200, first.reader().mti());

        // The next event, in the next slot, the same length at the same place: the shared reader now indexes it.
        fill(second, 400);
        second.decode();
        assertSame(readers[iso87b], second.inputReader());
        assertEquals(400, second.inputReader().mti());
        assertNull(first.inputReader(), "the shared reader indexes the next slot's message");
        assertThrows(IllegalStateException.class, first::reader, "never another slot's message to the switch");
        second.reset(EventType.ACQUIRER_MESSAGE, 2L, 1, 0, iso87b);
        assertThrows(IllegalStateException.class, second::reader, "not decoded since its reset");
    }

    private void fill(final int mti)
    {
        fill(event, mti);
    }

    private void fill(final SwitchEvent slot, final int mti)
    {
        slot.reset(EventType.ACQUIRER_MESSAGE, 1L, 1, 0, iso87b);
        final int length = new MessageWriter(Iso87.BINARY).wrap(slot.frame(), HEADER).mti(mti).putString(3, "000000").putString(11, "000001")
            .putString(41, "TERM0001").finish();
        slot.frameLengths(HEADER, length);
    }
}
