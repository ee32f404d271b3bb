package io.interchange.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * A forward-only look at a message for code that only routes or logs it: the MTI, the STAN (field 11) and
 * where the PAN (field 2) is, without indexing anything after field 11. It checks what it walks through with
 * the same rules as {@link MessageReader}, and stops there.
 */
public final class MessageScanner
{
    private static final int STAN = 11;

    private final Dialect dialect;
    private final FieldSpec[] specs = new FieldSpec[STAN + 1];

    private DirectBuffer buffer;
    private int mti;
    private long stan;
    private int panOffset;
    private int panDigits;
    private DecodeError error = DecodeError.NONE;

    public MessageScanner(final Dialect dialect)
    {
        this.dialect = dialect;
        for (int i = 2; i <= STAN; i++)
        {
            specs[i] = dialect.field(i);
        }
        if (specs[STAN] == null || specs[STAN].type() != FieldType.N)
        {
            throw new IllegalArgumentException(dialect.name() + " has no numeric field 11");
        }
    }

    /** Scans {@code buffer[offset, offset + length)}; afterwards {@link #mti()}, {@link #stan()} and the PAN are known. */
    public DecodeError scan(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mti = -1;
        this.stan = -1;
        this.panOffset = -1;
        this.panDigits = 0;
        this.error = walk(offset, offset + length);
        return error;
    }

    private DecodeError walk(final int offset, final int end)
    {
        int pos = offset;
        final int mtiLength = dialect.mtiLength();
        if (mtiLength > end - pos)
        {
            return DecodeError.TRUNCATED;
        }
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            final int d = dialect.mtiEncoding() == ValueEncoding.ASCII ? buffer.getByte(pos + i) - '0' : FieldCodec.nibble(buffer, pos, i);
            if (d < 0 || d > 9)
            {
                return DecodeError.BAD_MTI;
            }
            value = value * 10 + d;
        }
        mti = value;
        pos += mtiLength;

        final int bitmapLength = dialect.bitmapLength();
        if (bitmapLength > end - pos)
        {
            return DecodeError.TRUNCATED;
        }
        long bitmap = 0;
        if (dialect.bitmapEncoding() == ValueEncoding.BINARY)
        {
            bitmap = buffer.getLong(pos, ByteOrder.BIG_ENDIAN);
        }
        else
        {
            for (int i = 0; i < 16; i++)
            {
                final int h = FieldCodec.hexValue(buffer.getByte(pos + i));
                if (h < 0)
                {
                    return DecodeError.BAD_BITMAP;
                }
                bitmap = (bitmap << 4) | h;
            }
        }
        pos += bitmapLength;
        if (bitmap < 0)
        {
            pos += bitmapLength; // the secondary bitmap names nothing before field 65
            if (pos > end)
            {
                return DecodeError.TRUNCATED;
            }
        }

        for (int field = 2; field <= STAN; field++)
        {
            if ((bitmap & (Long.MIN_VALUE >>> (field - 1))) == 0)
            {
                continue;
            }
            final FieldSpec spec = specs[field];
            if (spec == null)
            {
                return DecodeError.UNDEFINED_FIELD;
            }
            final long result = FieldCodec.decodeField(spec, buffer, pos, end);
            if (result < 0)
            {
                return FieldCodec.errorOf(result);
            }
            final int units = (int)(result >>> 32);
            final int next = (int)result;
            if (field == 2)
            {
                panOffset = next - spec.packedLength(units);
                panDigits = units;
            }
            else if (field == STAN)
            {
                final int valuePos = next - spec.packedLength(units);
                long s = 0;
                for (int i = 0; i < units; i++)
                {
                    s = s * 10 + digit(spec, valuePos, units, i);
                }
                stan = s;
            }
            pos = next;
        }
        return DecodeError.NONE;
    }

    private int digit(final FieldSpec spec, final int valuePos, final int units, final int i)
    {
        if (spec.encoding() == ValueEncoding.ASCII)
        {
            return buffer.getByte(valuePos + i) - '0';
        }
        return FieldCodec.nibble(buffer, valuePos, i + FieldCodec.nibbleShift(spec.encoding(), units));
    }

    public DecodeError error()
    {
        return error;
    }

    /** The MTI, or -1 when it could not be read. */
    public int mti()
    {
        return mti;
    }

    /** The STAN, or -1 when the message has none (or the scan stopped before it). */
    public long stan()
    {
        return stan;
    }

    public boolean hasPan()
    {
        return panOffset >= 0;
    }

    /** Appends the PAN masked to first six and last four digits; nothing when there is none. */
    public StringBuilder appendMaskedPan(final StringBuilder sb)
    {
        if (panOffset < 0)
        {
            return sb;
        }
        final ValueEncoding encoding = specs[2].encoding();
        final int shift = FieldCodec.nibbleShift(encoding, panDigits);
        for (int i = 0; i < panDigits; i++)
        {
            final int d = encoding == ValueEncoding.ASCII ?
                buffer.getByte(panOffset + i) : FieldCodec.nibbleChar(FieldCodec.nibble(buffer, panOffset, i + shift));
            final boolean shown = panDigits >= 13 && (i < 6 || i >= panDigits - 4);
            sb.append(shown ? (char)d : '*');
        }
        return sb;
    }
}
