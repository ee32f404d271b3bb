package io.interchange.codec.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.interchange.codec.Hex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FramingTest
{
    private static int frameLength(final Framing framing, final String hex)
    {
        final byte[] bytes = Hex.bytes(hex);
        return framing.frameLength(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    @Test
    void shouldWaitForTheWholeFrame()
    {
        assertEquals(Framing.NEED_MORE, frameLength(Framing.BINARY_2, ""));
        assertEquals(Framing.NEED_MORE, frameLength(Framing.BINARY_2, "00"));
        assertEquals(Framing.NEED_MORE, frameLength(Framing.BINARY_2, "0004 0200"));
        assertEquals(6, frameLength(Framing.BINARY_2, "0004 02000000"));
        assertEquals(6, frameLength(Framing.BINARY_2, "0004 02000000 0004"), "a following frame is not this one's");
    }

    @Test
    void shouldReadAsciiAndBcdLengths()
    {
        assertEquals(8, frameLength(Framing.ASCII_4, "30303034 30323030"));
        assertEquals(Framing.BAD_LENGTH, frameLength(Framing.ASCII_4, "3030302D 30323030"));
        final Framing bcd = new Framing(LengthHeader.BCD_2, 0, 9_999);
        assertEquals(6, frameLength(bcd, "0004 01000000"));
        assertEquals(Framing.BAD_LENGTH, frameLength(bcd, "000A 01000000"));
    }

    @Test
    void shouldRefuseAnOversizedFrameBeforeItArrives()
    {
        // Only the two length bytes are here: the verdict must not wait for (or buffer) the 65,535 promised.
        assertEquals(Framing.TOO_LONG, frameLength(Framing.BINARY_2, "FFFF"));
        assertEquals(Framing.TOO_LONG, frameLength(Framing.BINARY_2, "2001"));
        assertEquals(Framing.NEED_MORE, frameLength(Framing.BINARY_2, "2000"));
    }

    @Test
    void shouldRefuseAFrameTooShortForItsHeader()
    {
        assertEquals(Framing.TOO_SHORT, frameLength(Framing.BINARY_2, "0001 02"));
        assertEquals(Framing.TOO_SHORT, frameLength(Framing.UNIONPAY_POS, "000B 6000030000 603100000000"));
    }

    /** A zero length is jPOS's keep-alive (BaseChannel.sendKeepAlive): the length header alone, skipped by its reader. */
    @Test
    void shouldMeasureAKeepAliveAsItsLengthHeaderAlone()
    {
        assertTrue(Framing.BINARY_2.keepAlive(frameLength(Framing.BINARY_2, "0000")));
        assertTrue(Framing.BINARY_2.keepAlive(frameLength(Framing.BINARY_2, "0000 0004 02000000")), "the frame after it is its own");
        assertTrue(Framing.ASCII_4.keepAlive(frameLength(Framing.ASCII_4, "30303030")));
        assertTrue(Framing.UNIONPAY_POS.keepAlive(frameLength(Framing.UNIONPAY_POS, "0000")));
        assertFalse(Framing.BINARY_2.keepAlive(frameLength(Framing.BINARY_2, "0004 02000000")));
        assertFalse(Framing.BINARY_2.keepAlive(frameLength(Framing.BINARY_2, "00")), "two bytes short of a length header: need more");
    }

    @Test
    void shouldPlaceTheMessageAfterTpduAndHeader()
    {
        assertEquals(13, Framing.UNIONPAY_POS.messageOffset(0));
        assertEquals(20, Framing.UNIONPAY_POS.messageLength(33));
    }

    @Test
    void shouldWriteLengthsAndRefuseWhatTheHeaderCannotSay()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[4]);
        Framing.ASCII_4.writeLength(out, 0, 118);
        assertEquals("30313138", Hex.of(out.byteArray(), 0, 4));
        Framing.UNIONPAY_POS.writeLength(out, 0, 20);
        assertEquals("001F", Hex.of(out.byteArray(), 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Framing.BINARY_2.writeLength(out, 0, Framing.DEFAULT_MAX + 1));
        assertThrows(IllegalArgumentException.class, () -> new Framing(LengthHeader.ASCII_4, 0, 10_000));
    }

    @Test
    void shouldSwapTpduAddressesForTheAnswer()
    {
        final byte[] tpdu = Hex.bytes("6000030000");
        Tpdu.swapAddresses(new UnsafeBuffer(tpdu), 0);
        assertEquals("6000000003", Hex.of(tpdu, 0, 5));
    }
}
