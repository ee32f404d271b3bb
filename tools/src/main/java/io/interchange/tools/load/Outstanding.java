package io.interchange.tools.load;

import java.util.Arrays;

import org.agrona.collections.Int2IntHashMap;

/**
 * The requests of one connection waiting for their answers, found by STAN (unique over the run, see
 * {@link SimTerminal}). Each entry holds what checking the answer and following it up needs: the case, the
 * terminal, when its latency starts (when it was due, or when it went if it went early) and when it went, and the card, amount and field 7 a later void or
 * completion refers to. Slots in parallel arrays, reused through a free list; the arrays double when full, so a
 * long stall in open loop costs memory once rather than requests. One event loop only.
 */
final class Outstanding
{
    static final int NONE = -1;

    private final Int2IntHashMap byStan;
    private int[] stans;
    private int[] terminals;
    private byte[] cases;
    private boolean[] measured;
    private long[] from;
    private long[] sent;
    private long[] amounts;
    private long[] transmissions;
    private int[] cards;
    private boolean[] used;
    private int[] free;
    private int freeCount;
    private int size;
    // Slots at or above it have never been used: a sweep stops there.
    private int highWater;

    Outstanding(final int initialCapacity)
    {
        final int capacity = Math.max(16, initialCapacity);
        byStan = new Int2IntHashMap(capacity * 2, 0.65f, NONE);
        allocate(capacity);
    }

    private void allocate(final int capacity)
    {
        final int old = stans == null ? 0 : stans.length;
        stans = stans == null ? new int[capacity] : Arrays.copyOf(stans, capacity);
        terminals = terminals == null ? new int[capacity] : Arrays.copyOf(terminals, capacity);
        cases = cases == null ? new byte[capacity] : Arrays.copyOf(cases, capacity);
        measured = measured == null ? new boolean[capacity] : Arrays.copyOf(measured, capacity);
        from = from == null ? new long[capacity] : Arrays.copyOf(from, capacity);
        sent = sent == null ? new long[capacity] : Arrays.copyOf(sent, capacity);
        amounts = amounts == null ? new long[capacity] : Arrays.copyOf(amounts, capacity);
        transmissions = transmissions == null ? new long[capacity] : Arrays.copyOf(transmissions, capacity);
        cards = cards == null ? new int[capacity] : Arrays.copyOf(cards, capacity);
        used = used == null ? new boolean[capacity] : Arrays.copyOf(used, capacity);
        free = free == null ? new int[capacity] : Arrays.copyOf(free, capacity);
        // New slots go on the free list highest first, so that the lowest is taken first and sweeps stay short.
        for (int slot = capacity - 1; slot >= old; slot--)
        {
            free[freeCount++] = slot;
        }
    }

    /** Requests waiting. */
    int size()
    {
        return size;
    }

    /**
     * Remembers a request sent; returns its slot.
     *
     * @throws IllegalStateException when a request with this STAN is still waiting (STANs ran round too fast).
     */
    int add(
        final int stan, final int terminal, final TransactionCase c, final boolean isMeasured, final long fromNanos, final long sentNanos,
        final long amount, final long transmission, final int card)
    {
        if (freeCount == 0)
        {
            allocate(stans.length * 2);
        }
        final int slot = free[--freeCount];
        if (byStan.putIfAbsent(stan, slot) != NONE)
        {
            free[freeCount++] = slot;
            throw new IllegalStateException("STAN " + stan + " is still waiting for its answer");
        }
        stans[slot] = stan;
        terminals[slot] = terminal;
        cases[slot] = (byte)c.ordinal();
        measured[slot] = isMeasured;
        from[slot] = fromNanos;
        sent[slot] = sentNanos;
        amounts[slot] = amount;
        transmissions[slot] = transmission;
        cards[slot] = card;
        used[slot] = true;
        size++;
        highWater = Math.max(highWater, slot + 1);
        return slot;
    }

    /** The slot of the request with this STAN, or {@link #NONE}. */
    int find(final int stan)
    {
        return byStan.get(stan);
    }

    void remove(final int slot)
    {
        byStan.remove(stans[slot]);
        used[slot] = false;
        free[freeCount++] = slot;
        size--;
    }

    /** The slots below this may be in use: for a sweep, with {@link #inUse}. */
    int highWater()
    {
        return highWater;
    }

    boolean inUse(final int slot)
    {
        return used[slot];
    }

    int stan(final int slot)
    {
        return stans[slot];
    }

    int terminal(final int slot)
    {
        return terminals[slot];
    }

    TransactionCase transactionCase(final int slot)
    {
        return TransactionCase.of(cases[slot]);
    }

    boolean measured(final int slot)
    {
        return measured[slot];
    }

    /** When the request's latency starts (System.nanoTime). */
    long from(final int slot)
    {
        return from[slot];
    }

    long sent(final int slot)
    {
        return sent[slot];
    }

    long amount(final int slot)
    {
        return amounts[slot];
    }

    long transmission(final int slot)
    {
        return transmissions[slot];
    }

    int card(final int slot)
    {
        return cards[slot];
    }
}
