package io.interchange.journal;

import java.util.ArrayList;
import java.util.List;

import io.interchange.codec.MessageReader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** A ring event as the engine's slot would present it, built by hand. */
final class TestEntry implements JournalEntry
{
    private record Output(int linkId, int dialectId, UnsafeBuffer buffer, int offset, int length)
    {
    }

    private final List<Output> outputs = new ArrayList<>();
    private long sequence;
    private int eventType = 1;
    private long timestampNanos;
    private int linkId = -1;
    private int waitMicros;
    private int inputDialectId = -1;
    private UnsafeBuffer input = new UnsafeBuffer(new byte[0]);
    private int inputOffset;
    private int inputLength;
    private UnsafeBuffer decision = new UnsafeBuffer(new byte[0]);
    private MessageReader inputReader;

    TestEntry sequence(final long value)
    {
        sequence = value;
        return this;
    }

    TestEntry eventType(final int value)
    {
        eventType = value;
        return this;
    }

    TestEntry timestampNanos(final long value)
    {
        timestampNanos = value;
        return this;
    }

    TestEntry waitMicros(final int value)
    {
        waitMicros = value;
        return this;
    }

    TestEntry input(final int link, final int dialectId, final byte[] message)
    {
        // Framed as the ring holds it: the message at an offset, bytes of other things around it.
        final byte[] slot = new byte[message.length + 7];
        System.arraycopy(message, 0, slot, 5, message.length);
        linkId = link;
        inputDialectId = dialectId;
        input = new UnsafeBuffer(slot);
        inputOffset = 5;
        inputLength = message.length;
        return this;
    }

    /** Hands the journal the input indexed by {@code reader}, wrapped over the entry's bytes here, as the ring's slot does. */
    TestEntry indexedBy(final MessageReader reader)
    {
        reader.wrap(input, inputOffset, inputLength);
        inputReader = reader;
        return this;
    }

    /** Hands the journal {@code reader} as the input's index, as it is: for the checks that it is the input's. */
    TestEntry inputReader(final MessageReader reader)
    {
        inputReader = reader;
        return this;
    }

    TestEntry noInput()
    {
        linkId = -1;
        inputDialectId = -1;
        inputLength = 0;
        return this;
    }

    TestEntry decision(final byte[] bytes)
    {
        decision = new UnsafeBuffer(bytes.clone());
        return this;
    }

    TestEntry output(final int link, final int dialectId, final byte[] message)
    {
        final byte[] slot = new byte[message.length + 3];
        System.arraycopy(message, 0, slot, 3, message.length);
        outputs.add(new Output(link, dialectId, new UnsafeBuffer(slot), 3, message.length));
        return this;
    }

    @Override
    public long sequence()
    {
        return sequence;
    }

    @Override
    public int eventType()
    {
        return eventType;
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
        return inputDialectId;
    }

    @Override
    public DirectBuffer inputBuffer()
    {
        return input;
    }

    @Override
    public int inputOffset()
    {
        return inputOffset;
    }

    @Override
    public int inputLength()
    {
        return inputLength;
    }

    @Override
    public MessageReader inputReader()
    {
        return inputReader;
    }

    @Override
    public DirectBuffer decisionBuffer()
    {
        return decision;
    }

    @Override
    public int decisionLength()
    {
        return decision.capacity();
    }

    @Override
    public int outputCount()
    {
        return outputs.size();
    }

    @Override
    public int outputLinkId(final int i)
    {
        return outputs.get(i).linkId();
    }

    @Override
    public int outputDialectId(final int i)
    {
        return outputs.get(i).dialectId();
    }

    @Override
    public DirectBuffer outputBuffer(final int i)
    {
        return outputs.get(i).buffer();
    }

    @Override
    public int outputOffset(final int i)
    {
        return outputs.get(i).offset();
    }

    @Override
    public int outputLength(final int i)
    {
        return outputs.get(i).length();
    }
}
