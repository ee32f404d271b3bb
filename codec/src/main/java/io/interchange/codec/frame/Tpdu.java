package io.interchange.codec.frame;

import org.agrona.MutableDirectBuffer;

/**
 * The 5-byte Transport Protocol Data Unit that precedes UnionPay POS messages (inherited from X.25 NAC
 * networks): an ID byte (0x60), a 2-byte destination address and a 2-byte source address, e.g.
 * {@code 60 0002 0000}. An answer goes back with the two addresses swapped.
 */
public final class Tpdu
{
    public static final int LENGTH = 5;
    public static final byte ID = 0x60;

    private Tpdu()
    {
    }

    /** Swaps destination and source in place, turning a request's TPDU into its answer's. */
    public static void swapAddresses(final MutableDirectBuffer buffer, final int offset)
    {
        final short destination = buffer.getShort(offset + 1);
        buffer.putShort(offset + 1, buffer.getShort(offset + 3));
        buffer.putShort(offset + 3, destination);
    }
}
