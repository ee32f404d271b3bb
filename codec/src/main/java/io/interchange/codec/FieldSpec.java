package io.interchange.codec;

import java.util.Objects;

/**
 * One data element of a dialect: what it holds, how long it may be, and how its length and value are encoded.
 * A dialect is a table of these (see {@link Dialect}); nothing about a field lives in code.
 *
 * @param id             field number, 2 to 128 (0 and 1, the MTI and bitmap, are described by the dialect itself).
 * @param name           the name used in dumps, e.g. "PRIMARY ACCOUNT NUMBER".
 * @param type           what the value may contain.
 * @param maxLength      the length of a fixed field, or the maximum of a variable one, in units of the encoding.
 * @param prefixDigits   0 for a fixed field, 2 for LL, 3 for LLL, 4 for LLLL.
 * @param lengthEncoding how the prefix is written; {@link LengthEncoding#FIXED} exactly when prefixDigits is 0.
 * @param encoding       how the value is written.
 * @param padding        what a short value of a fixed field is filled with.
 */
public record FieldSpec(
    int id,
    String name,
    FieldType type,
    int maxLength,
    int prefixDigits,
    LengthEncoding lengthEncoding,
    ValueEncoding encoding,
    Padding padding)
{
    public static final int MAX_FIELD = 128;

    public FieldSpec
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(lengthEncoding, "lengthEncoding");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(padding, "padding");
        if (id < 2 || id > MAX_FIELD)
        {
            throw new IllegalArgumentException("field id must be 2.." + MAX_FIELD + ": " + id);
        }
        if (prefixDigits != 0 && (prefixDigits < 1 || prefixDigits > 4))
        {
            throw new IllegalArgumentException("field " + id + ": prefix digits must be 0 or 1..4: " + prefixDigits);
        }
        if ((prefixDigits == 0) != (lengthEncoding == LengthEncoding.FIXED))
        {
            throw new IllegalArgumentException("field " + id + ": a fixed field has no prefix, a variable one needs one");
        }
        if (maxLength < 1 || maxLength > maxForPrefix(prefixDigits, lengthEncoding))
        {
            throw new IllegalArgumentException("field " + id + ": max length " + maxLength + " does not fit its prefix");
        }
        if (type == FieldType.B && !(encoding == ValueEncoding.BINARY || encoding == ValueEncoding.HEX))
        {
            throw new IllegalArgumentException("field " + id + ": binary fields are BINARY or HEX encoded");
        }
        if (encoding.isBcd() && !(type == FieldType.N || type.isTrack() || type == FieldType.XN))
        {
            throw new IllegalArgumentException("field " + id + ": only n, z and x+n fields can be BCD");
        }
        if (type == FieldType.XN && prefixDigits != 0)
        {
            throw new IllegalArgumentException("field " + id + ": x+n amounts are fixed length");
        }
        if (padding != Padding.NONE && prefixDigits != 0)
        {
            throw new IllegalArgumentException("field " + id + ": only fixed fields are padded");
        }
    }

    private static int maxForPrefix(final int digits, final LengthEncoding encoding)
    {
        switch (encoding)
        {
            case FIXED:
                return 99_999;
            case BINARY:
                return digits <= 2 ? 255 : 65_535;
            default:
                return digits == 1 ? 9 : digits == 2 ? 99 : digits == 3 ? 999 : 9_999;
        }
    }

    public boolean isFixed()
    {
        return prefixDigits == 0;
    }

    /** Bytes taken by the length prefix. */
    public int prefixLength()
    {
        return lengthEncoding.prefixLength(prefixDigits);
    }

    /** Bytes taken on the wire by a value of {@code units} units, prefix excluded. */
    public int packedLength(final int units)
    {
        if (type == FieldType.XN && encoding != ValueEncoding.ASCII)
        {
            return 1 + encoding.packedLength(units - 1);
        }
        return encoding.packedLength(units);
    }

    /** True when the value is text in the dumps and the writer's string form: everything but binary. */
    public boolean isText()
    {
        return type != FieldType.B;
    }

    // Factories named after the ISO notation, so a dialect table reads like the standard's field list.

    /** A fixed numeric field, {@code n len}, zero padded on the left. */
    public static FieldSpec n(final int id, final int len, final ValueEncoding enc, final String name)
    {
        return new FieldSpec(id, name, FieldType.N, len, 0, LengthEncoding.FIXED, enc, Padding.ZERO_LEFT);
    }

    /** A fixed alphanumeric-special field, {@code ans len}, space padded on the right. */
    public static FieldSpec ans(final int id, final int len, final String name)
    {
        return new FieldSpec(id, name, FieldType.ANS, len, 0, LengthEncoding.FIXED, ValueEncoding.ASCII, Padding.SPACE_RIGHT);
    }

    /** A fixed binary field, {@code b len} in bytes. */
    public static FieldSpec b(final int id, final int len, final ValueEncoding enc, final String name)
    {
        return new FieldSpec(id, name, FieldType.B, len, 0, LengthEncoding.FIXED, enc, Padding.NONE);
    }

    /** A signed amount, {@code x+n}: len counts the sign. */
    public static FieldSpec xn(final int id, final int len, final ValueEncoding enc, final String name)
    {
        return new FieldSpec(id, name, FieldType.XN, len, 0, LengthEncoding.FIXED, enc, Padding.ZERO_LEFT);
    }

    /** A variable field: {@code type ..max} with a prefix of {@code digits} digits. */
    public static FieldSpec var(
        final int id,
        final FieldType type,
        final int digits,
        final LengthEncoding prefix,
        final int max,
        final ValueEncoding enc,
        final String name)
    {
        return new FieldSpec(id, name, type, max, digits, prefix, enc, Padding.NONE);
    }
}
