package io.interchange.tools.issuer;

import org.agrona.collections.Long2LongHashMap;

/**
 * The latest requests and advices the issuer decided, so that a reversal can undo what its original did and a
 * repeated advice or reversal changes nothing twice. A ring of pre-allocated slots: the oldest entry gives way to
 * the newest, and a key table (STAN and transmission time, see {@link #key}) finds an entry without allocating.
 *
 * <p>An entry keeps what it did to the account as deltas, so undoing it is the same subtraction whatever it was:
 * a purchase took the amount from the balance and added it to the day's spending, a refund added it to the
 * balance, an inquiry or a decline did nothing.
 */
final class TransactionMemory
{
    /** An entry's state: what a reversal of it does. */
    static final byte APPROVED = 1;
    static final byte DECLINED = 2;
    static final byte REVERSED = 3;

    /** An entry's kind: a request (0100, 0200), an advice of something done elsewhere (0220), or an authorization advice (0120). */
    static final byte REQUEST = 1;
    static final byte ADVICE = 2;
    /**
     * An authorization made elsewhere (a switch's stand-in for a pre-authorization, told by 0120): booked as the hold an
     * approved 0100 would have made, which a completion takes over as it does an 0100's, and, being an advice, applied
     * once however often it is repeated (0121).
     */
    static final byte AUTHORIZATION_ADVICE = 3;

    private static final long NONE = -1;
    /** Field 7, MMDDhhmmss: ten digits. */
    private static final long TRANSMISSION_TIMES = 10_000_000_000L;

    private final int mask;
    private final long[] keys;
    private final int[] cards;
    private final long[] balanceDeltas;
    private final long[] spentDeltas;
    private final long[] days;
    private final byte[] states;
    private final byte[] kinds;
    private final Long2LongHashMap slots;
    private long written;

    TransactionMemory(final int capacity)
    {
        final int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        mask = size - 1;
        keys = new long[size];
        cards = new int[size];
        balanceDeltas = new long[size];
        spentDeltas = new long[size];
        days = new long[size];
        states = new byte[size];
        kinds = new byte[size];
        // Room for every slot without growing.
        slots = new Long2LongHashMap(size * 2, 0.65f, NONE);
    }

    /**
     * The key of a message: its STAN (field 11, six digits) and transmission date and time (field 7, ten digits),
     * which together are unique on a link within a year (DESIGN.md §4: the switch assigns both per issuer link).
     */
    static long key(final long stan, final long transmissionTime)
    {
        return stan * TRANSMISSION_TIMES + transmissionTime;
    }

    /** The slot of the entry with {@code key}, or -1. A later entry with the same key hides an earlier one. */
    int find(final long key)
    {
        return (int)slots.get(key);
    }

    /** Remembers a decision; returns its slot. */
    int remember(
        final long key, final byte kind, final byte state, final int card, final long balanceDelta, final long spentDelta, final long day)
    {
        final int slot = (int)(written++ & mask);
        if (written > keys.length)
        {
            final long old = keys[slot];
            if (slots.get(old) == slot)
            {
                slots.remove(old);
            }
        }
        keys[slot] = key;
        kinds[slot] = kind;
        states[slot] = state;
        cards[slot] = card;
        balanceDeltas[slot] = balanceDelta;
        spentDeltas[slot] = spentDelta;
        days[slot] = day;
        slots.put(key, slot);
        return slot;
    }

    byte kind(final int slot)
    {
        return kinds[slot];
    }

    /** An advice (0220, 0120): applied when it first came, so a repeat of it changes nothing. */
    boolean advice(final int slot)
    {
        return kinds[slot] == ADVICE || kinds[slot] == AUTHORIZATION_ADVICE;
    }

    /** An authorization, asked for (0100, 0200) or advised (0120): what a completion naming it may take over. */
    boolean authorization(final int slot)
    {
        return kinds[slot] == REQUEST || kinds[slot] == AUTHORIZATION_ADVICE;
    }

    byte state(final int slot)
    {
        return states[slot];
    }

    int card(final int slot)
    {
        return cards[slot];
    }

    long balanceDelta(final int slot)
    {
        return balanceDeltas[slot];
    }

    long spentDelta(final int slot)
    {
        return spentDeltas[slot];
    }

    /** The epoch day (UTC) the entry was decided on. */
    long day(final int slot)
    {
        return days[slot];
    }

    void reversed(final int slot)
    {
        states[slot] = REVERSED;
    }

    /** The entry's effect now belongs to a later one (a completion): undoing this one changes nothing. */
    void superseded(final int slot)
    {
        balanceDeltas[slot] = 0;
        spentDeltas[slot] = 0;
    }
}
