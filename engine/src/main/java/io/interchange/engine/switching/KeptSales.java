package io.interchange.engine.switching;

import org.agrona.collections.Long2LongHashMap;

/**
 * Approved UnionPay POS sales and completions the duplicate history ({@link Transactions}) has forgotten: what a void
 * (60.1 = 23 or 21) is checked against, by the acquirer's key (listener, terminal, STAN, batch). The history covers a
 * minute or two of a busy day; a merchant voids a sale any time until the batch settles, and without this such a void
 * was answered 25 (the sale could only be refunded), or, before voids were checked, paid back whatever it named.
 *
 * <p>Per sale, the key's 64-bit fingerprint (as {@link PreAuthorizations} keeps a hold's), its terminal and batch, its
 * amount and currency, a 32-bit hash of its card ({@link PreAuthorizations#card}: no card number), the void that
 * takes it back while one stands or is with its issuer, and for a completion the fingerprint of the hold it took over
 * (its void approved gives that hold back, the void reversed takes it again): about 76 bytes a sale. The oldest is let
 * go when full.
 * Pre-allocated; no allocation once built; single-threaded (the switch handler's).
 */
final class KeptSales
{
    static final int NONE = -1;
    private static final float LOAD = 0.5f;

    private final Long2LongHashMap slots;
    private final long[] fingerprints;
    private final short[] endpoints;
    private final int[] terminals;
    private final int[] batches;
    private final long[] amounts;
    private final short[] currencies;
    private final int[] cards;
    private final int[] voidedBy;
    private final long[] completedKeys;
    private final boolean[] completions;
    private int next;
    private int size;

    /** @param capacity sales kept at most; 0 keeps none. */
    KeptSales(final int capacity)
    {
        fingerprints = new long[capacity];
        endpoints = new short[capacity];
        terminals = new int[capacity];
        batches = new int[capacity];
        amounts = new long[capacity];
        currencies = new short[capacity];
        cards = new int[capacity];
        voidedBy = new int[capacity];
        completedKeys = new long[capacity];
        completions = new boolean[capacity];
        slots = new Long2LongHashMap(Math.max(2 * capacity, 16), LOAD, NONE);
    }

    /**
     * Keeps a sale the history lets go, letting the oldest go when full; returns its slot, or {@link #NONE} when none
     * are kept.
     *
     * @param voidEntry    the history entry of the void that takes it back, or {@link Transactions#NONE}.
     * @param completedKey for a completion that stands, the fingerprint of the hold it took over; else 0.
     * @param completion   a completion, which only a completion void takes back, rather than a sale.
     */
    int add(
        final long fingerprint, final int endpoint, final int terminal, final long batch, final long amount, final int currency, final int card,
        final int voidEntry, final long completedKey, final boolean completion)
    {
        if (fingerprints.length == 0)
        {
            return NONE;
        }
        if (size == fingerprints.length)
        {
            if (slots.get(fingerprints[next]) == next)
            {
                slots.remove(fingerprints[next]);
            }
        }
        else
        {
            size++;
        }
        final int slot = next;
        fingerprints[slot] = fingerprint;
        endpoints[slot] = (short)endpoint;
        terminals[slot] = terminal;
        batches[slot] = (int)batch;
        amounts[slot] = amount;
        currencies[slot] = (short)currency;
        cards[slot] = card;
        voidedBy[slot] = voidEntry;
        completedKeys[slot] = completedKey;
        completions[slot] = completion;
        slots.put(fingerprint, slot);
        next = next + 1 == fingerprints.length ? 0 : next + 1;
        return slot;
    }

    /** The sale kept under this fingerprint from this listener, or {@link #NONE}. */
    int find(final long fingerprint, final int endpoint)
    {
        final int slot = size == 0 ? NONE : (int)slots.get(fingerprint);
        return slot != NONE && endpoints[slot] == endpoint ? slot : NONE;
    }

    int terminal(final int slot)
    {
        return terminals[slot];
    }

    long batch(final int slot)
    {
        return batches[slot];
    }

    long amount(final int slot)
    {
        return amounts[slot];
    }

    int currency(final int slot)
    {
        return currencies[slot];
    }

    int card(final int slot)
    {
        return cards[slot];
    }

    /** Whether a void of the sale stands, or is still with its issuer. */
    boolean voided(final int slot)
    {
        return voidedBy[slot] != NONE;
    }

    /** The void at history entry {@code voidEntry} takes the sale back, until it fails. */
    void voids(final int slot, final int voidEntry)
    {
        voidedBy[slot] = voidEntry;
    }

    /** Whether the void at history entry {@code voidEntry} is the one that takes the sale back: the slot may hold another sale since. */
    boolean voidedBy(final int slot, final int voidEntry)
    {
        return voidedBy[slot] == voidEntry;
    }

    /**
     * The void at {@code voidEntry} did not take the sale back (declined, timed out, reversed): it may be voided again.
     * False when that void was not the sale's (the slot holds another sale since), which is left alone.
     */
    boolean voidFailed(final int slot, final int voidEntry)
    {
        if (voidedBy[slot] != voidEntry)
        {
            return false;
        }
        voidedBy[slot] = NONE;
        return true;
    }

    /** Whether the kept one is a completion rather than a sale. */
    boolean completion(final int slot)
    {
        return completions[slot];
    }

    /** For a kept completion, the fingerprint of the hold it took over; else 0. */
    long completedKey(final int slot)
    {
        return completedKeys[slot];
    }
}
