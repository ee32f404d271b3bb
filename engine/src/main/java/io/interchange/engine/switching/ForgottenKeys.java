package io.interchange.engine.switching;

import org.agrona.collections.LongHashSet;

/**
 * The keys (acquirer, terminal, STAN, field 7) of the last requests the duplicate history ({@link Transactions}) has
 * forgotten, with neither their content nor their answer: enough to know that a request with one of them is not new.
 * The switch answers it 94 rather than forward it a second time, so a terminal's retransmission that comes after the
 * history has moved on (at 20,000 TPS the default history spans 6.5 s) is never charged twice.
 *
 * <p>A request reversed before it was forgotten leaves a second fingerprint beside its own, derived from it
 * ({@link #reversed}): a repeat of its reversal (0401, 0421) that comes after the history has moved on is known for
 * one and answered 00 as the first was, not 25, which would tell the acquirer the switch never had the original.
 * Reversals are few, so the two share the one capacity.
 *
 * <p>Only a key's 64-bit fingerprint is kept: 24 bytes a key (the set at half load, and the order of forgetting, oldest
 * first, to know which to let go when full). Two keys share a fingerprint with odds of about one in 2^64 a pair, and
 * then a new request would get 94. Pre-allocated; no allocation once built; single-threaded (the switch handler's).
 */
final class ForgottenKeys
{
    private static final float LOAD = 0.5f;
    // Odd, so that multiplying by it maps fingerprints one to one: a reversed key's mark is no other key's fingerprint
    // but by the same 2^-64 chance as any two keys.
    private static final long REVERSED_MIX = 0xD6E8FEB86659FD93L;

    private final LongHashSet keys;
    private final long[] order;
    private int next;
    private int size;

    /** @param capacity keys kept at most; 0 keeps none. */
    ForgottenKeys(final int capacity)
    {
        order = new long[capacity];
        keys = new LongHashSet(Math.max(2 * capacity, 16), LOAD);
    }

    /** Keeps a forgotten request's key, and that it was reversed, letting the oldest go when full. */
    void add(final long fingerprint, final boolean reversed)
    {
        add(fingerprint);
        if (reversed)
        {
            add(reversedMark(fingerprint));
        }
    }

    /** Whether the request with this key was reversed before the history forgot it, and its key is still kept. */
    boolean reversed(final long fingerprint)
    {
        return contains(reversedMark(fingerprint));
    }

    private static long reversedMark(final long fingerprint)
    {
        return (fingerprint ^ 0x5851F42D4C957F2DL) * REVERSED_MIX;
    }

    /** Keeps a forgotten request's key, letting the oldest go when full. */
    private void add(final long fingerprint)
    {
        if (order.length == 0)
        {
            return;
        }
        if (size == order.length)
        {
            keys.remove(order[next]);
        }
        else
        {
            size++;
        }
        order[next] = fingerprint;
        keys.add(fingerprint);
        next = next + 1 == order.length ? 0 : next + 1;
    }

    boolean contains(final long fingerprint)
    {
        return size > 0 && keys.contains(fingerprint);
    }

    int capacity()
    {
        return order.length;
    }
}
