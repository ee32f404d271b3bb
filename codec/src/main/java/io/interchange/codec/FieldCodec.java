package io.interchange.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * The byte-level rules shared by the reader, the scanner and the writer: length prefixes, BCD nibbles, hex,
 * and what each field type may hold. Stateless and allocation free.
 */
final class FieldCodec
{
    static final byte[] HEX_DIGITS = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

    // values() clones its array on every call; a flood of bad frames must not allocate either.
    private static final DecodeError[] DECODE_ERRORS = DecodeError.values();

    private FieldCodec()
    {
    }

    /**
     * Decodes the field at {@code pos}: on success {@code units << 32 | positionAfterField}; on failure a negative
     * value made by {@link #error(DecodeError, int)}.
     */
    static long decodeField(final FieldSpec spec, final DirectBuffer buffer, final int pos, final int end)
    {
        int p = pos;
        final int units;
        if (spec.isFixed())
        {
            units = spec.maxLength();
        }
        else
        {
            final int prefixLength = spec.prefixLength();
            if (prefixLength > end - p)
            {
                return error(DecodeError.TRUNCATED, p);
            }
            units = readLength(spec.lengthEncoding(), prefixLength, buffer, p);
            if (units < 0)
            {
                return error(DecodeError.BAD_LENGTH, p);
            }
            if (units > spec.maxLength())
            {
                return error(DecodeError.LENGTH_OVER_MAX, p);
            }
            p += prefixLength;
        }
        final int bytes = spec.packedLength(units);
        if (bytes > end - p)
        {
            return error(DecodeError.TRUNCATED, p);
        }
        final int bad = firstInvalid(spec, buffer, p, units);
        if (bad >= 0)
        {
            return error(spec.encoding() == ValueEncoding.HEX ? DecodeError.BAD_HEX : DecodeError.NOT_NUMERIC, bad);
        }
        return ((long)units << 32) | (p + bytes);
    }

    /** {@link #variablePlan} kinds: what the value of a variable field is checked for. */
    private static final int PLAN_NIBBLES = 0;
    private static final int PLAN_BYTES = 1;
    private static final int PLAN_DIGITS = 2;
    private static final int PLAN_TRACK = 3;

    /**
     * How {@link #decodeVariable} reads a variable field, worked out once per field: nonzero for a BCD prefix
     * of one or two bytes before unchecked text or bytes, or BCD n and z digits; 0 for any other field, which
     * goes the general way.
     */
    static int variablePlan(final FieldSpec spec)
    {
        if (spec == null || spec.isFixed() || spec.lengthEncoding() != LengthEncoding.BCD || spec.prefixLength() > 2)
        {
            return 0;
        }
        final FieldType type = spec.type();
        final ValueEncoding encoding = spec.encoding();
        final int kind;
        if (((type == FieldType.AN || type == FieldType.ANS) && encoding == ValueEncoding.ASCII) ||
            (type == FieldType.B && encoding == ValueEncoding.BINARY))
        {
            kind = PLAN_BYTES;
        }
        else if ((type == FieldType.N || type.isTrack()) && encoding.isBcd())
        {
            kind = type == FieldType.ZE ? PLAN_NIBBLES : type == FieldType.Z ? PLAN_TRACK : PLAN_DIGITS;
        }
        else
        {
            return 0;
        }
        return (spec.maxLength() << 8) | (kind << 2) | spec.prefixLength();
    }

    /**
     * {@link #decodeField} for a variable field with a nonzero {@link #variablePlan}, without its dispatch on the
     * spec: the same {@code units << 32 | positionAfterField} when the field is good, or -1 when it is not, for
     * the general way to find and name the fault.
     */
    static long decodeVariable(final int plan, final ValueEncoding encoding, final DirectBuffer buffer, final int pos, final int end)
    {
        final int prefixLength = plan & 3;
        if (prefixLength > end - pos)
        {
            return -1;
        }
        final int units = bcdValue(prefixLength == 1 ? buffer.getByte(pos) & 0xFF : buffer.getShort(pos, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        if (units < 0 || units > plan >>> 8)
        {
            return -1;
        }
        final int kind = (plan >>> 2) & 3;
        final int p = pos + prefixLength;
        final int bytes = kind == PLAN_BYTES ? units : (units + 1) >> 1;
        if (bytes > end - p || (kind > PLAN_BYTES && firstBadNibble(encoding, buffer, p, units, kind == PLAN_TRACK) >= 0))
        {
            return -1;
        }
        return ((long)units << 32) | (p + bytes);
    }

    /**
     * The number in the last {@code digits} (up to 16) BCD digits of {@code word}, the eight bytes that end with the
     * value read big-endian: all at once rather than two digits a step, each step waiting on the one before. The
     * sum is the same, nibble times its power of ten, whatever the nibbles, as with a digit-by-digit walk.
     */
    static long bcdToLong(final long word, final ValueEncoding encoding, final int digits)
    {
        // An odd count padded on the right ends with the pad nibble; padded on the left, the pad is above the digits.
        long w = (digits & 1) == 1 && encoding != ValueEncoding.BCD_LEFT ? word >>> 4 : word;
        if (digits < 16)
        {
            w &= (1L << (digits << 2)) - 1;
        }
        // Pairs of lanes into lanes twice as wide: bytes of 0-165, then 16 bits of 0-16,665, then 32 bits, no carries.
        w = ((w >>> 4) & 0x0F0F0F0F0F0F0F0FL) * 10 + (w & 0x0F0F0F0F0F0F0F0FL);
        w = ((w >>> 8) & 0x00FF00FF00FF00FFL) * 100 + (w & 0x00FF00FF00FF00FFL);
        w = ((w >>> 16) & 0x0000FFFF0000FFFFL) * 10_000 + (w & 0x0000FFFF0000FFFFL);
        return (w >>> 32) * 100_000_000L + (w & 0xFFFFFFFFL);
    }

    /** The number in up to four BCD digits (two bytes, big-endian, in the low 16 bits), or -1 when a nibble is over 9. */
    static int bcdValue(final int bcd)
    {
        // One nibble per byte lane: n + 6 reaches 16 exactly when n > 9.
        if (((((bcd & 0x0F0F) + 0x0606) | (((bcd >>> 4) & 0x0F0F) + 0x0606)) & 0x1010) != 0)
        {
            return -1;
        }
        return (bcd >>> 12) * 1000 + ((bcd >>> 8) & 0x0F) * 100 + ((bcd >>> 4) & 0x0F) * 10 + (bcd & 0x0F);
    }

    static long error(final DecodeError error, final int offset)
    {
        return -(((long)offset << 8) | error.ordinal());
    }

    static DecodeError errorOf(final long result)
    {
        return DECODE_ERRORS[(int)((-result) & 0xFF)];
    }

    static int errorOffsetOf(final long result)
    {
        return (int)((-result) >>> 8);
    }

    /** The length in a prefix of {@code prefixLength} bytes, or -1 when it is not decimal. */
    static int readLength(final LengthEncoding encoding, final int prefixLength, final DirectBuffer buffer, final int pos)
    {
        int value = 0;
        switch (encoding)
        {
            case ASCII:
                for (int i = 0; i < prefixLength; i++)
                {
                    final int d = buffer.getByte(pos + i) - '0';
                    if (d < 0 || d > 9)
                    {
                        return -1;
                    }
                    value = value * 10 + d;
                }
                return value;
            case BCD:
                for (int i = 0; i < prefixLength; i++)
                {
                    final int b = buffer.getByte(pos + i) & 0xFF;
                    final int hi = b >>> 4;
                    final int lo = b & 0x0F;
                    if (hi > 9 || lo > 9)
                    {
                        return -1;
                    }
                    value = value * 100 + hi * 10 + lo;
                }
                return value;
            case BINARY:
                for (int i = 0; i < prefixLength; i++)
                {
                    value = (value << 8) | (buffer.getByte(pos + i) & 0xFF);
                }
                return value;
            default:
                return -1;
        }
    }

    /** Offset of the first byte the field's type does not allow, or -1. */
    static int firstInvalid(final FieldSpec spec, final DirectBuffer buffer, final int pos, final int units)
    {
        final ValueEncoding encoding = spec.encoding();
        switch (spec.type())
        {
            case N:
            case Z:
            {
                final boolean track = spec.type() == FieldType.Z;
                if (encoding == ValueEncoding.ASCII)
                {
                    return firstNonDigit(buffer, pos, units, track);
                }
                return encoding.isBcd() ? firstBadNibble(encoding, buffer, pos, units, track) : -1;
            }
            case ZE:
                // Any nibble: an enciphered block is indistinguishable from a bad one (FieldType.ZE).
                return encoding.isBcd() ? -1 : firstNotTrackHex(buffer, pos, units);
            case XN:
            {
                final byte sign = buffer.getByte(pos);
                if (sign != 'C' && sign != 'D')
                {
                    return pos;
                }
                if (encoding == ValueEncoding.ASCII)
                {
                    return firstNonDigit(buffer, pos + 1, units - 1, false);
                }
                return firstBadNibble(encoding, buffer, pos + 1, units - 1, false);
            }
            case B:
                if (encoding == ValueEncoding.HEX)
                {
                    for (int i = 0, n = units << 1; i < n; i++)
                    {
                        if (hexValue(buffer.getByte(pos + i)) < 0)
                        {
                            return pos + i;
                        }
                    }
                }
                return -1;
            default:
                return -1;
        }
    }

    private static int firstNotTrackHex(final DirectBuffer buffer, final int pos, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final byte c = buffer.getByte(pos + i);
            if (c != '=' && hexValue(c) < 0)
            {
                return pos + i;
            }
        }
        return -1;
    }

    private static int firstNonDigit(final DirectBuffer buffer, final int pos, final int count, final boolean track)
    {
        for (int i = 0; i < count; i++)
        {
            final byte c = buffer.getByte(pos + i);
            if ((c < '0' || c > '9') && !(track && c == '='))
            {
                return pos + i;
            }
        }
        return -1;
    }

    private static int firstBadNibble(
        final ValueEncoding encoding, final DirectBuffer buffer, final int pos, final int digits, final boolean track)
    {
        // Checking digit by digit was most of the cost of reading a BCD message: the value is checked eight bytes
        // at a time instead, and only one that fails is walked again for the offset to report. A short value is
        // read with the bytes before it, masked off; those are in the frame, as the MTI and bitmap, 10 bytes at
        // least, come before every field.
        final int bytes = (digits + 1) >> 1;
        if (bytes == 0 || pos + bytes < Long.BYTES)
        {
            return firstBadDigit(encoding, buffer, pos, digits, track);
        }
        long bad;
        if (bytes <= Long.BYTES)
        {
            bad = badNibbles(buffer.getLong(pos + bytes - Long.BYTES, ByteOrder.LITTLE_ENDIAN) & digitMask(encoding, digits), track);
        }
        else
        {
            // From the start, then the last eight bytes, which may overlap: BCD_LEFT pads the first byte, the
            // others the last.
            final boolean odd = (digits & 1) == 1;
            final long headPad = odd && encoding == ValueEncoding.BCD_LEFT ? 0xF0L : 0;
            final long lastPad = odd && encoding != ValueEncoding.BCD_LEFT ? 0x0FL << 56 : 0;
            bad = badNibbles(buffer.getLong(pos, ByteOrder.LITTLE_ENDIAN) & ~headPad, track);
            for (int i = Long.BYTES; i < bytes - Long.BYTES; i += Long.BYTES)
            {
                bad |= badNibbles(buffer.getLong(pos + i, ByteOrder.LITTLE_ENDIAN), track);
            }
            bad |= badNibbles(buffer.getLong(pos + bytes - Long.BYTES, ByteOrder.LITTLE_ENDIAN) & ~lastPad, track);
        }
        return bad == 0 ? -1 : firstBadDigit(encoding, buffer, pos, digits, track);
    }

    /**
     * Which bits hold digits when the eight bytes that end with a BCD value of 1 to 16 digits are read
     * little-endian: not the bytes before the value, nor the pad nibble of an odd count.
     */
    static long digitMask(final ValueEncoding encoding, final int digits)
    {
        final int skipped = (Long.BYTES - ((digits + 1) >> 1)) << 3;
        final long mask = -1L << skipped;
        if ((digits & 1) == 0)
        {
            return mask;
        }
        return encoding == ValueEncoding.BCD_LEFT ? mask & ~(0xF0L << skipped) : mask & ~(0x0FL << 56);
    }

    /** True when the nibbles in {@code mask} (see {@link #digitMask}) of the eight bytes before {@code end} are digits. */
    static boolean allDigits(final DirectBuffer buffer, final int end, final long mask)
    {
        return badNibbles(buffer.getLong(end - Long.BYTES, ByteOrder.LITTLE_ENDIAN) & mask, false) == 0;
    }

    /** Nonzero when a nibble of the eight bytes is above 9 and, for track data, not the separator D. */
    private static long badNibbles(final long bytes, final boolean track)
    {
        final long lanes = 0x0F0F0F0F0F0F0F0FL;
        return badLanes(bytes & lanes, track) | badLanes((bytes >>> 4) & lanes, track);
    }

    private static long badLanes(final long nibbles, final boolean track)
    {
        // One nibble per byte lane, so no sum carries into a neighbour: n + 6 reaches 16 exactly when n > 9,
        // and (n ^ D) + 15 reaches 16 exactly when n is not D.
        final long over9 = nibbles + 0x0606060606060606L;
        final long flagged = track ? over9 & ((nibbles ^ 0x0D0D0D0D0D0D0D0DL) + 0x0F0F0F0F0F0F0F0FL) : over9;
        return flagged & 0x1010101010101010L;
    }

    private static int firstBadDigit(
        final ValueEncoding encoding, final DirectBuffer buffer, final int pos, final int digits, final boolean track)
    {
        final int shift = nibbleShift(encoding, digits);
        for (int i = 0; i < digits; i++)
        {
            final int nibble = nibble(buffer, pos, i + shift);
            if (nibble > 9 && !(track && nibble == 0x0D))
            {
                return pos + ((i + shift) >> 1);
            }
        }
        return -1;
    }

    /** 1 when an odd digit count starts with a pad nibble, else 0. */
    static int nibbleShift(final ValueEncoding encoding, final int digits)
    {
        return encoding == ValueEncoding.BCD_LEFT && (digits & 1) == 1 ? 1 : 0;
    }

    static int nibble(final DirectBuffer buffer, final int pos, final int index)
    {
        final int b = buffer.getByte(pos + (index >> 1)) & 0xFF;
        return (index & 1) == 0 ? b >>> 4 : b & 0x0F;
    }

    /** The ASCII character of a BCD nibble: digits, '=' for the track separator D, else the hex digit. */
    static byte nibbleChar(final int nibble)
    {
        return nibble == 0x0D ? (byte)'=' : HEX_DIGITS[nibble];
    }

    static int hexValue(final byte c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F')
        {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }
        return -1;
    }
}
