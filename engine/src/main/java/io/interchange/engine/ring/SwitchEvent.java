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
    private final int[] outputLinks = new int[MAX_OUTPUTS];
    private final int[] outputDialects = new int[MAX_OUTPUTS];
    private final int[] outputHeaderOffsets = new int[MAX_OUTPUTS];
    private final int[] outputHeaderLengths = new int[MAX_OUTPUTS];
    private final int[] outputMessageLengths = new int[MAX_OUTPUTS];
    private final boolean[] outputCloses = new boolean[MAX_OUTPUTS];

    private int type;
    private long sequence;
    private long timestampNanos;
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

    public SwitchEvent(final int frameCapacity, final int outputCapacity, final List<Dialect> dialects)
    {
        frame = new UnsafeBuffer(new byte[frameCapacity]);
        output = new UnsafeBuffer(new byte[outputCapacity]);
        readers = new MessageReader[dialects.size()];
        for (int i = 0; i < readers.length; i++)
        {
            readers[i] = new MessageReader(dialects.get(i));
        }
    }

    /** Called by the publisher before filling the slot: every field a previous event left is reset here. */
    public void reset(final int type, final long timestampNanos, final int linkId, final int endpoint, final int dialectId)
    {
        this.type = type;
        this.timestampNanos = timestampNanos;
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
        indexed = dialectId >= 0 && messageLength > 0;
        decodeError = indexed ? readers[dialectId].wrap(frame, headerLength, messageLength) : DecodeError.NONE;
    }

    /** The input message, indexed. Only meaningful for message events. */
    public MessageReader reader()
    {
        return readers[dialectId];
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
        outputLinks[outputCount] = link;
        outputDialects[outputCount] = outputDialectId;
        outputHeaderOffsets[outputCount] = outputPosition;
        outputHeaderLengths[outputCount] = outputHeaderLength;
        outputCloses[outputCount] = false;
        return outputPosition;
    }

    public void endOutput(final int outputMessageLength, final boolean closeAfter)
    {
        outputMessageLengths[outputCount] = outputMessageLength;
        outputCloses[outputCount] = closeAfter;
        outputPosition += outputHeaderLengths[outputCount] + outputMessageLength;
        outputCount++;
    }

    public MutableDirectBuffer output()
    {
        return output;
    }

    public int outputHeaderOffset(final int i)
    {
        return outputHeaderOffsets[i];
    }

    public int outputHeaderLength(final int i)
    {
        return outputHeaderLengths[i];
    }

    public boolean outputCloses(final int i)
    {
        return outputCloses[i];
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
        return indexed ? readers[dialectId] : null;
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
        return outputLinks[i];
    }

    @Override
    public int outputDialectId(final int i)
    {
        return outputDialects[i];
    }

    @Override
    public DirectBuffer outputBuffer(final int i)
    {
        return output;
    }

    @Override
    public int outputOffset(final int i)
    {
        return outputHeaderOffsets[i] + outputHeaderLengths[i];
    }

    @Override
    public int outputLength(final int i)
    {
        return outputMessageLengths[i];
    }
}
