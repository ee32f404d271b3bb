package io.interchange.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds one ISO 8583 message into a {@link MutableDirectBuffer}. Fields go in ascending order, the order they
 * take on the wire, so each is encoded once in place; {@link #finish} writes the MTI and bitmap and returns the
 * length. Reusable and allocation free in steady state; one instance per thread.
 *
 * <p>Values are given in their text form (digits, characters, or hex for binary fields) or as raw bytes for
 * binary fields, and checked against the spec: a wrong value is a programming error here, so it throws
 * {@link IllegalArgumentException} naming the field.
 */
public final class MessageWriter
{
    /** Enough for the text form of the largest field: 9,999 bytes of binary as hex. */
    private static final int SCRATCH_SIZE = 20_000;

    private final Dialect dialect;
    private final FieldSpec[] specs = new FieldSpec[FieldSpec.MAX_FIELD + 1];
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[SCRATCH_SIZE]);
    private final int headerLength;

    private MutableDirectBuffer buffer;
    private int offset;
    private int position;
    private int mti = -1;
    private int lastField;
    private long primaryBitmap;
    private long secondaryBitmap;
    private boolean secondaryRoom;

    public MessageWriter(final Dialect dialect)
    {
        this.dialect = dialect;
        for (int i = 0; i <= FieldSpec.MAX_FIELD; i++)
        {
            specs[i] = dialect.field(i);
        }
        // Room for the primary bitmap only: most messages have no secondary, and the first field above 64 makes
        // room for it by moving what is written so far, once.
        this.headerLength = dialect.mtiLength() + dialect.bitmapLength();
    }

    public Dialect dialect()
    {
        return dialect;
    }

    /** Starts a message at {@code offset} in {@code buffer}. */
    public MessageWriter wrap(final MutableDirectBuffer buffer, final int offset)
    {
        if (offset < 0 || offset > buffer.capacity() - headerLength)
        {
            throw new IllegalArgumentException("no room for a message at " + offset + " in " + buffer.capacity());
        }
        this.buffer = buffer;
        this.offset = offset;
        this.position = offset + headerLength;
        this.mti = -1;
        this.lastField = 1;
        this.primaryBitmap = 0;
        this.secondaryBitmap = 0;
        this.secondaryRoom = false;
        return this;
    }

    public MessageWriter mti(final int mti)
    {
        if (mti < 0 || mti > 9999)
        {
            throw new IllegalArgumentException("MTI must be 0000-9999: " + mti);
        }
        this.mti = mti;
        return this;
    }

    /** The last field written, 1 when none yet. */
    public int lastField()
    {
        return lastField;
    }

    /** Sets a field from its text form: digits, characters, or hex for binary fields. */
    public MessageWriter putString(final int field, final CharSequence value)
    {
        final FieldSpec text = field >= 2 && field <= FieldSpec.MAX_FIELD ? specs[field] : null;
        if (text != null && text.encoding() == ValueEncoding.ASCII && text.padding() != Padding.ZERO_LEFT &&
            (text.type() == FieldType.AN || text.type() == FieldType.ANS))
        {
            return putChars(field, text, value);
        }
        final int n = value.length();
        if (n > SCRATCH_SIZE)
        {
            throw new IllegalArgumentException("field " + field + ": value too long: " + n);
        }
        for (int i = 0; i < n; i++)
        {
            final char c = value.charAt(i);
            if (c > 0xFF)
            {
                throw new IllegalArgumentException("field " + field + ": character outside ISO-8859-1 at " + i);
            }
            scratch.putByte(i, (byte)c);
        }
        return putText(field, scratch, 0, n);
    }

    /** Text straight into the message: what responses add most (38, 39) needs no staging or digit checks. */
    private MessageWriter putChars(final int field, final FieldSpec spec, final CharSequence value)
    {
        begin(field);
        final int n = value.length();
        checkLength(spec, n, spec.padding() == Padding.SPACE_RIGHT);
        final int units = spec.isFixed() ? spec.maxLength() : n;
        final int valuePos = writePrefix(spec, units);
        for (int i = 0; i < n; i++)
        {
            final char c = value.charAt(i);
            if (c > 0xFF)
            {
                throw new IllegalArgumentException("field " + field + ": character outside ISO-8859-1 at " + i);
            }
            buffer.putByte(valuePos + i, (byte)c);
        }
        for (int i = n; i < units; i++)
        {
            buffer.putByte(valuePos + i, (byte)' ');
        }
        return end(field, valuePos + units);
    }

    /** Sets a numeric field from a non-negative long; a fixed field is zero padded to its length. */
    public MessageWriter putLong(final int field, final long value)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException("field " + field + ": negative value " + value);
        }
        int start = 20;
        long v = value;
        do
        {
            scratch.putByte(--start, (byte)('0' + (v % 10)));
            v /= 10;
        }
        while (v != 0);
        return putText(field, scratch, start, 20 - start);
    }

    /** Sets a field from the ASCII bytes of its text form (as {@link MessageReader#getText} writes them). */
    public MessageWriter putText(final int field, final DirectBuffer src, final int srcOffset, final int length)
    {
        final FieldSpec spec = begin(field);
        if (spec.type() == FieldType.B)
        {
            if ((length & 1) != 0)
            {
                throw new IllegalArgumentException("field " + field + ": odd number of hex digits");
            }
            final int bytes = length >> 1;
            checkLength(spec, bytes, false);
            final int valuePos = writePrefix(spec, bytes);
            if (spec.encoding() == ValueEncoding.HEX)
            {
                for (int i = 0; i < length; i++)
                {
                    final byte c = src.getByte(srcOffset + i);
                    final int h = FieldCodec.hexValue(c);
                    if (h < 0)
                    {
                        throw new IllegalArgumentException("field " + field + ": not hex at " + i);
                    }
                    buffer.putByte(valuePos + i, FieldCodec.HEX_DIGITS[h]);
                }
            }
            else
            {
                for (int i = 0; i < bytes; i++)
                {
                    final int hi = FieldCodec.hexValue(src.getByte(srcOffset + 2 * i));
                    final int lo = FieldCodec.hexValue(src.getByte(srcOffset + 2 * i + 1));
                    if (hi < 0 || lo < 0)
                    {
                        throw new IllegalArgumentException("field " + field + ": not hex at " + (2 * i));
                    }
                    buffer.putByte(valuePos + i, (byte)((hi << 4) | lo));
                }
            }
            return end(field, valuePos + spec.packedLength(bytes));
        }

        checkText(spec, src, srcOffset, length);
        checkLength(spec, length, spec.padding() != Padding.NONE);
        final int units = spec.isFixed() ? spec.maxLength() : length;
        final int valuePos = writePrefix(spec, units);
        int pos = valuePos;
        int from = srcOffset;
        int count = length;
        if (spec.type() == FieldType.XN)
        {
            buffer.putByte(pos++, src.getByte(from++));
            count--;
        }
        final int digits = units - (spec.type() == FieldType.XN ? 1 : 0);
        final int pad = digits - count;
        if (spec.encoding() == ValueEncoding.ASCII)
        {
            if (spec.padding() == Padding.SPACE_RIGHT)
            {
                buffer.putBytes(pos, src, from, count);
                for (int i = count; i < digits; i++)
                {
                    buffer.putByte(pos + i, (byte)' ');
                }
            }
            else
            {
                for (int i = 0; i < pad; i++)
                {
                    buffer.putByte(pos + i, (byte)'0');
                }
                buffer.putBytes(pos + pad, src, from, count);
            }
            pos += digits;
        }
        else
        {
            pos = packBcd(spec.encoding(), src, from, count, pad, pos);
        }
        return end(field, pos);
    }

    /** Packs {@code pad} zeros then {@code count} digit characters as BCD at {@code pos}; returns the end. */
    private int packBcd(final ValueEncoding encoding, final DirectBuffer src, final int from, final int count, final int pad, final int pos)
    {
        final int digits = pad + count;
        final int shift = FieldCodec.nibbleShift(encoding, digits);
        final int bytes = (digits + 1) >> 1;
        final int fill = encoding == ValueEncoding.BCD_RIGHT_F ? 0x0F : 0;
        int current = 0;
        int nibbleIndex = 0;
        for (int i = -shift; i < 2 * bytes - shift; i++)
        {
            final int nibble;
            if (i < 0)
            {
                nibble = 0;
            }
            else if (i >= digits)
            {
                nibble = fill;
            }
            else if (i < pad)
            {
                nibble = 0;
            }
            else
            {
                final byte c = src.getByte(from + i - pad);
                // Hex letters only reach here in a field of FieldType.ZE, whose checkText let them through.
                nibble = c == '=' ? 0x0D : c <= '9' ? c - '0' : FieldCodec.hexValue(c);
            }
            if ((nibbleIndex & 1) == 0)
            {
                current = nibble << 4;
            }
            else
            {
                buffer.putByte(pos + (nibbleIndex >> 1), (byte)(current | nibble));
            }
            nibbleIndex++;
        }
        return pos + bytes;
    }

    /** Sets a binary field from raw bytes; a hex-encoded field is written as hex. */
    public MessageWriter putBytes(final int field, final DirectBuffer src, final int srcOffset, final int length)
    {
        final FieldSpec spec = begin(field);
        if (spec.type() != FieldType.B)
        {
            throw new IllegalArgumentException("field " + field + " is not binary");
        }
        checkLength(spec, length, false);
        final int valuePos = writePrefix(spec, length);
        if (spec.encoding() == ValueEncoding.HEX)
        {
            for (int i = 0; i < length; i++)
            {
                final int b = src.getByte(srcOffset + i) & 0xFF;
                buffer.putByte(valuePos + 2 * i, FieldCodec.HEX_DIGITS[b >>> 4]);
                buffer.putByte(valuePos + 2 * i + 1, FieldCodec.HEX_DIGITS[b & 0x0F]);
            }
        }
        else
        {
            buffer.putBytes(valuePos, src, srcOffset, length);
        }
        return end(field, valuePos + spec.packedLength(length));
    }

    public MessageWriter putBytes(final int field, final byte[] src)
    {
        return putBytes(field, new UnsafeBuffer(src), 0, src.length);
    }

    /**
     * Copies a field from a read message. Between dialects that lay the field out alike it is a byte copy of
     * prefix and value; between a binary field and an an/ans one, the value's bytes; otherwise the value goes
     * through its text form.
     */
    public MessageWriter copy(final MessageReader from, final int field)
    {
        final FieldSpec target = begin(field);
        final FieldSpec source = from.spec(field);
        if (sameLayout(source, target))
        {
            final int length = from.rawLength(field);
            ensure(length);
            buffer.putBytes(position, from.buffer(), from.rawOffset(field), length);
            return end(field, position + length);
        }
        if (target.type() == FieldType.B && source.type() == FieldType.B)
        {
            final int n = from.getBytes(field, scratch, 0);
            return putBytes(field, scratch, 0, n);
        }
        if (target.type() == FieldType.B && isByteText(source) || source.type() == FieldType.B && isByteText(target))
        {
            // A text field one byte a character carries the binary field's bytes, not their hex (ISO 8583:1987 field 55,
            // ans, holds the same BER-TLV bytes as a binary 55).
            final int n = from.getBytes(field, scratch, 0);
            return target.type() == FieldType.B ? putBytes(field, scratch, 0, n) : putText(field, scratch, 0, n);
        }
        final int n = from.getText(field, scratch, 0);
        return putText(field, scratch, 0, n);
    }

    /**
     * Appends fields that a writer of this dialect has already encoded: {@code fields} names them in the primary
     * bitmap's word (field 2 in bit 62, field 1 never), and {@code src[srcOffset, srcOffset + length)} holds them back
     * to back as that writer wrote them ({@link #fieldsOffset} and {@link #length} say where). A message sent with
     * fields that the one kept must not hold is then encoded once: the kept one first, the other from its bytes.
     */
    public MessageWriter putWritten(final long fields, final DirectBuffer src, final int srcOffset, final int length)
    {
        if (fields == 0 || fields < 0)
        {
            if (fields == 0 && length == 0)
            {
                return this;
            }
            throw new IllegalArgumentException("fields 2-64 of the primary bitmap, with their bytes: " + Long.toHexString(fields) + ", " + length + " bytes");
        }
        copyRun(Long.numberOfLeadingZeros(fields) + 1, 64 - Long.numberOfTrailingZeros(fields), fields, 0, src, srcOffset, length);
        return this;
    }

    /** The primary-bitmap fields written so far (field 2 in bit 62), for {@link #putWritten}. */
    public long primaryFields()
    {
        return primaryBitmap & Long.MAX_VALUE;
    }

    /** Where the fields begin, from the wrap offset: after the MTI and the bitmaps' room, for {@link #putWritten}. */
    public int fieldsOffset()
    {
        return headerLength + (secondaryRoom ? dialect.bitmapLength() : 0);
    }

    /** Bytes from the wrap offset to the end of the last field written, for {@link #putWritten}. */
    public int length()
    {
        return position - offset;
    }

    /**
     * Appends fields {@code first} to {@code last}, those named in the two bitmaps, as they lie back to back in
     * {@code src}: a run of echoed fields then costs one copy. Each must have the {@link #sameLayout} here.
     */
    void copyRun(
        final int first, final int last, final long primary, final long secondary, final DirectBuffer src, final int srcOffset, final int length)
    {
        begin(first);
        ensure(length);
        buffer.putBytes(position, src, srcOffset, length);
        position += length;
        lastField = last;
        primaryBitmap |= primary;
        secondaryBitmap |= secondary;
    }

    /**
     * Appends the fields of {@code from}, a message of this writer's dialect, after {@link #lastField} and up to
     * {@code to} that it has and the two words keep (field 1 in the sign bit of {@code keepPrimary}, 65 in that of
     * {@code keepSecondary}): the bytes {@link #copy} would write field by field, but each run of kept fields that lie
     * back to back in {@code from} in one copy. Only a field {@code from} has and the words do not keep ends a run.
     */
    public MessageWriter copyKept(final MessageReader from, final int to, final long keepPrimary, final long keepSecondary)
    {
        if (from.dialect() != dialect)
        {
            throw new IllegalArgumentException("a message of " + from.dialect().name() + " is not copied byte for byte into " + dialect.name());
        }
        final int first = lastField + 1;
        final int last = Math.min(to, FieldSpec.MAX_FIELD);
        if (first <= 64 && first <= last)
        {
            copyKeptWord(from, 0, from.decodedPrimary(), keepPrimary, first, Math.min(last, 64));
        }
        if (last >= 65 && first <= last)
        {
            copyKeptWord(from, 64, from.decodedSecondary(), keepSecondary, Math.max(first, 65), last);
        }
        return this;
    }

    /** {@link #copyKept} for the fields {@code from..to} of one bitmap word, {@code base} 0 or 64. */
    private void copyKeptWord(final MessageReader reader, final int base, final long present, final long keep, final int from, final int to)
    {
        final long range = (-1L >>> (from - base - 1)) & ~((Long.MIN_VALUE >>> (to - base - 1)) - 1);
        long todo = present & keep & range;
        final long stops = present & ~keep;
        while (todo != 0)
        {
            final int leading = Long.numberOfLeadingZeros(todo);
            final long bit = Long.MIN_VALUE >>> leading;
            // The run goes from this field to the last kept one before the next stop (the highest of the lower bits).
            final long after = stops & (bit - 1);
            final long stop = Long.highestOneBit(after);
            final long run = after == 0 ? todo : todo & ~(stop | (stop - 1));
            final int first = base + leading + 1;
            final int last = base + Long.SIZE - Long.numberOfTrailingZeros(run);
            final int start = reader.rawStart(first);
            copyRun(first, last, base == 0 ? run : 0, base == 0 ? 0 : run, reader.buffer(), start, reader.rawEnd(last) - start);
            todo &= ~run;
        }
    }

    /** An an or ans field of one byte a character: what a binary field's bytes go into as they are. */
    private static boolean isByteText(final FieldSpec spec)
    {
        return (spec.type() == FieldType.AN || spec.type() == FieldType.ANS) && spec.encoding() == ValueEncoding.ASCII;
    }

    /** True when a field goes from one spec to the other byte for byte. */
    static boolean sameLayout(final FieldSpec a, final FieldSpec b)
    {
        return a == b || (a.type() == b.type() && a.maxLength() == b.maxLength() &&
            a.prefixDigits() == b.prefixDigits() && a.lengthEncoding() == b.lengthEncoding() &&
            a.encoding() == b.encoding());
    }

    /** Completes the message: MTI and bitmaps. Returns its length in bytes from the wrap offset. */
    public int finish()
    {
        if (mti < 0)
        {
            throw new IllegalStateException("MTI not set");
        }
        int pos = offset;
        if (dialect.mtiEncoding() == ValueEncoding.ASCII)
        {
            buffer.putByte(pos, (byte)('0' + mti / 1000));
            buffer.putByte(pos + 1, (byte)('0' + mti / 100 % 10));
            buffer.putByte(pos + 2, (byte)('0' + mti / 10 % 10));
            buffer.putByte(pos + 3, (byte)('0' + mti % 10));
        }
        else
        {
            buffer.putByte(pos, (byte)(((mti / 1000) << 4) | (mti / 100 % 10)));
            buffer.putByte(pos + 1, (byte)(((mti / 10 % 10) << 4) | (mti % 10)));
        }
        pos += dialect.mtiLength();
        if (secondaryRoom)
        {
            writeBitmap(pos, primaryBitmap | Long.MIN_VALUE);
            writeBitmap(pos + dialect.bitmapLength(), secondaryBitmap);
        }
        else
        {
            writeBitmap(pos, primaryBitmap);
        }
        return position - offset;
    }

    private void writeBitmap(final int pos, final long bitmap)
    {
        if (dialect.bitmapEncoding() == ValueEncoding.BINARY)
        {
            buffer.putLong(pos, bitmap, ByteOrder.BIG_ENDIAN);
            return;
        }
        for (int i = 0; i < 16; i++)
        {
            buffer.putByte(pos + i, FieldCodec.HEX_DIGITS[(int)(bitmap >>> (60 - 4 * i)) & 0x0F]);
        }
    }

    private FieldSpec begin(final int field)
    {
        if (buffer == null)
        {
            throw new IllegalStateException("wrap a buffer first");
        }
        if (field <= lastField || field > FieldSpec.MAX_FIELD)
        {
            throw new IllegalStateException("field " + field + " after field " + lastField + ": fields go in ascending order, 2.." + FieldSpec.MAX_FIELD);
        }
        final FieldSpec spec = specs[field];
        if (spec == null)
        {
            throw new IllegalArgumentException("field " + field + " is not defined in " + dialect.name());
        }
        if (field > 64 && !secondaryRoom)
        {
            final int bitmapLength = dialect.bitmapLength();
            final int fieldsStart = offset + headerLength;
            ensure(bitmapLength);
            buffer.putBytes(fieldsStart + bitmapLength, buffer, fieldsStart, position - fieldsStart);
            position += bitmapLength;
            secondaryRoom = true;
        }
        return spec;
    }

    private MessageWriter end(final int field, final int newPosition)
    {
        position = newPosition;
        lastField = field;
        if (field <= 64)
        {
            primaryBitmap |= Long.MIN_VALUE >>> (field - 1);
        }
        else
        {
            secondaryBitmap |= Long.MIN_VALUE >>> (field - 65);
        }
        return this;
    }

    /** Writes the length prefix for {@code units}; returns where the value goes. Checks the buffer has room. */
    private int writePrefix(final FieldSpec spec, final int units)
    {
        final int prefixLength = spec.prefixLength();
        ensure(prefixLength + spec.packedLength(units));
        switch (spec.lengthEncoding())
        {
            case ASCII:
            {
                int v = units;
                for (int i = prefixLength - 1; i >= 0; i--)
                {
                    buffer.putByte(position + i, (byte)('0' + v % 10));
                    v /= 10;
                }
                break;
            }
            case BCD:
            {
                int v = units;
                for (int i = prefixLength - 1; i >= 0; i--)
                {
                    final int lo = v % 10;
                    v /= 10;
                    final int hi = v % 10;
                    v /= 10;
                    buffer.putByte(position + i, (byte)((hi << 4) | lo));
                }
                break;
            }
            case BINARY:
            {
                int v = units;
                for (int i = prefixLength - 1; i >= 0; i--)
                {
                    buffer.putByte(position + i, (byte)v);
                    v >>>= 8;
                }
                break;
            }
            default:
                break;
        }
        return position + prefixLength;
    }

    private void ensure(final int bytes)
    {
        if (bytes > buffer.capacity() - position)
        {
            throw new IllegalStateException("message does not fit its buffer: " + (position + bytes - offset) + " bytes");
        }
    }

    private static void checkLength(final FieldSpec spec, final int units, final boolean mayPad)
    {
        if (units > spec.maxLength())
        {
            throw new IllegalArgumentException("field " + spec.id() + ": length " + units + " above " + spec.maxLength());
        }
        if (spec.isFixed() && units != spec.maxLength() && !mayPad)
        {
            throw new IllegalArgumentException("field " + spec.id() + ": fixed length " + spec.maxLength() + ", got " + units);
        }
    }

    private static void checkText(final FieldSpec spec, final DirectBuffer src, final int from, final int length)
    {
        final FieldType type = spec.type();
        if (type == FieldType.AN || type == FieldType.ANS)
        {
            return;
        }
        int i = 0;
        if (type == FieldType.XN)
        {
            if (length < 1 || (src.getByte(from) != 'C' && src.getByte(from) != 'D'))
            {
                throw new IllegalArgumentException("field " + spec.id() + ": an amount starts with C or D");
            }
            i = 1;
        }
        for (; i < length; i++)
        {
            final byte c = src.getByte(from + i);
            if ((c < '0' || c > '9') && !(type.isTrack() && c == '=') && !(type == FieldType.ZE && FieldCodec.hexValue(c) >= 0))
            {
                // Not the character itself where the field is card data: the message may reach a log.
                final String shown = SensitiveData.isPan(spec.id()) || SensitiveData.isProtected(spec) ? "a character" : "'" + (char)(c & 0xFF) + "'";
                throw new IllegalArgumentException("field " + spec.id() + ": " + shown + " at " + i + " is not allowed in " + type);
            }
        }
    }
}
