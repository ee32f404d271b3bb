package io.interchange.engine.ring;

import org.agrona.DirectBuffer;

/**
 * Where the egress handler sends output frames: the links. Called on the egress thread only; implementations
 * hand the bytes to the link's I/O thread without blocking it and without allocation.
 */
public interface Egress
{
    /**
     * Sends one frame to a link: {@code length} bytes (fixed header and message, without the length header,
     * which the link's framing adds). An unknown or closed link drops the frame; it was journaled already.
     */
    void send(int linkId, DirectBuffer buffer, int offset, int length, boolean closeAfter);

    void close(int linkId);

    /** End of a batch of events: flush what was sent. */
    void endOfBatch();
}
