package io.interchange.codec.frame;

import java.util.Objects;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * How messages are cut out of a byte stream: a {@link LengthHeader}, then an optional fixed header (a TPDU and
 * application header for UnionPay POS), then the ISO 8583 message. Knows nothing of sockets: the engine's
 * Netty decoder asks {@link #frameLength} how much of its input makes one frame.
 *
 * <pre>
 * UnionPay POS:
 * +--------+----------------+-------------------+---------------------+
 * | length | TPDU (5)       | app header (6)    | ISO 8583 message    |
 * | 2 bin  | 60 0002 0000   | 60 31 00 31 07 01 | MTI, bitmap, fields |
 * +--------+----------------+-------------------+---------------------+
 *          |<---------------- length counts these bytes ------------->|
 * </pre>
 *
 * A declared length above {@link #maxFrameLength} is refused before anything is buffered for it.
 *
 * @param lengthHeader   the length prefix.
 * @param headerLength   bytes of fixed header between the length and the message (0 for none).
 * @param maxFrameLength the largest length accepted, header included; at most what the length header can say.
 */
public record Framing(LengthHeader lengthHeader, int headerLength, int maxFrameLength)
{
    /** Too few bytes yet to know or hold the frame. */
    public static final int NEED_MORE = 0;
    /** The length header is not a number. */
    public static final int BAD_LENGTH = -1;
    /** The declared length is above the maximum. */
    public static final int TOO_LONG = -2;
    /** The declared length cannot hold the fixed header and an MTI. */
    public static final int TOO_SHORT = -3;

    /** The largest ISO 8583 message we expect: 128 fields, most of them short. */
    public static final int DEFAULT_MAX = 8_192;

    /** 2-byte binary length, no header: jPOS NACChannel without a TPDU, most host links. */
    public static final Framing BINARY_2 = new Framing(LengthHeader.BINARY_2, 0, DEFAULT_MAX);
    /** 4-byte ASCII length, no header: jPOS ASCIIChannel. */
    public static final Framing ASCII_4 = new Framing(LengthHeader.ASCII_4, 0, DEFAULT_MAX);
    /** UnionPay POS: 2-byte binary length, 5-byte TPDU, 6-byte application header. */
    public static final Framing UNIONPAY_POS = new Framing(LengthHeader.BINARY_2, Tpdu.LENGTH + 6, DEFAULT_MAX);

    public Framing
    {
        Objects.requireNonNull(lengthHeader, "lengthHeader");
        if (headerLength < 0)
        {
            throw new IllegalArgumentException("header length must be >= 0: " + headerLength);
        }
        if (maxFrameLength <= headerLength || maxFrameLength > lengthHeader.maxLength())
        {
            throw new IllegalArgumentException("max frame length must be above the header and at most " + lengthHeader.maxLength() + ": " + maxFrameLength);
        }
    }

    /**
     * Looks at the {@code available} bytes from {@code offset}: the whole frame's size (length header included)
     * when it is all there (the length header's alone for a {@link #keepAlive}), {@link #NEED_MORE}, or a negative
     * code ({@link #BAD_LENGTH}, {@link #TOO_LONG}, {@link #TOO_SHORT}) after which the stream cannot be trusted and the
     * link should close.
     */
    public int frameLength(final DirectBuffer buffer, final int offset, final int available)
    {
        final int size = lengthHeader.size();
        if (available < size)
        {
            return NEED_MORE;
        }
        final int declared = lengthHeader.read(buffer, offset);
        if (declared < 0)
        {
            return BAD_LENGTH;
        }
        if (declared > maxFrameLength)
        {
            return TOO_LONG;
        }
        if (declared == 0)
        {
            return size; // a keep-alive (see keepAlive)
        }
        if (declared < headerLength + 2)
        {
            return TOO_SHORT;
        }
        return available - size >= declared ? size + declared : NEED_MORE;
    }

    /**
     * Whether a frame {@link #frameLength} measured is a keep-alive: a length header of zero and nothing after it,
     * which jPOS channels send on an idle link (BaseChannel.sendKeepAlive) and skip when they read one. It holds no
     * message: skip its bytes (it still shows the link is alive) and read on.
     */
    public boolean keepAlive(final int frameLength)
    {
        return frameLength == lengthHeader.size();
    }

    /** Where the ISO message starts in a frame that starts at {@code frameOffset}. */
    public int messageOffset(final int frameOffset)
    {
        return frameOffset + lengthHeader.size() + headerLength;
    }

    /** The ISO message's length in a frame of {@code frameLength} bytes (as returned by {@link #frameLength}). */
    public int messageLength(final int frameLength)
    {
        return frameLength - lengthHeader.size() - headerLength;
    }

    /** Writes the length header for a message of {@code messageLength} bytes; the fixed header is the caller's. */
    public void writeLength(final MutableDirectBuffer buffer, final int frameOffset, final int messageLength)
    {
        final int length = headerLength + messageLength;
        if (length > maxFrameLength)
        {
            throw new IllegalArgumentException("frame of " + length + " bytes is above the maximum " + maxFrameLength);
        }
        lengthHeader.write(buffer, frameOffset, length);
    }
}
