package io.interchange.codec;

import org.agrona.DirectBuffer;

/**
 * The header of one BER-TLV data object (EMV Book 3 annex B, ISO/IEC 8825-1), as field 55 carries them: its tag
 * (one to three bytes), its length (short form, or 81/82 and one or two length bytes) and where its value starts.
 * One reader for everyone who walks chip data: the dump that renders it and the journal that strips it.
 *
 * <p>A header is packed into a long: tag in bits 24-47, value length in bits 8-23, tag length in bits 4-7, header
 * length in bits 0-3; {@link #INVALID} when the bytes are not a data object that fits before the end.
 */
public final class BerTlv
{
    public static final long INVALID = -1;
    /** Three tag bytes is the most EMV and ISO/IEC 7816-4 data objects use. */
    private static final int MAX_TAG = 0xFFFFFF;

    private BerTlv()
    {
    }

    /** 00 and FF may pad before, between and after data objects (EMV Book 3 annex B1). */
    public static boolean isPadding(final int lead)
    {
        return lead == 0x00 || lead == 0xFF;
    }

    /** True when the object's first tag byte marks it constructed: its value is more data objects. */
    public static boolean isConstructed(final int lead)
    {
        return (lead & 0x20) != 0;
    }

    /** Reads the header of the data object at {@code p}, which must end by {@code end}. */
    public static long header(final DirectBuffer buffer, final int p, final int end)
    {
        int at = p;
        final int lead = buffer.getByte(at++) & 0xFF;
        int tag = lead;
        if ((lead & 0x1F) == 0x1F)
        {
            int next;
            do
            {
                if (at >= end || tag > (MAX_TAG >>> 8))
                {
                    return INVALID;
                }
                next = buffer.getByte(at++) & 0xFF;
                tag = (tag << 8) | next;
            }
            while ((next & 0x80) != 0);
        }
        final int tagLength = at - p;
        if (at >= end)
        {
            return INVALID;
        }
        int length = buffer.getByte(at++) & 0xFF;
        if (length == 0x81 || length == 0x82)
        {
            final int bytes = length & 0x03;
            if (bytes > end - at)
            {
                return INVALID;
            }
            length = 0;
            for (int i = 0; i < bytes; i++)
            {
                length = (length << 8) | (buffer.getByte(at++) & 0xFF);
            }
        }
        else if (length > 0x7F)
        {
            return INVALID;
        }
        if (length > end - at)
        {
            return INVALID;
        }
        return ((long)tag << 24) | ((long)length << 8) | ((long)tagLength << 4) | (at - p);
    }

    public static int tag(final long header)
    {
        return (int)(header >>> 24);
    }

    public static int valueLength(final long header)
    {
        return (int)(header >>> 8) & 0xFFFF;
    }

    public static int tagLength(final long header)
    {
        return (int)(header >>> 4) & 0x0F;
    }

    /** Tag and length bytes together: the value starts this far after the object. */
    public static int headerLength(final long header)
    {
        return (int)header & 0x0F;
    }
}
