package io.interchange.engine.switching;

import org.agrona.DirectBuffer;

import io.interchange.codec.MessageReader;
import io.interchange.codec.ValueEncoding;

/**
 * Up to 16 ASCII characters (a terminal id, field 41, or a merchant id, field 42) packed into two longs, so that
 * looking one up costs no String. Short keys are padded with spaces, as the fixed fields are on the wire.
 */
final class FixedKey
{
    static final int MAX_LENGTH = 16;

    private FixedKey()
    {
    }

    static long high(final CharSequence key)
    {
        return pack(key, 0);
    }

    static long low(final CharSequence key)
    {
        return pack(key, 8);
    }

    private static long pack(final CharSequence key, final int from)
    {
        long value = 0;
        for (int i = from; i < from + 8; i++)
        {
            value = (value << 8) | (i < key.length() ? key.charAt(i) & 0xFF : ' ');
        }
        return value;
    }

    /** The packed form of a text field of at most 16 characters, as {@link #high}/{@link #low} would give it. */
    static long high(final MessageReader reader, final int field)
    {
        return pack(reader, field, 0);
    }

    static long low(final MessageReader reader, final int field)
    {
        return pack(reader, field, 8);
    }

    private static long pack(final MessageReader reader, final int field, final int from)
    {
        final int length = reader.units(field);
        final boolean ascii = reader.spec(field).encoding() == ValueEncoding.ASCII;
        final DirectBuffer buffer = reader.buffer();
        final int at = ascii ? reader.valueOffset(field) : 0;
        long value = 0;
        for (int i = from; i < from + 8; i++)
        {
            final int c = i >= length ? ' ' : ascii ? buffer.getByte(at + i) : reader.charAt(field, i);
            value = (value << 8) | (c & 0xFF);
        }
        return value;
    }
}
