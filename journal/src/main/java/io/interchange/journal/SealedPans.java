package io.interchange.journal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The PANs sealed lately and their sealed forms, so that a card's messages pay for the HMAC and the cipher once
 * while they are recent: a request and its forward, then, an issuer's latency later, the answer and its relay
 * carry the same PAN. Sealing is deterministic ({@link PanCipher}), so a remembered sealed form is the one sealing
 * would write. On one thread, sealing is a sixth of the ring path's work (bench/RESULTS.md).
 *
 * <p>Direct mapped, {@value #ENTRIES} entries: a PAN of up to 19 digits is kept as its number, a collision
 * replaces the older card. A PAN that is longer, or not all digits, is sealed every time. Like the writer's other
 * scratch, it holds card numbers in process memory (inside the cardholder-data environment), never on disk; at
 * most {@value #ENTRIES} of them, the cards of the last few thousand messages.
 */
final class SealedPans
{
    static final int ENTRIES = 4096;
    private static final int MAX_DIGITS = 19;
    private static final int SLOT = PanCipher.sealedLength(MAX_DIGITS);

    private final PanCipher cipher;
    private final long[] numbers = new long[ENTRIES];
    /** 0: empty. */
    private final byte[] lengths = new byte[ENTRIES];
    private final byte[] sealed = new byte[ENTRIES * SLOT];
    private long hits;

    SealedPans(final PanCipher cipher)
    {
        this.cipher = cipher;
    }

    /** Writes the sealed form of the PAN digits in {@code pan[0, length)} at {@code dst[dstOffset]}. */
    void seal(final DirectBuffer pan, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        final long number = length <= MAX_DIGITS ? number(pan, length) : -1;
        if (number == -1)
        {
            cipher.seal(pan, 0, length, dst, dstOffset);
            return;
        }
        final int entry = entry(number, length);
        final int sealedLength = PanCipher.sealedLength(length);
        if (lengths[entry] == length && numbers[entry] == number)
        {
            hits++;
            dst.putBytes(dstOffset, sealed, entry * SLOT, sealedLength);
            return;
        }
        cipher.seal(pan, 0, length, dst, dstOffset);
        dst.getBytes(dstOffset, sealed, entry * SLOT, sealedLength);
        numbers[entry] = number;
        lengths[entry] = (byte)length;
    }

    /** Seals answered from memory: for the tests. */
    long hits()
    {
        return hits;
    }

    /** The digits as an unsigned number (19 digits fit in 64 bits), or -1 when one is not a digit. */
    private static long number(final DirectBuffer pan, final int length)
    {
        long number = 0;
        for (int i = 0; i < length; i++)
        {
            final int digit = pan.getByte(i) - '0';
            if (digit < 0 || digit > 9)
            {
                return -1;
            }
            number = number * 10 + digit;
        }
        // 19 nines is below 2^64, so it fits unsigned; -1 read unsigned has 20 digits, so it is free as the mark.
        return number;
    }

    private static int entry(final long number, final int length)
    {
        // Card numbers of one BIN differ in their low digits; the multiply spreads them over the high bits.
        final long mixed = (number ^ length) * 0x9E3779B97F4A7C15L;
        return (int)(mixed >>> (64 - Integer.numberOfTrailingZeros(ENTRIES)));
    }
}
