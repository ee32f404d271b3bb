package io.interchange.journal;

import static io.interchange.journal.RecordDescriptor.BYTE_ORDER;
import static io.interchange.journal.RecordDescriptor.MIN_MASKABLE_PAN;
import static io.interchange.journal.RecordDescriptor.SUMMARY_DECODE_ERROR_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_ERROR_FIELD_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_ERROR_OFFSET_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_MESSAGE_LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_MTI_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_FIRST_LENGTH;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_FIRST_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_LAST_LENGTH;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_LAST_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_LENGTH_OFFSET;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Mti;
import org.agrona.DirectBuffer;

/**
 * What the journal kept of a message that did not parse: its bytes were withheld, so this is all there is (the
 * summary in {@link RecordDescriptor}). A flyweight, valid until the record it came from moves on.
 */
public final class WithheldMessage
{
    private static final DecodeError[] ERRORS = DecodeError.values();

    private DirectBuffer buffer;
    private int offset;

    void wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
    }

    /** Length of the message whose bytes were withheld. */
    public int messageLength()
    {
        return buffer.getInt(offset + SUMMARY_MESSAGE_LENGTH_OFFSET, BYTE_ORDER);
    }

    /** The MTI as the int of its digits, or -1 when it could not be read. */
    public int mti()
    {
        return buffer.getShort(offset + SUMMARY_MTI_OFFSET, BYTE_ORDER);
    }

    public DecodeError decodeError()
    {
        final int ordinal = buffer.getByte(offset + SUMMARY_DECODE_ERROR_OFFSET) & 0xFF;
        return ordinal < ERRORS.length ? ERRORS[ordinal] : DecodeError.NONE;
    }

    /** The field at fault: 0 for the MTI, 1 for the bitmap, -1 for the frame as a whole. */
    public int errorField()
    {
        return buffer.getShort(offset + SUMMARY_ERROR_FIELD_OFFSET, BYTE_ORDER);
    }

    /** Byte offset of the fault from the start of the message. */
    public int errorOffset()
    {
        return buffer.getInt(offset + SUMMARY_ERROR_OFFSET_OFFSET, BYTE_ORDER);
    }

    /** Digits of field 2 when it was read before the fault, else 0. */
    public int panLength()
    {
        return buffer.getByte(offset + SUMMARY_PAN_LENGTH_OFFSET) & 0xFF;
    }

    /** The PAN as first six, stars, last four ({@code 476173******0119}); all stars when too short to mask. */
    public StringBuilder appendMaskedPan(final StringBuilder sb)
    {
        final int length = panLength();
        final boolean maskable = length >= MIN_MASKABLE_PAN;
        for (int i = 0; i < length; i++)
        {
            if (maskable && i < SUMMARY_PAN_FIRST_LENGTH)
            {
                sb.append((char)buffer.getByte(offset + SUMMARY_PAN_FIRST_OFFSET + i));
            }
            else if (maskable && i >= length - SUMMARY_PAN_LAST_LENGTH)
            {
                sb.append((char)buffer.getByte(offset + SUMMARY_PAN_LAST_OFFSET + i - (length - SUMMARY_PAN_LAST_LENGTH)));
            }
            else
            {
                sb.append('*');
            }
        }
        return sb;
    }

    /**
     * {@code withheld 57 bytes, MTI 0200, NOT_NUMERIC at field 35 offset 40, PAN 476173******0119}, or for the switch's
     * answer to such a message {@code withheld 61 bytes, MTI 0210, the answer to a message that did not parse}; for an
     * output of no bytes, a link the switch closed with nothing sent on it, {@code nothing sent, the link closed}.
     */
    @Override
    public String toString()
    {
        if (messageLength() == 0)
        {
            // An output of no bytes is no message: the switch closed the link without sending anything on it.
            return "nothing sent, the link closed";
        }
        final StringBuilder sb = new StringBuilder(96).append("withheld ").append(messageLength()).append(" bytes, MTI ");
        final int mti = mti();
        sb.append(mti < 0 ? "????" : Mti.toString(mti)).append(", ");
        if (decodeError() == DecodeError.NONE)
        {
            sb.append("the answer to a message that did not parse");
        }
        else
        {
            sb.append(decodeError()).append(" at field ").append(errorField()).append(" offset ").append(errorOffset());
        }
        if (panLength() > 0)
        {
            appendMaskedPan(sb.append(", PAN "));
        }
        return sb.toString();
    }
}
