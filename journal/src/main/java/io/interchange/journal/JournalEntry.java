package io.interchange.journal;

import io.interchange.codec.MessageReader;
import org.agrona.DirectBuffer;

/** What the journal reads of one ring event. A flyweight over the ring slot: no allocation. */
public interface JournalEntry
{
    /**
     * The shortest wait the journal keeps ({@link #waitMicros}): 1 ms. A shorter one reads back as 0, so a decision
     * that depends on the wait must not tell waits under it apart, or its record would not show why.
     */
    int MIN_WAIT_MICROS = 1_000;

    /** Ring sequence number. */
    long sequence();

    /** Engine-defined, 0..255. */
    int eventType();

    /** Epoch nanoseconds at which the event entered the switch (receive time, or tick time). */
    long timestampNanos();

    /** Link the input came from, -1 for none (a timer tick). */
    int linkId();

    /**
     * How long an acquirer's request waited between its link reading it and the switch taking it up (in the link
     * while the ring was full, in the ring while the switch was busy), microseconds; 0 when not measured. Kept from
     * {@link #MIN_WAIT_MICROS} up; never negative.
     */
    int waitMicros();

    /** Index into the journal's dialect table; -1 when there is no input message. */
    int inputDialectId();

    /** The input message bytes, MTI onwards, without length header, TPDU or application header. */
    DirectBuffer inputBuffer();

    int inputOffset();

    int inputLength();

    /**
     * The input message as the switch already indexed it, a reader of its dialect wrapped over exactly the input's
     * bytes, or null: the journal then indexes it itself. The journal checks the dialect and the bytes before it
     * trusts it.
     */
    MessageReader inputReader();

    /** Engine-defined decision bytes (response code, route, flags), opaque to the journal, at most 64. */
    DirectBuffer decisionBuffer();

    int decisionLength();

    /** 0..8. */
    int outputCount();

    int outputLinkId(int i);

    int outputDialectId(int i);

    DirectBuffer outputBuffer(int i);

    int outputOffset(int i);

    int outputLength(int i);
}
