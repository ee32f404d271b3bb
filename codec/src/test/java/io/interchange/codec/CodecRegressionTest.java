package io.interchange.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87APackager;
import org.junit.jupiter.api.Test;

/**
 * Bugs the conformance and fuzz tests found, each pinned by the smallest input that showed it.
 */
class CodecRegressionTest
{
    /**
     * Found by FuzzTest (ISO87A, "lower-case hex binary"): a hex-encoded binary field written in lower case read
     * back as lower-case text, where jPOS gives upper case; unpack, pack, unpack then changed the value.
     */
    @Test
    void lowerCaseHexBinaryReadsAsUpperCaseLikeJpos() throws Exception
    {
        final byte[] frame = ("0200" + "0000000000001000" + "0123456789abcdef").getBytes(US_ASCII); // field 52
        final ISOMsg jpos = new ISOMsg();
        jpos.setPackager(new ISO87APackager());
        jpos.unpack(frame);

        final MessageReader reader = new MessageReader(Iso87.ASCII);
        assertEquals(DecodeError.NONE, reader.wrap(frame, 0, frame.length));
        assertEquals(jpos.getString(52), reader.getString(52));
        assertEquals("0123456789ABCDEF", reader.getString(52));
        final UnsafeBuffer text = new UnsafeBuffer(new byte[16]);
        assertEquals(16, reader.getText(52, text, 0));
        assertEquals("0123456789ABCDEF", text.getStringWithoutLengthAscii(0, 16));
        assertArrayEquals(jpos.getBytes(52), reader.getBytes(52));

        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final int length = new MessageWriter(Iso87.ASCII).wrap(out, 0).mti(reader.mti()).putString(52, reader.getString(52)).finish();
        final MessageReader reread = new MessageReader(Iso87.ASCII);
        assertEquals(DecodeError.NONE, reread.wrap(out, 0, length));
        assertEquals(reader.getString(52), reread.getString(52));
    }
}
