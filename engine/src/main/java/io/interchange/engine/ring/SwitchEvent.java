package io.interchange.engine.ring;

import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.journal.JournalEntry;
import io.interchange.journal.JournalRecord;

/**
 * One ring slot, allocated once and reused for every event that passes through it. A link copies a frame in
 * ({@link #frame()}); the decode handler indexes it ({@link #reader()}); the switch handler writes its decision
 * and the frames to send ({@link #beginOutput}); the journal appends all of it; egress sends the outputs.
 *
 * <pre>
 * frame buffer:   | fixed header (TPDU + app header), headerLength | ISO 8583 message, messageLength |
 * output buffer:  | output 0: header | message | output 1: header | message | ...   (at most MAX_OUTPUTS)
 * </pre>
 */
public final class SwitchEvent implements JournalEntry
{
    public static final int MAX_OUTPUTS = 8;
    public static final int DECISION_CAPACITY = 64;

    private final UnsafeBuffer frame;
    private final MessageReader[] readers;
    private final UnsafeBuffer decision = new UnsafeBuffer(new byte[DECISION_CAPACITY]);
    private final UnsafeBuffer output;
    // Each output's link, dialect, header offset and length, message length and close flag, side by side in one
    // array: an event's outputs are then a line or two of a cold slot, where six arrays were six lines.
    private static final int LINK = 0;
    private static final int DIALECT = 1;
    private static final int HEADER_OFFSET = 2;
    private static final int HEADER_LENGTH = 3;
    private static final int MESSAGE_LENGTH = 4;
    private static final int CLOSE = 5;
    private static final int OUTPUT_INTS = 6;
    private final int[] outputs = new int[MAX_OUTPUTS * OUTPUT_INTS];

    private int type;
    private long sequence;
    private long timestampNanos;
    private long readNanos;
    private int waitMicros;
    private int linkId = -1;
    private int endpoint = -1;
    private int dialectId = -1;
    private int headerLength;
    private int messageLength;
    private DecodeError decodeError = DecodeError.NONE;
    /** The reader of the dialect indexes this event's message: set by {@link #decode}, cleared by {@link #reset}. */
    private boolean indexed;
    private int decisionLength;
    private int outputCount;
    private int outputPosition;
    private boolean closeLink;
    private boolean quiet;
    private JournalRecord recorded;

    /** A slot with readers of its own: for a ring whose decode stage runs ahead of the switch on a thread of its own, and replay. */
    public SwitchEvent(final int frameCapacity, final int outputCapacity, final List<Dialect> dialects)
    {
        this(frameCapacity, outputCapacity, readersOf(dialects));
    }

    /**
     * A slot that indexes its message with {@code readers} (one per dialect, as {@link #readersOf}), which other
     * slots may share. Where one thread decodes, switches and journals each event before it decodes the next, every
     * slot can index with the same readers: they stay in the cache, where a slot's own are as cold as the slot, used
     * a ring's length of events ago. A slot's index then holds until the next event is decoded.
     */
    public SwitchEvent(final int frameCapacity, final int outputCapacity, final MessageReader[] readers)
    {
        frame = new UnsafeBuffer(new byte[frameCapacity]);
        output = new UnsafeBuffer(new byte[outputCapacity]);
        this.readers = readers;
    }

    /** One reader per dialect, in the order of {@code dialects}. */
    public static MessageReader[] readersOf(final List<Dialect> dialects)
    {
        final MessageReader[] readers = new MessageReader[dialects.size()];
        for (int i = 0; i < readers.length; i++)
        {
            readers[i] = new MessageReader(dialects.get(i));
        }
        return readers;
    }

    /** Called by the publisher before filling the slot: every field a previous event left is reset here. */
    public void reset(final int type, final long timestampNanos, final int linkId, final int endpoint, final int dialectId)
    {
        this.type = type;
        this.timestampNanos = timestampNanos;
        this.readNanos = 0;
        this.waitMicros = 0;
        this.linkId = linkId;
        this.endpoint = endpoint;
        this.dialectId = dialectId;
        this.headerLength = 0;
        this.messageLength = 0;
        this.decodeError = DecodeError.NONE;
        this.indexed = false;
        this.decisionLength = 0;
        this.outputCount = 0;
        this.outputPosition = 0;
        this.closeLink = false;
        this.quiet = false;
        this.recorded = null;
    }

    /**
     * Set by an acquirer link after {@link #reset}: when it read the frame off its connection (epoch nanoseconds, the
     * links' clock), its last read before the frame was cut out, so at or after the frame came. The timestamp is later
     * when the frame waited in the link for room in the ring. 0, as {@link #reset} leaves it, for an event no link read.
     */
    public void readAt(final long nanos)
    {
        readNanos = nanos;
    }

    /** When a link read the event's frame ({@link #readAt}); 0 when none did. */
    public long readNanos()
    {
        return readNanos;
    }

    /**
     * How long the event waited since its link read it, microseconds, as the switch is about to take it up: set on the
     * switch's thread just before it ({@code WaitStamp}), or by replay from the journal. Never negative.
     */
    public void waitMicros(final int micros)
    {
        waitMicros = micros;
    }

    /**
     * Set by replay after {@link #reset}: the journal record this event is replayed from. What the switch cannot
     * compute again the same is read from it: working keys an HSM made at random, the verdict on a MAC over fields
     * the journal never holds.
     */
    public void recorded(final JournalRecord record)
    {
        this.recorded = record;
    }

    /** The journal record this event is replayed from; null on the live ring. */
    public JournalRecord recorded()
    {
        return recorded;
    }

    /** Set by the decode handler (or replay) to the ring sequence the event is journaled with. */
    public void sequence(final long sequence)
    {
        this.sequence = sequence;
    }

    public int type()
    {
        return type;
    }

    /** The listener index (acquirer events) or issuer index (issuer events) the link belongs to; -1 for none. */
    public int endpoint()
    {
        return endpoint;
    }

    public int dialectId()
    {
        return dialectId;
    }

    /** Where a link copies the frame: the fixed header first, then the message. */
    public MutableDirectBuffer frame()
    {
        return frame;
    }

    public int frameCapacity()
    {
        return frame.capacity();
    }

    public void frameLengths(final int headerLength, final int messageLength)
    {
        this.headerLength = headerLength;
        this.messageLength = messageLength;
    }

    public int headerLength()
    {
        return headerLength;
    }

    public int messageLength()
    {
        return messageLength;
    }

    /** Indexes the message with the reader of its dialect; called by the decode handler, and by replay. */
    public void decode()
    {
        indexed = false;
        final boolean message = dialectId >= 0 && messageLength > 0;
        decodeError = message ? readers[dialectId].wrap(frame, headerLength, messageLength) : DecodeError.NONE;
        // Only once the wrap has returned: a shared reader that threw still indexes another slot's message.
        indexed = message;
    }

    /**
     * The input message, indexed. Only meaningful for message events, and, where slots share readers, until the next
     * event is decoded.
     */
    public MessageReader reader()
    {
        final MessageReader reader = readers[dialectId];
        if (!indexed || reader.buffer() != frame)
        {
            // A shared reader would hand over another slot's message, perhaps another terminal's: never switch that.
            throw new IllegalStateException("the slot's message is not indexed (not decoded, or decoded over since)");
        }
        return reader;
    }

    public DecodeError decodeError()
    {
        return decodeError;
    }

    /** The decision area: the switch handler writes its {@link io.interchange.engine.switching.Decision} here. */
    public MutableDirectBuffer decision()
    {
        return decision;
    }

    public void decisionLength(final int length)
    {
        decisionLength = length;
    }

    // ---------------------------------------------------------------- outputs

    public int outputsLeft()
    {
        return MAX_OUTPUTS - outputCount;
    }

    /** Bytes free in the output area. */
    public int outputRoom()
    {
        return output.capacity() - outputPosition;
    }

    /**
     * Starts an output frame to {@code link}: the caller writes the fixed header (if any) at the returned offset
     * in {@link #output()}, then the message after it, and ends with {@link #endOutput}.
     */
    public int beginOutput(final int link, final int outputDialectId, final int outputHeaderLength)
    {
        if (outputCount == MAX_OUTPUTS)
        {
            throw new IllegalStateException("more than " + MAX_OUTPUTS + " outputs for one event");
        }
        final int at = outputCount * OUTPUT_INTS;
        outputs[at + LINK] = link;
        outputs[at + DIALECT] = outputDialectId;
        outputs[at + HEADER_OFFSET] = outputPosition;
        outputs[at + HEADER_LENGTH] = outputHeaderLength;
        outputs[at + CLOSE] = 0;
        return outputPosition;
    }

    public void endOutput(final int outputMessageLength, final boolean closeAfter)
    {
        final int at = outputCount * OUTPUT_INTS;
        outputs[at + MESSAGE_LENGTH] = outputMessageLength;
        outputs[at + CLOSE] = closeAfter ? 1 : 0;
        outputPosition += outputs[at + HEADER_LENGTH] + outputMessageLength;
        outputCount++;
    }

    public MutableDirectBuffer output()
    {
        return output;
    }

    public int outputHeaderOffset(final int i)
    {
        return outputs[i * OUTPUT_INTS + HEADER_OFFSET];
    }

    public int outputHeaderLength(final int i)
    {
        return outputs[i * OUTPUT_INTS + HEADER_LENGTH];
    }

    public boolean outputCloses(final int i)
    {
        return outputs[i * OUTPUT_INTS + CLOSE] != 0;
    }

    /** Close the input's link once the outputs are sent: a frame that could not be parsed far enough to answer. */
    public void closeLink()
    {
        closeLink = true;
    }

    public boolean closesLink()
    {
        return closeLink;
    }

    /**
     * Marks an event that changed nothing and sent nothing (a tick with no time-out): the journal may skip it,
     * since replaying the journal without it gives the same state.
     */
    public void markQuiet()
    {
        quiet = true;
    }

    public boolean isQuiet()
    {
        return quiet;
    }

    // ---------------------------------------------------------------- JournalEntry

    @Override
    public long sequence()
    {
        return sequence;
    }

    @Override
    public int eventType()
    {
        return type;
    }

    @Override
    public long timestampNanos()
    {
        return timestampNanos;
    }

    @Override
    public int linkId()
    {
        return linkId;
    }

    @Override
    public int waitMicros()
    {
        return waitMicros;
    }

    @Override
    public int inputDialectId()
    {
        return messageLength > 0 ? dialectId : -1;
    }

    @Override
    public DirectBuffer inputBuffer()
    {
        return frame;
    }

    @Override
    public int inputOffset()
    {
        return headerLength;
    }

    @Override
    public int inputLength()
    {
        return messageLength;
    }

    @Override
    public MessageReader inputReader()
    {
        if (!indexed)
        {
            return null;
        }
        // A shared reader may index another slot's message by now: each slot has a frame buffer of its own.
        final MessageReader reader = readers[dialectId];
        return reader.buffer() == frame ? reader : null;
    }

    @Override
    public DirectBuffer decisionBuffer()
    {
        return decision;
    }

    @Override
    public int decisionLength()
    {
        return decisionLength;
    }

    @Override
    public int outputCount()
    {
        return outputCount;
    }

    @Override
    public int outputLinkId(final int i)
    {
        return outputs[i * OUTPUT_INTS + LINK];
    }

    @Override
    public int outputDialectId(final int i)
    {
        return outputs[i * OUTPUT_INTS + DIALECT];
    }

    @Override
    public DirectBuffer outputBuffer(final int i)
    {
        return output;
    }

    @Override
    public int outputOffset(final int i)
    {
        return outputs[i * OUTPUT_INTS + HEADER_OFFSET] + outputs[i * OUTPUT_INTS + HEADER_LENGTH];
    }

    @Override
    public int outputLength(final int i)
    {
        return outputs[i * OUTPUT_INTS + MESSAGE_LENGTH];
    }
}
