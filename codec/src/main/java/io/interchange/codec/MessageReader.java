package io.interchange.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A flyweight over one ISO 8583 message. {@link #wrap} walks the MTI, bitmap and fields once, checking each
 * against its spec, and keeps only offsets; accessors then read values as primitives or copy them into the
 * caller's buffers. Reusable and allocation free in steady state; one instance per thread.
 *
 * <p>A bad message is a state, not an exception: {@link #wrap} returns a {@link DecodeError} and the reader
 * reports the field and offset at fault. Fields before the fault stay readable, so a switch can still build
 * a format-error answer from the MTI and key fields (DESIGN.md §5). Nothing is ever read past the frame.
 */
public final class MessageReader
{
    private static final int NO_FIELD = -1;

    private final Dialect dialect;
    // The dialect's tables (shared by all its readers: a ring holds thousands of readers), copied into final
    // fields so the field loop reads them without going through the dialect.
    private final FieldSpec[] specs;
    private final int[] quickLengths;
    private final long[] quickDigits;
    private final int[] prefixLengths;
    private final int[] variablePlans;
    // Only where each field ends: a field starts where the one before it in the bitmap ends (startOf), so
    // wrap stores one int per field.
    private final int[] ends = new int[FieldSpec.MAX_FIELD + 1];
    private final UnsafeBuffer wrapper = new UnsafeBuffer(0, 0);

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int mti = -1;
    private long primaryBitmap;
    private long secondaryBitmap;
    private long decodedPrimary;
    private long decodedSecondary;
    private int fieldsStart;
    private DecodeError error = DecodeError.NONE;
    private int errorField = NO_FIELD;
    private int errorOffset;

    public MessageReader(final Dialect dialect)
    {
        this.dialect = dialect;
        final ReaderTables tables = dialect.readerTables();
        this.specs = tables.specs;
        this.quickLengths = tables.quickLengths;
        this.quickDigits = tables.quickDigits;
        this.prefixLengths = tables.prefixLengths;
        this.variablePlans = tables.variablePlans;
    }

    public Dialect dialect()
    {
        return dialect;
    }

    /** Reads {@code length} bytes of {@code bytes} from {@code offset}; the array is not copied. */
    public DecodeError wrap(final byte[] bytes, final int offset, final int length)
    {
        wrapper.wrap(bytes);
        return wrap(wrapper, offset, length);
    }

    /**
     * Indexes the message in {@code buffer[offset, offset + length)}. The buffer must stay unchanged while the
     * reader is used.
     */
    public DecodeError wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            throw new IllegalArgumentException("frame [" + offset + ", +" + length + ") outside buffer of " + buffer.capacity());
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.mti = -1;
        this.primaryBitmap = 0;
        this.secondaryBitmap = 0;
        this.decodedPrimary = 0;
        this.decodedSecondary = 0;
        this.errorField = NO_FIELD;
        this.errorOffset = 0;
        this.error = decode();
        return error;
    }

    private DecodeError decode()
    {
        final int end = offset + length;
        int pos = offset;

        final int mtiLength = dialect.mtiLength();
        if (mtiLength > end - pos)
        {
            return fail(DecodeError.TRUNCATED, 0, pos);
        }
        final int parsedMti = readMti(pos);
        if (parsedMti < 0)
        {
            return fail(DecodeError.BAD_MTI, 0, pos);
        }
        mti = parsedMti;
        pos += mtiLength;

        final int bitmapLength = dialect.bitmapLength();
        if (bitmapLength > end - pos)
        {
            return fail(DecodeError.TRUNCATED, 1, pos);
        }
        final long primary = readBitmap(pos);
        if (primary == -1L && badHexBitmap(pos))
        {
            return fail(DecodeError.BAD_BITMAP, 1, pos);
        }
        pos += bitmapLength;
        long secondary = 0;
        if (primary < 0) // bit 1: a secondary bitmap follows
        {
            if (bitmapLength > end - pos)
            {
                return fail(DecodeError.TRUNCATED, 1, pos);
            }
            secondary = readBitmap(pos);
            if (secondary == -1L && badHexBitmap(pos))
            {
                return fail(DecodeError.BAD_BITMAP, 1, pos);
            }
            pos += bitmapLength;
        }
        primaryBitmap = primary;
        secondaryBitmap = secondary;
        fieldsStart = pos;

        pos = decodeFields(primary & Long.MAX_VALUE, 0, pos, end);
        if (pos < 0)
        {
            return error;
        }
        pos = decodeFields(secondary, 64, pos, end);
        if (pos < 0)
        {
            return error;
        }
        if (pos != end)
        {
            return fail(DecodeError.TRAILING_BYTES, NO_FIELD, pos);
        }
        return DecodeError.NONE;
    }

    private int decodeFields(final long bitmap, final int base, final int start, final int end)
    {
        // Kept under C2's hot-method inlining limit (325 bytecodes): the rarer paths live in the methods below.
        long bits = bitmap;
        int pos = start;
        while (bits != 0)
        {
            final int leading = Long.numberOfLeadingZeros(bits);
            final long mask = Long.MIN_VALUE >>> leading;
            bits &= ~mask;
            final int field = base + leading + 1;
            final int quick = quickLengths[field];
            final int next;
            if (quick >= 0 && quick <= end - pos && (quickDigits[field] == 0 || FieldCodec.allDigits(buffer, pos + quick, quickDigits[field])))
            {
                next = pos + quick;
            }
            else
            {
                next = decodeOther(specs[field], field, pos, end);
                if (next < 0)
                {
                    decoded(base, bitmap & ~(bits | mask));
                    return -1;
                }
            }
            ends[field] = next;
            pos = next;
        }
        decoded(base, bitmap);
        return pos;
    }

    /**
     * A field the fixed-field check did not take: a variable field's quick path, else the general way, which
     * also names the fault (and records it, returning -1).
     */
    private int decodeOther(final FieldSpec spec, final int field, final int pos, final int end)
    {
        if (spec == null)
        {
            fail(DecodeError.UNDEFINED_FIELD, field, pos);
            return -1;
        }
        final int plan = variablePlans[field];
        long result = plan != 0 ? FieldCodec.decodeVariable(plan, spec.encoding(), buffer, pos, end) : -1;
        if (result < 0)
        {
            result = FieldCodec.decodeField(spec, buffer, pos, end);
            if (result < 0)
            {
                fail(FieldCodec.errorOf(result), field, FieldCodec.errorOffsetOf(result));
                return -1;
            }
        }
        return (int)result;
    }

    /** Records the fields of one bitmap word that were read, once per word rather than once per field. */
    private void decoded(final int base, final long fields)
    {
        if (base == 0)
        {
            decodedPrimary = fields;
        }
        else
        {
            decodedSecondary = fields;
        }
    }

    private DecodeError fail(final DecodeError error, final int field, final int absoluteOffset)
    {
        this.error = error;
        this.errorField = field;
        this.errorOffset = absoluteOffset - offset;
        return error;
    }

    private int readMti(final int pos)
    {
        int value = 0;
        if (dialect.mtiEncoding() == ValueEncoding.ASCII)
        {
            for (int i = 0; i < 4; i++)
            {
                final int d = buffer.getByte(pos + i) - '0';
                if (d < 0 || d > 9)
                {
                    return -1;
                }
                value = value * 10 + d;
            }
            return value;
        }
        return FieldCodec.bcdValue(buffer.getShort(pos, ByteOrder.BIG_ENDIAN) & 0xFFFF);
    }

    /** The bitmap as a long, field 1 in the sign bit; -1 for an invalid hex bitmap (check {@link #badHexBitmap}). */
    private long readBitmap(final int pos)
    {
        if (dialect.bitmapEncoding() == ValueEncoding.BINARY)
        {
            return buffer.getLong(pos, ByteOrder.BIG_ENDIAN);
        }
        long value = 0;
        for (int i = 0; i < 16; i++)
        {
            final int h = FieldCodec.hexValue(buffer.getByte(pos + i));
            if (h < 0)
            {
                return -1L;
            }
            value = (value << 4) | h;
        }
        return value;
    }

    private boolean badHexBitmap(final int pos)
    {
        if (dialect.bitmapEncoding() != ValueEncoding.HEX)
        {
            return false;
        }
        for (int i = 0; i < 16; i++)
        {
            if (FieldCodec.hexValue(buffer.getByte(pos + i)) < 0)
            {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- state

    /** {@link DecodeError#NONE} when the whole message was read. */
    public DecodeError error()
    {
        return error;
    }

    public boolean isValid()
    {
        return error == DecodeError.NONE;
    }

    /** The field at fault: 0 for the MTI, 1 for the bitmap, -1 for none or the frame as a whole. */
    public int errorField()
    {
        return errorField;
    }

    /** Byte offset of the fault from the start of the message. */
    public int errorOffset()
    {
        return errorOffset;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    /** The MTI as the int of its digits (0200 is 200), or -1 when it could not be read. */
    public int mti()
    {
        return mti;
    }

    /**
     * Fields 2-64 that were read, as a bitmap word: field 1's place, the sign bit, is always clear (it is the secondary
     * bitmap, not a field), field 64 is bit 0. For walking the fields present a bit at a time rather than a field
     * number at a time; {@link #has} asks about one.
     */
    public long decodedPrimary()
    {
        return decodedPrimary;
    }

    /** Fields 65-128 that were read, as a bitmap word (field 65 in the sign bit, 128 in bit 0). */
    public long decodedSecondary()
    {
        return decodedSecondary;
    }

    /** True when the bitmap names the field and it was read. Fields after a fault read as absent. */
    public boolean has(final int field)
    {
        if (field < 2 || field > FieldSpec.MAX_FIELD)
        {
            return false;
        }
        return field <= 64 ?
            (decodedPrimary & (Long.MIN_VALUE >>> (field - 1))) != 0 :
            (decodedSecondary & (Long.MIN_VALUE >>> (field - 65))) != 0;
    }

    /** True when the bitmap names the field, whether or not it could be read. */
    public boolean bitmapHas(final int field)
    {
        if (field < 1 || field > FieldSpec.MAX_FIELD)
        {
            return false;
        }
        return field <= 64 ?
            (primaryBitmap & (Long.MIN_VALUE >>> (field - 1))) != 0 :
            (secondaryBitmap & (Long.MIN_VALUE >>> (field - 65))) != 0;
    }

    public FieldSpec spec(final int field)
    {
        return specs[field];
    }

    /** The value's length in units: digits, characters or bytes. */
    public int units(final int field)
    {
        require(field);
        return unitsOf(field);
    }

    /**
     * Worked out on demand rather than stored by {@link #wrap}: one store less per field on the path every
     * message takes, for a prefix read again only by the fields an accessor asks for.
     */
    private int unitsOf(final int field)
    {
        final FieldSpec spec = specs[field];
        return spec.isFixed() ? spec.maxLength() :
            FieldCodec.readLength(spec.lengthEncoding(), prefixLengths[field], buffer, startOf(field));
    }

    /** Absolute offset in {@link #buffer()} of the field's length prefix (or value, for a fixed field). */
    public int rawOffset(final int field)
    {
        require(field);
        return startOf(field);
    }

    /** Bytes taken by the field on the wire, prefix included. */
    public int rawLength(final int field)
    {
        require(field);
        return ends[field] - startOf(field);
    }

    /** {@link #rawOffset} without the check, for a field known to be present. */
    int rawStart(final int field)
    {
        return startOf(field);
    }

    /** Absolute offset in {@link #buffer()} just after the field, for a field known to be present. */
    int rawEnd(final int field)
    {
        return ends[field];
    }

    /** Where a present field starts: the end of the field before it, or the end of the bitmaps. */
    private int startOf(final int field)
    {
        if (field > 64)
        {
            final long before = decodedSecondary & ~(((Long.MIN_VALUE >>> (field - 65)) << 1) - 1);
            if (before != 0)
            {
                return ends[128 - Long.numberOfTrailingZeros(before)];
            }
            final long primary = decodedPrimary & Long.MAX_VALUE;
            return primary != 0 ? ends[64 - Long.numberOfTrailingZeros(primary)] : fieldsStart;
        }
        final long before = decodedPrimary & Long.MAX_VALUE & ~(((Long.MIN_VALUE >>> (field - 1)) << 1) - 1);
        return before != 0 ? ends[64 - Long.numberOfTrailingZeros(before)] : fieldsStart;
    }

    /** Absolute offset in {@link #buffer()} of the field's value bytes. */
    public int valueOffset(final int field)
    {
        require(field);
        return valuePosition(field);
    }

    /** Bytes taken by the field's value on the wire. */
    public int valueLength(final int field)
    {
        require(field);
        return ends[field] - valuePosition(field);
    }

    private int valuePosition(final int field)
    {
        return startOf(field) + prefixLengths[field];
    }

    /**
     * The digits of a numeric field as a long. For an x+n amount, the digits without the sign (see
     * {@link #charAt}). Up to 18 digits.
     */
    public long getLong(final int field)
    {
        require(field);
        final FieldSpec spec = specs[field];
        final FieldType type = spec.type();
        final int start = type == FieldType.XN ? 1 : 0;
        final int count = unitsOf(field);
        if ((type != FieldType.N && start == 0) || count - start > 18)
        {
            throw notALong(field);
        }
        final ValueEncoding encoding = spec.encoding();
        if (encoding.isBcd())
        {
            return bcdNumber(valuePosition(field) + start, count - start, encoding);
        }
        long value = 0;
        for (int i = start; i < count; i++)
        {
            value = value * 10 + (charAt(field, i) - '0');
        }
        return value;
    }

    private IllegalArgumentException notALong(final int field)
    {
        final FieldType type = specs[field].type();
        return new IllegalArgumentException(type != FieldType.N && type != FieldType.XN ?
            "field " + field + " is not numeric" : "field " + field + " has more than 18 digits");
    }

    /** The BCD number of {@code digits} digits at {@code pos}, straight from the bytes. */
    private long bcdNumber(final int pos, final int digits, final ValueEncoding encoding)
    {
        final int bytes = (digits + 1) >> 1;
        if (bytes <= Long.BYTES && pos + bytes >= Long.BYTES)
        {
            // All digits at once from the eight bytes that end with the value (the MTI and bitmap lie before it).
            return FieldCodec.bcdToLong(buffer.getLong(pos + bytes - Long.BYTES, ByteOrder.BIG_ENDIAN), encoding, digits);
        }
        // Two digits a byte: charAt would redo its encoding dispatch for every digit.
        long value = 0;
        final int end = FieldCodec.nibbleShift(encoding, digits) + digits;
        int i = end - digits;
        if ((i & 1) == 1)
        {
            value = FieldCodec.nibble(buffer, pos, i++);
        }
        for (; i + 1 < end; i += 2)
        {
            final int b = buffer.getByte(pos + (i >> 1)) & 0xFF;
            value = value * 100 + (b >>> 4) * 10 + (b & 0x0F);
        }
        if (i < end)
        {
            value = value * 10 + FieldCodec.nibble(buffer, pos, i);
        }
        return value;
    }

    /** The i-th character of a text field's value: a digit, '=' or sign for BCD fields. */
    public byte charAt(final int field, final int index)
    {
        final FieldSpec spec = specs[field];
        final int pos = valuePosition(field);
        final ValueEncoding encoding = spec.encoding();
        if (encoding == ValueEncoding.ASCII || encoding == ValueEncoding.HEX || encoding == ValueEncoding.BINARY)
        {
            return buffer.getByte(pos + index);
        }
        if (spec.type() == FieldType.XN)
        {
            if (index == 0)
            {
                return buffer.getByte(pos);
            }
            final int digits = unitsOf(field) - 1;
            return FieldCodec.nibbleChar(FieldCodec.nibble(buffer, pos + 1, index - 1 + FieldCodec.nibbleShift(encoding, digits)));
        }
        final int digits = unitsOf(field);
        return FieldCodec.nibbleChar(FieldCodec.nibble(buffer, pos, index + FieldCodec.nibbleShift(encoding, digits)));
    }

    /**
     * Writes the field's text form into {@code dst}: digits (and '=' or the sign) for numeric fields, the
     * characters of text fields, upper-case hex for binary ones. Returns the bytes written.
     */
    public int getText(final int field, final MutableDirectBuffer dst, final int dstOffset)
    {
        require(field);
        final FieldSpec spec = specs[field];
        final int pos = valuePosition(field);
        final int count = unitsOf(field);
        switch (spec.encoding())
        {
            case ASCII:
            {
                final int bytes = spec.packedLength(count);
                dst.putBytes(dstOffset, buffer, pos, bytes);
                return bytes;
            }
            case HEX:
            {
                final int chars = spec.packedLength(count);
                for (int i = 0; i < chars; i++)
                {
                    dst.putByte(dstOffset + i, upperHex(buffer.getByte(pos + i)));
                }
                return chars;
            }
            case BINARY:
                if (spec.type() == FieldType.B)
                {
                    for (int i = 0; i < count; i++)
                    {
                        final int b = buffer.getByte(pos + i) & 0xFF;
                        dst.putByte(dstOffset + 2 * i, FieldCodec.HEX_DIGITS[b >>> 4]);
                        dst.putByte(dstOffset + 2 * i + 1, FieldCodec.HEX_DIGITS[b & 0x0F]);
                    }
                    return count << 1;
                }
                dst.putBytes(dstOffset, buffer, pos, count);
                return count;
            default:
                if (spec.type() == FieldType.XN)
                {
                    for (int i = 0; i < count; i++)
                    {
                        dst.putByte(dstOffset + i, charAt(field, i));
                    }
                    return count;
                }
                return bcdText(pos, count, FieldCodec.nibbleShift(spec.encoding(), count), dst, dstOffset);
        }
    }

    /**
     * The {@code count} digits of the BCD value at {@code pos} as text, the first {@code shift} nibbles skipped: the
     * field's position and length found once, not once a digit as charAt would, and each byte read once for its two
     * digits.
     */
    private int bcdText(final int pos, final int count, final int shift, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int end = shift + count;
        int n = shift;
        int out = dstOffset;
        if ((n & 1) == 1 && n < end)
        {
            dst.putByte(out++, FieldCodec.nibbleChar(buffer.getByte(pos + (n >> 1)) & 0x0F));
            n++;
        }
        for (; n + 1 < end; n += 2)
        {
            final int b = buffer.getByte(pos + (n >> 1)) & 0xFF;
            dst.putByte(out, FieldCodec.nibbleChar(b >>> 4));
            dst.putByte(out + 1, FieldCodec.nibbleChar(b & 0x0F));
            out += 2;
        }
        if (n < end)
        {
            dst.putByte(out, FieldCodec.nibbleChar((buffer.getByte(pos + (n >> 1)) & 0xFF) >>> 4));
        }
        return count;
    }

    /**
     * Writes a binary field's bytes into {@code dst} (hex-encoded fields are decoded); for other fields, the
     * value bytes as they are on the wire. Returns the bytes written.
     */
    public int getBytes(final int field, final MutableDirectBuffer dst, final int dstOffset)
    {
        require(field);
        final FieldSpec spec = specs[field];
        final int pos = valuePosition(field);
        if (spec.encoding() == ValueEncoding.HEX)
        {
            final int count = unitsOf(field);
            for (int i = 0; i < count; i++)
            {
                final int hi = FieldCodec.hexValue(buffer.getByte(pos + 2 * i));
                final int lo = FieldCodec.hexValue(buffer.getByte(pos + 2 * i + 1));
                dst.putByte(dstOffset + i, (byte)((hi << 4) | lo));
            }
            return count;
        }
        final int bytes = spec.packedLength(unitsOf(field));
        dst.putBytes(dstOffset, buffer, pos, bytes);
        return bytes;
    }

    /**
     * Hex digits may come in lower case (jPOS reads them so); the text form is upper case, as jPOS gives it, so
     * that equal values have equal text whatever case the peer wrote.
     */
    private static byte upperHex(final byte c)
    {
        final int h = FieldCodec.hexValue(c);
        return h < 0 ? c : FieldCodec.HEX_DIGITS[h];
    }

    /** Appends the field's text form (see {@link #getText}) for dumps and logs; never use it for PANs in logs. */
    public StringBuilder appendTo(final int field, final StringBuilder sb)
    {
        require(field);
        final FieldSpec spec = specs[field];
        if (spec.type() == FieldType.B && spec.encoding() == ValueEncoding.BINARY)
        {
            final int pos = valuePosition(field);
            for (int i = 0, n = unitsOf(field); i < n; i++)
            {
                final int b = buffer.getByte(pos + i) & 0xFF;
                sb.append((char)FieldCodec.HEX_DIGITS[b >>> 4]).append((char)FieldCodec.HEX_DIGITS[b & 0x0F]);
            }
            return sb;
        }
        if (spec.encoding() == ValueEncoding.ASCII || spec.encoding() == ValueEncoding.HEX)
        {
            final boolean hex = spec.encoding() == ValueEncoding.HEX;
            final int pos = valuePosition(field);
            for (int i = 0, n = spec.packedLength(unitsOf(field)); i < n; i++)
            {
                final byte c = buffer.getByte(pos + i);
                sb.append((char)((hex ? upperHex(c) : c) & 0xFF));
            }
            return sb;
        }
        for (int i = 0, n = unitsOf(field); i < n; i++)
        {
            sb.append((char)charAt(field, i));
        }
        return sb;
    }

    /** The field's text form as a String. Allocates: for tools, tests and dumps, not the ring. */
    public String getString(final int field)
    {
        return appendTo(field, new StringBuilder()).toString();
    }

    /** A binary field's bytes, or any field's wire value bytes. Allocates: for tools and tests. */
    public byte[] getBytes(final int field)
    {
        require(field);
        final FieldSpec spec = specs[field];
        final byte[] out = new byte[spec.encoding() == ValueEncoding.HEX ? unitsOf(field) : spec.packedLength(unitsOf(field))];
        getBytes(field, new UnsafeBuffer(out), 0);
        return out;
    }

    /**
     * The message as one line, {@code iso87b 0200 2=411111******1111 4=000000001000 ...}, with every field shown
     * as {@link SensitiveData} allows. For logs, tests and tools.
     *
     * <p>A message that does not decode shows the numbers of the fields read before the fault, and no value: one
     * wrong bitmap bit shifts every field after it, so track 2 or a PIN block can sit in what reads as field 41, where
     * no rule would hide it (the journal withholds such a message whole for the same reason).
     */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(64);
        sb.append(dialect.name()).append(' ').append(mti < 0 ? "????" : Mti.toString(mti));
        final boolean decoded = error == DecodeError.NONE;
        for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
        {
            if (has(f))
            {
                sb.append(' ').append(f);
                if (decoded)
                {
                    SensitiveData.appendShowable(this, f, sb.append('='));
                }
            }
        }
        if (!decoded)
        {
            sb.append(" !").append(error).append(" field=").append(errorField).append(" offset=").append(errorOffset)
                .append(" (values not shown: the message does not decode)");
        }
        return sb.toString();
    }

    private void require(final int field)
    {
        if (!has(field))
        {
            throw new IllegalStateException("field " + field + " is not present");
        }
    }
}
