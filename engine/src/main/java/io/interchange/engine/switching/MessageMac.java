package io.interchange.engine.switching;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.ValueEncoding;
import io.interchange.engine.security.Hsm;
import io.interchange.engine.security.HsmResult;

/** Where a message's MAC goes, for acquirers' and issuers' messages alike; the keys are the caller's. */
final class MessageMac
{
    private MessageMac()
    {
    }

    /**
     * Adds the MAC over everything before it to a finished message: field 64, or 128 when the message has a
     * secondary bitmap (ISO 8583:1987). Either is the last field its bitmap can name, so it goes in place: its bit
     * set, the 8 bytes appended. Returns the new length, or the old one when the message cannot take it (a hex
     * bitmap, the field already there, undefined in the dialect) or the HSM fails.
     */
    static int append(final Hsm hsm, final int keyId, final Dialect dialect, final MutableDirectBuffer out, final int offset, final int length)
    {
        final int bitmap = offset + dialect.mtiLength();
        if (dialect.bitmapEncoding() != ValueEncoding.BINARY)
        {
            return length;
        }
        final boolean secondary = (out.getByte(bitmap) & 0x80) != 0;
        final int macField = secondary ? 128 : 64;
        final int lastByte = bitmap + (secondary ? 15 : 7);
        if ((out.getByte(lastByte) & 0x01) != 0 || !dialect.defines(macField))
        {
            return length;
        }
        out.putByte(lastByte, (byte)(out.getByte(lastByte) | 0x01));
        if (hsm.generateMac(keyId, out, offset, length, out, offset + length) != HsmResult.OK)
        {
            out.putByte(lastByte, (byte)(out.getByte(lastByte) & 0xFE));
            return length;
        }
        return length + Hsm.MAC_LENGTH;
    }

    /**
     * Whether the message at {@code buffer[offset, +length)} ends with a MAC as {@link #append} puts one: a binary bitmap
     * whose last field, 64 or 128, is named, and room for it.
     */
    static boolean ends(final Dialect dialect, final DirectBuffer buffer, final int offset, final int length)
    {
        final int bitmap = offset + dialect.mtiLength();
        if (dialect.bitmapEncoding() != ValueEncoding.BINARY || length < dialect.mtiLength() + 8 + Hsm.MAC_LENGTH)
        {
            return false;
        }
        final boolean secondary = (buffer.getByte(bitmap) & 0x80) != 0;
        return (!secondary || length >= dialect.mtiLength() + 16 + Hsm.MAC_LENGTH) && (buffer.getByte(bitmap + (secondary ? 15 : 7)) & 0x01) != 0;
    }

    /**
     * Where a message's MAC must be: field 128 when it has a secondary bitmap, else 64. The last field its bitmap can
     * name, so that the MAC covers every other field: a 64 ahead of a secondary bitmap would leave 65-127 unprotected.
     */
    static int field(final MessageReader message)
    {
        return message.bitmapHas(1) ? 128 : 64;
    }
}
