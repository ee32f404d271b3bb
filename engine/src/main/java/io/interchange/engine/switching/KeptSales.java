package io.interchange.engine.switching;

import org.agrona.collections.Long2LongHashMap;

/**
 * Approved UnionPay POS sales, completions and refunds the duplicate history ({@link Transactions}) has forgotten: what a void
 * (60.1 = 23 or 21) is checked against, by the acquirer's key (listener, terminal, STAN, batch). The history covers a
 * minute or two of a busy day; a merchant voids a sale any time until the batch settles, and without this such a void
 * was answered 25 (the sale could only be refunded), or, before voids were checked, paid back whatever it named. It is
 * also what tells the sale's terminal sending it again from a new sale: a POS key has no field 7, so {@link ForgottenKeys}
 * does not hold it, and without this the sale would go to its issuer a second time and the card be charged twice (a
 * refund's card credited twice). And it is what the terminal's reversal (0400) of a sale whose answer it never got
 * finds, often only before its next transaction, minutes or hours later: how its issuer got it (the switch's MTI, STAN,
 * field 7 and RRN) names it in the 0420 that gives the money back, where a 25 left the card charged and the terminal
 * believing the sale undone.
 *
 * <p>Per sale, the key's 64-bit fingerprint (as {@link PreAuthorizations} keeps a hold's), its terminal and batch, the
 * round of that batch it counted in (a batch number may come again once its batch has closed), its amount and
 * currency, a 32-bit hash of its card ({@link PreAuthorizations#card}: no card number), the hash of its content
 * ({@link RequestContent}), the void that takes it back while one stands or is with its issuer, for a completion the
 * fingerprint of the hold it took over (its void approved gives that hold back, the void reversed takes it again), and
 * what its answer added to the request's echo (fields 37, 38 and 39, when that is all it added), so that it can be given
 * again, whether it is a credit (a refund, which no void takes back), its card's origin (the part of the batch it
 * counts in), whether it has been reversed since, and how its issuer got it: about 126 bytes a sale. The oldest is let
 * go when full.
 *
 * <p>An approved void of a kept sale is kept too, as another kind in the same slots ({@link #keptVoid}), when the history
 * forgets it: its terminal that never got its answer reverses it (0400 naming the void's own STAN and batch), often only
 * before its next transaction, and without it that reversal was 25, the cardholder keeping the refund while the
 * terminal's batch counted the sale. The void and its sale name each other through {@link #voidedBy}'s place, as a slot
 * below {@link Transactions#NONE}, so that either let go (or its slot taken by another) breaks the link; a flag tells it
 * a void: nothing more a slot.
 * Pre-allocated; no allocation once built; single-threaded (the switch handler's).
 */
final class KeptSales
{
    static final int NONE = -1;
    private static final float LOAD = 0.5f;
    private static final byte CREDIT = 1;
    private static final byte FOREIGN = 2;
    private static final byte REVERSED = 4;
    private static final byte VOID = 8;

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
    private final int[] rounds;
    private final long[] requestHashes;
    private final KeptAnswers answers;
    private final byte[] flags;
    private final short[] issuers;
    // How the issuer got it, which the 0420 of its reversal names in field 90; an MTI of 0 where that is not known.
    private final short[] issuerMtis;
    private final int[] switchStans;
    private final long[] issuerTransmissions;
    private final int[] rrnPrefixes;
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
        rounds = new int[capacity];
        requestHashes = new long[capacity];
        answers = new KeptAnswers(capacity);
        flags = new byte[capacity];
        issuers = new short[capacity];
        issuerMtis = new short[capacity];
        switchStans = new int[capacity];
        issuerTransmissions = new long[capacity];
        rrnPrefixes = new int[capacity];
        slots = new Long2LongHashMap(Math.max(2 * capacity, 16), LOAD, NONE);
    }

    /**
     * Keeps a sale the history lets go, letting the oldest go when full; returns its slot, or {@link #NONE} when none
     * are kept.
     *
     * @param voidEntry    the history entry of the void that takes it back, or {@link Transactions#NONE}.
     * @param completedKey for a completion that stands, the fingerprint of the hold it took over; else 0.
     * @param completion   a completion, which only a completion void takes back, rather than a sale.
     * @param round        the round of its batch it counted in ({@link #round}).
     * @param requestHash  its content ({@link RequestContent}): what tells it sent again from another sale under its key.
     */
    int add(
        final long fingerprint, final int endpoint, final int terminal, final long batch, final long amount, final int currency, final int card,
        final int voidEntry, final long completedKey, final boolean completion, final int round, final long requestHash)
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
        rounds[slot] = round;
        requestHashes[slot] = requestHash;
        answers.clear(slot);
        flags[slot] = 0;
        issuerMtis[slot] = 0;
        slots.put(fingerprint, slot);
        next = next + 1 == fingerprints.length ? 0 : next + 1;
        return slot;
    }

    /** What the sale's answer added to its echo ({@link KeptAnswers}), by the sale's slot. */
    KeptAnswers answers()
    {
        return answers;
    }

    long requestHash(final int slot)
    {
        return requestHashes[slot];
    }

    /**
     * The round of its terminal's batch the sale counted in: a batch number comes again (a terminal set up again starts
     * from its first), and the sales of the batch that closed under it are not the open one's.
     */
    int round(final int slot)
    {
        return rounds[slot];
    }

    /** The sale kept under this fingerprint from this listener, or {@link #NONE}. */
    int find(final long fingerprint, final int endpoint)
    {
        final int slot = size == 0 ? NONE : (int)slots.get(fingerprint);
        return slot != NONE && endpoints[slot] == endpoint ? slot : NONE;
    }

    int endpoint(final int slot)
    {
        return endpoints[slot];
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

    /**
     * The kept one at {@code voidSlot} is an approved void of the sale at {@code saleSlot}, which it takes back while the
     * two are kept: the sale stays voided (nothing else voids or reverses it) until the void is reversed ({@link #voidUndone}).
     * {@link #NONE}: its sale let go, the void is kept alone.
     */
    void keptVoid(final int voidSlot, final int saleSlot)
    {
        flags[voidSlot] |= VOID;
        if (saleSlot != NONE)
        {
            voidedBy[voidSlot] = link(saleSlot);
            voidedBy[saleSlot] = link(voidSlot);
        }
    }

    /** Whether the kept one is a void ({@link #keptVoid}) rather than a sale: no void or reversal of a sale is of it. */
    boolean isVoid(final int slot)
    {
        return (flags[slot] & VOID) != 0;
    }

    /**
     * The sale the kept void at {@code voidSlot} takes back, or {@link #NONE} when it is no longer kept (let go, its slot
     * another's since).
     */
    int voidedSale(final int voidSlot)
    {
        final int sale = voidedBy[voidSlot] < Transactions.NONE ? Transactions.NONE - 1 - voidedBy[voidSlot] : NONE;
        return sale != NONE && voidedBy[sale] == link(voidSlot) && (flags[sale] & VOID) == 0 ? sale : NONE;
    }

    /** The kept void at {@code voidSlot} was reversed: its sale, while kept, stands again, to be voided or reversed. */
    void voidUndone(final int voidSlot)
    {
        final int sale = voidedSale(voidSlot);
        if (sale != NONE)
        {
            voidedBy[sale] = NONE;
        }
        flags[voidSlot] |= REVERSED;
    }

    private static int link(final int slot)
    {
        return Transactions.NONE - 1 - slot;
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

    /** The sale counts as a credit (a refund) or a debit, in the foreign or the domestic part of its batch. */
    void counted(final int slot, final boolean credit, final boolean foreign)
    {
        flags[slot] = (byte)((flags[slot] & (REVERSED | VOID)) | (credit ? CREDIT : 0) | (foreign ? FOREIGN : 0));
    }

    /** A refund: no void takes it back, and its reversal takes a credit out of the batch. */
    boolean credit(final int slot)
    {
        return (flags[slot] & CREDIT) != 0;
    }

    boolean foreign(final int slot)
    {
        return (flags[slot] & FOREIGN) != 0;
    }

    /** Its terminal reversed it: its issuer has been told (an 0420 owed), and is not told again; nothing voids it. */
    void reversed(final int slot)
    {
        flags[slot] |= REVERSED;
    }

    boolean isReversed(final int slot)
    {
        return (flags[slot] & REVERSED) != 0;
    }

    /**
     * How {@code issuer} got the sale: the message's MTI (0200, or the 0220 of a completion or a stand-in), the switch's
     * STAN and field 7 (MMDDhhmmss as a number), and the day and round of its RRN ({@link Rrn#prefix}).
     */
    void issuerGot(final int slot, final int issuer, final int mti, final int switchStan, final long transmission, final int rrnPrefix)
    {
        issuers[slot] = (short)issuer;
        issuerMtis[slot] = (short)mti;
        switchStans[slot] = switchStan;
        issuerTransmissions[slot] = transmission;
        rrnPrefixes[slot] = rrnPrefix;
    }

    /** Whether how its issuer got it is known ({@link #issuerGot}): what a reversal's 0420 must name. */
    boolean issuerKnown(final int slot)
    {
        return issuerMtis[slot] != 0;
    }

    int issuer(final int slot)
    {
        return issuers[slot];
    }

    int issuerMti(final int slot)
    {
        return issuerMtis[slot];
    }

    int switchStan(final int slot)
    {
        return switchStans[slot];
    }

    long issuerTransmission(final int slot)
    {
        return issuerTransmissions[slot];
    }

    int rrnPrefix(final int slot)
    {
        return rrnPrefixes[slot];
    }
}
