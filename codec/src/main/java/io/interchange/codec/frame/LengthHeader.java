package io.interchange.codec.frame;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The length that precedes each message on a stream connection. It counts the bytes that follow it (any
 * TPDU or application header included), never itself.
 *
 * <pre>
 * 2-byte binary (jPOS NACChannel, UnionPay POS)      4-byte ASCII (jPOS ASCIIChannel)
 * +--------+----------------+                        +------------+----------------+
 * | 0x0076 | 118 bytes      |                        | "0118"     | 118 bytes      |
 * +--------+----------------+                        +------------+----------------+
 * </pre>
 */
public enum LengthHeader
{
    /** Two bytes, unsigned big-endian: up to 65,535. */
    BINARY_2(2, 65_535),
    /** Four ASCII decimal digits: up to 9,999. */
    ASCII_4(4, 9_999),
    /** Two bytes of BCD: up to 9,999. */
    BCD_2(2, 9_999);

    private final int size;
    private final int maxLength;

    LengthHeader(final int size, final int maxLength)
    {
        this.size = size;
        this.maxLength = maxLength;
    }

    /** Bytes the header itself takes. */
    public int size()
    {
        return size;
    }

    /** The largest length the header can express. */
    public int maxLength()
    {
        return maxLength;
    }

    /** The length at {@code offset}, or -1 when the header is not well formed. */
    public int read(final DirectBuffer buffer, final int offset)
    {
        switch (this)
        {
            case BINARY_2:
                return ((buffer.getByte(offset) & 0xFF) << 8) | (buffer.getByte(offset + 1) & 0xFF);
            case ASCII_4:
            {
                int value = 0;
                for (int i = 0; i < 4; i++)
                {
                    final int d = buffer.getByte(offset + i) - '0';
                    if (d < 0 || d > 9)
                    {
                        return -1;
                    }
                    value = value * 10 + d;
                }
                return value;
            }
            default:
            {
                int value = 0;
                for (int i = 0; i < 2; i++)
                {
                    final int b = buffer.getByte(offset + i) & 0xFF;
                    if ((b >>> 4) > 9 || (b & 0x0F) > 9)
                    {
                        return -1;
                    }
                    value = value * 100 + (b >>> 4) * 10 + (b & 0x0F);
                }
                return value;
            }
        }
    }

    public void write(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (length < 0 || length > maxLength)
        {
            throw new IllegalArgumentException(name() + " cannot carry a length of " + length);
        }
        switch (this)
        {
            case BINARY_2:
                buffer.putByte(offset, (byte)(length >>> 8));
                buffer.putByte(offset + 1, (byte)length);
                break;
            case ASCII_4:
                buffer.putByte(offset, (byte)('0' + length / 1000));
                buffer.putByte(offset + 1, (byte)('0' + length / 100 % 10));
                buffer.putByte(offset + 2, (byte)('0' + length / 10 % 10));
                buffer.putByte(offset + 3, (byte)('0' + length % 10));
                break;
            default:
                buffer.putByte(offset, (byte)(((length / 1000) << 4) | (length / 100 % 10)));
                buffer.putByte(offset + 1, (byte)(((length / 10 % 10) << 4) | (length % 10)));
                break;
        }
    }
}
