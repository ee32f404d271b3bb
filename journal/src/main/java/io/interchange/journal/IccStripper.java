package io.interchange.journal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.interchange.codec.BerTlv;
import io.interchange.codec.IccData;

/**
 * Field 55 without what the journal must never hold (DESIGN.md §7): its BER-TLV data objects (EMV Book 3
 * annex B) are copied except the sensitive authentication data of the codec's {@code IccData} (56 track 1
 * equivalent, 57 track 2 equivalent, 99 PIN data, 9F1F and 9F20 discretionary data, 9F6B contactless track 2)
 * and the PAN (5A), which lives encrypted beside the message. Constructed objects are rewritten with the new
 * length of what is left in them; primitive ones are copied byte for byte. Padding bytes (00 and FF between
 * objects, EMV Book 3 annex B1) are dropped. Stateless.
 */
final class IccStripper
{
    /** Returned when the data is not BER-TLV: the caller then withholds the whole field. */
    static final int NOT_TLV = -1;

    /** Room left for a constructed object's length before its content is known: 82 LL LL. */
    private static final int LENGTH_ROOM = 3;

    private IccStripper()
    {
    }

    /**
     * Writes {@code src[offset, +length)} less the removed tags at {@code dst[dstOffset]}; returns the bytes
     * written, or {@link #NOT_TLV}. {@code dst} needs room for {@code length} bytes plus two per nested object.
     */
    static int strip(final DirectBuffer src, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int end = stripObjects(src, offset, offset + length, dst, dstOffset);
        return end < 0 ? NOT_TLV : end - dstOffset;
    }

    private static boolean isRemoved(final int tag)
    {
        return IccData.isProtected(tag) || tag == IccData.PAN_TAG;
    }

    private static int stripObjects(final DirectBuffer src, final int from, final int to, final MutableDirectBuffer dst, final int dstFrom)
    {
        int p = from;
        int out = dstFrom;
        while (p < to)
        {
            final int lead = src.getByte(p) & 0xFF;
            if (BerTlv.isPadding(lead))
            {
                p++;
                continue;
            }
            final long header = BerTlv.header(src, p, to);
            if (header == BerTlv.INVALID)
            {
                return NOT_TLV;
            }
            final int tagStart = p;
            final int tagLength = BerTlv.tagLength(header);
            final int tag = BerTlv.tag(header);
            final int length = BerTlv.valueLength(header);
            p += BerTlv.headerLength(header);
            if (isRemoved(tag))
            {
                p += length;
                continue;
            }
            if ((lead & 0x20) != 0)
            {
                out = constructed(src, tagStart, tagLength, p, p + length, dst, out);
                if (out < 0)
                {
                    return NOT_TLV;
                }
            }
            else
            {
                final int objectLength = p + length - tagStart;
                dst.putBytes(out, src, tagStart, objectLength);
                out += objectLength;
            }
            p += length;
        }
        return out;
    }

    /** A constructed object: its content stripped, then its length written in as few bytes as it takes. */
    private static int constructed(
        final DirectBuffer src, final int tagStart, final int tagLength, final int contentStart, final int contentEnd,
        final MutableDirectBuffer dst, final int out)
    {
        dst.putBytes(out, src, tagStart, tagLength);
        final int room = out + tagLength;
        final int contentEndOut = stripObjects(src, contentStart, contentEnd, dst, room + LENGTH_ROOM);
        if (contentEndOut < 0)
        {
            return NOT_TLV;
        }
        final int content = contentEndOut - (room + LENGTH_ROOM);
        final int lengthBytes;
        if (content < 0x80)
        {
            lengthBytes = 1;
            dst.putByte(room, (byte)content);
        }
        else if (content < 0x100)
        {
            lengthBytes = 2;
            dst.putByte(room, (byte)0x81);
            dst.putByte(room + 1, (byte)content);
        }
        else
        {
            lengthBytes = 3;
            dst.putByte(room, (byte)0x82);
            dst.putByte(room + 1, (byte)(content >>> 8));
            dst.putByte(room + 2, (byte)content);
        }
        // Moves the content down over the unused length room: front to back, since it moves to lower offsets.
        if (lengthBytes != LENGTH_ROOM)
        {
            for (int i = 0; i < content; i++)
            {
                dst.putByte(room + lengthBytes + i, dst.getByte(room + LENGTH_ROOM + i));
            }
        }
        return room + lengthBytes + content;
    }
}
