package io.interchange.journal;

import static io.interchange.journal.RecordDescriptor.BYTE_ORDER;
import static io.interchange.journal.RecordDescriptor.CHECKED_OFFSET;
import static io.interchange.journal.RecordDescriptor.CHECKSUM_OFFSET;
import static io.interchange.journal.RecordDescriptor.DECISION_LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.DECISION_OFFSET;
import static io.interchange.journal.RecordDescriptor.EVENT_TYPE_OFFSET;
import static io.interchange.journal.RecordDescriptor.FLAGS_OFFSET;
import static io.interchange.journal.RecordDescriptor.FLAG_INPUT;
import static io.interchange.journal.RecordDescriptor.FLAG_WAITED;
import static io.interchange.journal.RecordDescriptor.HEADER_LENGTH;
import static io.interchange.journal.RecordDescriptor.LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.LINK_ID_OFFSET;
import static io.interchange.journal.RecordDescriptor.MAX_DECISION_LENGTH;
import static io.interchange.journal.RecordDescriptor.MAX_OUTPUTS;
import static io.interchange.journal.RecordDescriptor.OLDEST_READABLE_VERSION;
import static io.interchange.journal.RecordDescriptor.OUTPUT_COUNT_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_BODY_LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_DIALECT_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_FLAGS_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_HEADER_LENGTH;
import static io.interchange.journal.RecordDescriptor.PART_ICC_WITHHELD;
import static io.interchange.journal.RecordDescriptor.PART_LINK_ID_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_PAN;
import static io.interchange.journal.RecordDescriptor.PART_PAN_FROM_TRACK;
import static io.interchange.journal.RecordDescriptor.PART_PAN_LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_PAN_SHARED;
import static io.interchange.journal.RecordDescriptor.PART_WITHHELD;
import static io.interchange.journal.RecordDescriptor.SEQUENCE_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_LENGTH;
import static io.interchange.journal.RecordDescriptor.TIMESTAMP_OFFSET;
import static io.interchange.journal.RecordDescriptor.VERSION;
import static io.interchange.journal.RecordDescriptor.VERSION_OFFSET;
import static io.interchange.journal.RecordDescriptor.WAIT_LENGTH;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.zip.CRC32C;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.SensitiveData;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One journal record as read back ({@link RecordDescriptor}): a flyweight over a copy of the record, reused by its
 * {@link JournalReader} for every record, so valid until the reader moves on.
 *
 * <p>A record's messages are its parts: {@link #INPUT} and {@link #output}{@code (i)}. A part's message is kept
 * stripped (no PAN, track data, PIN block or sensitive ICC tags); {@link #restoreMessage} puts field 2 back, which
 * is what replay feeds the switch. A swipe's PAN, read from track 2, is sealed too but not made a field.
 *
 * <p>A record whose checksum does not hold is corrupt: its header fields are shown as they are, for the report,
 * and every part accessor throws {@link IllegalStateException}, so nothing of it can be replayed.
 */
public final class JournalRecord
{
    /** The part that holds the input message. */
    public static final int INPUT = 0;
    private static final int MAX_PARTS = 1 + MAX_OUTPUTS;
    /** The first layout whose outputs may share the input's sealed PAN. */
    private static final int SHARED_PAN_VERSION = 3;
    /** The first layout that may keep a wait after the decision. */
    private static final int WAIT_VERSION = 4;

    private final Dialect[] dialects;
    private final MessageReader[] readers;
    private final MessageWriter[] writers;
    private final PanCipher pans;
    private final CRC32C crc = new CRC32C();
    private final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer(4096);
    private final UnsafeBuffer pan = new UnsafeBuffer(new byte[PanCipher.MAX_PAN_LENGTH]);
    private final int[] parts = new int[MAX_PARTS];
    private final WithheldMessage withheld = new WithheldMessage();

    private long index;
    private int cycle;
    private int length;
    private boolean checksumValid;

    JournalRecord(final Dialect[] dialects, final PanCipher pans)
    {
        this.dialects = dialects;
        this.pans = pans;
        this.readers = new MessageReader[dialects.length];
        this.writers = new MessageWriter[dialects.length];
        for (int i = 0; i < dialects.length; i++)
        {
            readers[i] = new MessageReader(dialects[i]);
            writers[i] = new MessageWriter(dialects[i]);
        }
    }

    /** The part that holds output {@code i}, 0 to 7. */
    public static int output(final int i)
    {
        return 1 + i;
    }

    /** Copies the document at {@code index} in queue cycle {@code cycle} and checks it. */
    void copy(final long index, final int cycle, final Bytes<?> document)
    {
        this.index = index;
        this.cycle = cycle;
        final int n = (int)document.readRemaining();
        // Zeros after a short record keep the header readable, however little of it there is.
        bytes.checkLimit(Math.max(n, HEADER_LENGTH));
        document.read(bytes.byteArray(), 0, n);
        if (n < HEADER_LENGTH)
        {
            bytes.setMemory(n, HEADER_LENGTH - n, (byte)0);
        }
        length = n;
        check();
    }

    private void check()
    {
        Arrays.fill(parts, -1);
        checksumValid = false;
        if (length < HEADER_LENGTH || bytes.getInt(LENGTH_OFFSET, BYTE_ORDER) != length)
        {
            return;
        }
        crc.reset();
        crc.update(bytes.byteArray(), CHECKED_OFFSET, length - CHECKED_OFFSET);
        if ((int)crc.getValue() != bytes.getInt(CHECKSUM_OFFSET, BYTE_ORDER))
        {
            return;
        }
        checksumValid = true;
        final int version = bytes.getByte(VERSION_OFFSET) & 0xFF;
        if (version < OLDEST_READABLE_VERSION || version > VERSION)
        {
            throw new IllegalStateException("record " + index + " is of layout version " + version + "; this reader knows " +
                OLDEST_READABLE_VERSION + " to " + VERSION);
        }
        // The checksum holds, so the layout is the writer's: a part table that does not add up is a bug, not damage.
        if (decisionLength() > MAX_DECISION_LENGTH || outputCount() > MAX_OUTPUTS)
        {
            throw malformed();
        }
        if (waited() && version < WAIT_VERSION)
        {
            throw malformed();
        }
        int position = DECISION_OFFSET + decisionLength() + (waited() ? WAIT_LENGTH : 0);
        int part = hasInput() ? INPUT : output(0);
        final int last = output(outputCount() - 1);
        for (; part <= last && position <= length - PART_HEADER_LENGTH; part++)
        {
            parts[part] = position;
            if ((flags(position) & PART_PAN_SHARED) != 0 && (version < SHARED_PAN_VERSION || !sharesInputPan(part, position)))
            {
                throw malformed();
            }
            position += PART_HEADER_LENGTH + RecordDescriptor.sealedPanLength(flags(position), panDigits(position)) + bodyLength(position);
        }
        if (part <= last || position != length)
        {
            throw malformed();
        }
    }

    /** A part that shares the input's PAN must be an output, with P set, of a record whose input holds a sealed PAN as long. */
    private boolean sharesInputPan(final int part, final int at)
    {
        final int input = parts[INPUT];
        return part != INPUT && (flags(at) & PART_PAN) != 0 && input >= 0 &&
            (flags(input) & (PART_PAN | PART_PAN_SHARED)) == PART_PAN && panDigits(input) == panDigits(at);
    }

    private IllegalStateException malformed()
    {
        return new IllegalStateException("record " + index + " has a valid checksum but its parts do not add up to its " + length + " bytes");
    }

    /** The record's queue index: where {@link JournalReader#toIndex} finds it again. */
    public long index()
    {
        return index;
    }

    /** The business day the record is journaled in, its queue cycle (see {@link CycleClock}). */
    public LocalDate businessDay()
    {
        return LocalDate.ofEpochDay(cycle);
    }

    /** False when the record's bytes are not those written: it is reported, never replayed. */
    public boolean checksumValid()
    {
        return checksumValid;
    }

    /** The record's bytes: {@link #decisionOffset} and {@link #messageOffset} index into it. */
    public DirectBuffer buffer()
    {
        return bytes;
    }

    /** Bytes in the record as stored. */
    public int length()
    {
        return length;
    }

    public long sequence()
    {
        return bytes.getLong(SEQUENCE_OFFSET, BYTE_ORDER);
    }

    public int eventType()
    {
        return bytes.getByte(EVENT_TYPE_OFFSET) & 0xFF;
    }

    public long timestampNanos()
    {
        return bytes.getLong(TIMESTAMP_OFFSET, BYTE_ORDER);
    }

    /** The link the input came from, -1 for none. */
    public int linkId()
    {
        return bytes.getInt(LINK_ID_OFFSET, BYTE_ORDER);
    }

    public int decisionOffset()
    {
        return DECISION_OFFSET;
    }

    public int decisionLength()
    {
        return bytes.getByte(DECISION_LENGTH_OFFSET) & 0xFF;
    }

    public boolean hasInput()
    {
        return (bytes.getByte(FLAGS_OFFSET) & FLAG_INPUT) != 0;
    }

    /**
     * How long the event's request waited between its link reading it and the switch taking it up, microseconds, as
     * the switch judged it ({@link JournalEntry#waitMicros}); 0 when the record keeps none: it waited less than
     * {@link JournalEntry#MIN_WAIT_MICROS}, was not a request from a link, or was journaled before version 4.
     */
    public int waitMicros()
    {
        return waited() ? bytes.getInt(DECISION_OFFSET + decisionLength(), BYTE_ORDER) : 0;
    }

    private boolean waited()
    {
        return (bytes.getByte(FLAGS_OFFSET) & FLAG_WAITED) != 0;
    }

    public int outputCount()
    {
        return bytes.getByte(OUTPUT_COUNT_OFFSET) & 0xFF;
    }

    /** Index into the journal's dialect table of the part's message. */
    public int dialectId(final int part)
    {
        return bytes.getShort(at(part) + PART_DIALECT_OFFSET, BYTE_ORDER);
    }

    /** The link the part's message came from or went to, -1 for none. */
    public int linkId(final int part)
    {
        return bytes.getInt(at(part) + PART_LINK_ID_OFFSET, BYTE_ORDER);
    }

    /** True when the message did not parse and only its {@link #withheld} summary was kept. */
    public boolean isWithheld(final int part)
    {
        return (flags(at(part)) & PART_WITHHELD) != 0;
    }

    /** True when field 55 was left out of the message because it was not BER-TLV. */
    public boolean isIccWithheld(final int part)
    {
        return (flags(at(part)) & PART_ICC_WITHHELD) != 0;
    }

    /** The summary of a withheld message; the flyweight is shared by all parts of all records. */
    public WithheldMessage withheld(final int part)
    {
        final int at = at(part);
        if ((flags(at) & PART_WITHHELD) == 0 || bodyLength(at) != SUMMARY_LENGTH)
        {
            throw new IllegalStateException("part " + part + " of record " + index + " was not withheld");
        }
        withheld.wrap(bytes, bodyOffset(at));
        return withheld;
    }

    /** Where in {@link #buffer} the part's stripped message starts (MTI onwards). */
    public int messageOffset(final int part)
    {
        return bodyOffset(message(part));
    }

    /** Bytes in the part's stripped message. */
    public int messageLength(final int part)
    {
        return bodyLength(message(part));
    }

    /** True when the message carried a PAN, in field 2 or in track 2, which the record holds encrypted. */
    public boolean hasPan(final int part)
    {
        return (flags(at(part)) & PART_PAN) != 0;
    }

    /**
     * True when the part's PAN was read from track 2, the message having no field 2 (a swipe): {@link #restoreMessage}
     * then gives no field 2 back, and {@link #decryptPan} is the only way to the card number.
     */
    public boolean isPanFromTrack(final int part)
    {
        return (flags(at(part)) & (PART_PAN | PART_PAN_FROM_TRACK)) == (PART_PAN | PART_PAN_FROM_TRACK);
    }

    /** Digits in the message's PAN, 0 when it had none. */
    public int panLength(final int part)
    {
        final int at = at(part);
        return (flags(at) & PART_PAN) != 0 ? panDigits(at) : 0;
    }

    /**
     * Decrypts the part's PAN into {@code dst} as ASCII digits; returns how many. Throws
     * {@link IllegalStateException} when it does not authenticate under the reader's key.
     */
    public int decryptPan(final int part, final MutableDirectBuffer dst, final int offset)
    {
        final int at = pan(part);
        final int n = pans.open(bytes, at + PART_HEADER_LENGTH, panDigits(at), dst, offset);
        if (n < 0)
        {
            throw new IllegalStateException("the PAN of part " + part + " of record 0x" + Long.toHexString(index) + " does not decrypt under this key");
        }
        return n;
    }

    /** Copies the PAN's 16-byte look-up hash into {@code dst}; returns 16. See {@link JournalReader#panHash}. */
    public int panHash(final int part, final MutableDirectBuffer dst, final int offset)
    {
        dst.putBytes(offset, bytes, pan(part) + PART_HEADER_LENGTH, PanCipher.HASH_LENGTH);
        return PanCipher.HASH_LENGTH;
    }

    /** True when the part's PAN has the look-up hash at {@code hash[offset, +16)}. */
    public boolean panHashEquals(final int part, final DirectBuffer hash, final int offset)
    {
        final int at = pan(part) + PART_HEADER_LENGTH;
        return bytes.getLong(at) == hash.getLong(offset) && bytes.getLong(at + Long.BYTES) == hash.getLong(offset + Long.BYTES);
    }

    /**
     * Rebuilds the part's message into {@code dst} with its PAN decrypted and put back as field 2; returns its
     * length. The fields the journal never holds (34, 35, 36, 45, 52, sensitive ICC tags) stay absent. This is
     * what replay feeds the switch.
     *
     * <p>A PAN read from track 2 ({@link #isPanFromTrack}) is not made into a field 2 the message never had: the
     * switch echoes field 2 in its answers, so a replay fed one would answer with bytes the terminal never got.
     * Replay hands the switch that PAN apart ({@link #decryptPan}).
     */
    public int restoreMessage(final int part, final MutableDirectBuffer dst, final int offset)
    {
        final int at = message(part);
        final int dialectId = dialectId(part);
        final MessageReader reader = readers[dialectId];
        if (reader.wrap(bytes, bodyOffset(at), bodyLength(at)) != DecodeError.NONE)
        {
            throw new IllegalStateException("part " + part + " of record " + index + " does not parse as " + dialects[dialectId].name() + ": " + reader);
        }
        final MessageWriter writer = writers[dialectId].wrap(dst, offset).mti(reader.mti());
        if ((flags(at) & (PART_PAN | PART_PAN_FROM_TRACK)) == PART_PAN)
        {
            final int n = decryptPan(part, pan, 0);
            writer.putText(SensitiveData.PAN, pan, 0, n);
            pan.setMemory(0, n, (byte)0);
        }
        for (int f = 3; f <= FieldSpec.MAX_FIELD; f++)
        {
            if (reader.has(f))
            {
                writer.copy(reader, f);
            }
        }
        return writer.finish();
    }

    /**
     * {@code record 0x502a00000001 seq 42 type 1 2026-03-10T14:00:00Z link 3: in iso87b 0200 PAN, out iso87b 0210 PAN}, with
     * {@code waited 6000000 us} after the link when the record keeps a wait.
     */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(128).append("record 0x").append(Long.toHexString(index))
            .append(" seq ").append(sequence()).append(" type ").append(eventType())
            .append(' ').append(Instant.EPOCH.plusNanos(timestampNanos())).append(" link ").append(linkId());
        if (checksumValid && waitMicros() > 0)
        {
            sb.append(" waited ").append(waitMicros()).append(" us");
        }
        if (!checksumValid)
        {
            return sb.append(": CORRUPT, checksum does not hold").toString();
        }
        sb.append(':');
        for (int part = INPUT; part < MAX_PARTS; part++)
        {
            if (parts[part] < 0)
            {
                continue;
            }
            sb.append(part == INPUT ? " in " : " out ").append(dialects[dialectId(part)].name()).append(' ');
            if (isWithheld(part))
            {
                sb.append(withheld(part));
            }
            else
            {
                final int mti = readers[dialectId(part)].wrap(bytes, messageOffset(part), messageLength(part)) == DecodeError.NONE ?
                    readers[dialectId(part)].mti() : -1;
                sb.append(mti < 0 ? "????" : Mti.toString(mti)).append(isPanFromTrack(part) ? " PAN from track 2" : hasPan(part) ? " PAN" : "");
            }
        }
        return sb.toString();
    }

    private int message(final int part)
    {
        final int at = at(part);
        if ((flags(at) & PART_WITHHELD) != 0)
        {
            throw new IllegalStateException("part " + part + " of record " + index + " did not parse: its bytes were withheld");
        }
        return at;
    }

    /** Where the part whose header is followed by the part's sealed PAN starts: the part's own, or the input's it shares. */
    private int pan(final int part)
    {
        final int at = at(part);
        if ((flags(at) & PART_PAN) == 0)
        {
            throw new IllegalStateException("part " + part + " of record " + index + " has no PAN");
        }
        return (flags(at) & PART_PAN_SHARED) != 0 ? parts[INPUT] : at;
    }

    private int at(final int part)
    {
        requireValid();
        if (part < 0 || part >= MAX_PARTS || parts[part] < 0)
        {
            throw new IllegalArgumentException("record " + index + " has no part " + part);
        }
        return parts[part];
    }

    private void requireValid()
    {
        if (!checksumValid)
        {
            throw new IllegalStateException("record " + index + " is corrupt: its checksum does not hold");
        }
    }

    private int flags(final int at)
    {
        return bytes.getByte(at + PART_FLAGS_OFFSET) & 0xFF;
    }

    private int panDigits(final int at)
    {
        return bytes.getByte(at + PART_PAN_LENGTH_OFFSET) & 0xFF;
    }

    private int bodyLength(final int at)
    {
        return bytes.getInt(at + PART_BODY_LENGTH_OFFSET, BYTE_ORDER);
    }

    private int bodyOffset(final int at)
    {
        return at + PART_HEADER_LENGTH + RecordDescriptor.sealedPanLength(flags(at), panDigits(at));
    }
}
