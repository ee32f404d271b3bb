package io.interchange.engine.switching;

import org.agrona.DirectBuffer;
import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;

import io.interchange.codec.Mti;

/**
 * Approved pre-authorizations (holds) the duplicate history ({@link Transactions}) has forgotten: for each, by the
 * acquirer's key, how its issuer got it (the 0100, or the 0120 of one stood in for or made by the acquirer: its MTI,
 * the switch's STAN and field 7), which the completion's 0220, or the 0420 of its reversal, names in field 90 (DESIGN.md
 * §4), and the issuer that holds it. The history covers a
 * minute or two of traffic; a hold is completed minutes to days later (fuel, hotels, car hire), and its 0220 used to go
 * without a field 90 once the history had moved on (nothing named the hold, and the issuer booked a second charge beside
 * it), and its reversal got 25 (the funds stayed held).
 *
 * <p>Only the key's 64-bit fingerprint is kept (as in {@link ForgottenKeys}), the hold packed into one long, the listener
 * it came from, its issuer, its RRN's first six digits and a 32-bit hash of its card beside it: about 60 bytes a hold.
 * The card is checked because an acquirer's key comes round: a UnionPay POS terminal set up again starts its STANs and
 * batches over, and a completion or reversal of today's pre-authorization must not name, or release, another card's hold
 * of last week under the same key. The hash is no card number (2^32 values for some 10^15 card numbers a BIN), which a
 * heap dump would give away.
 *
 * <p>A UnionPay POS hold keeps too what its terminal sending the pre-authorization again is told: its key has no field
 * 7, so {@link ForgottenKeys} does not hold it, and forwarded as new it put a second hold on the cardholder's funds. So
 * its terminal, the count of that terminal's closed batches that its batch is open at ({@link #round}), the hash of its content
 * ({@link RequestContent}) and what its answer added to the echo ({@link KeptAnswers}): about 40 bytes more, 100 a
 * hold. The oldest is let go when full. Pre-allocated; no allocation once built; single-threaded (the switch handler's).
 */
final class PreAuthorizations
{
    static final int NONE = -1;
    private static final float LOAD = 0.5f;
    private static final long ADVICE = 1L << 54;
    private static final long REVERSED = 1L << 55;
    private static final int STAN_SHIFT = 34;
    private static final long TRANSMISSION_MASK = (1L << STAN_SHIFT) - 1;

    private final Long2LongHashMap slots;
    private final long[] fingerprints;
    private final long[] holds;
    private final short[] endpoints;
    private final short[] issuers;
    private final int[] cards;
    private final int[] rrnPrefixes;
    // The history's entry of the completion that took the hold over, or NONE: a second completion would charge the card twice.
    private final int[] completedBy;
    // A UnionPay POS hold's terminal, or -1 for a hold keyed by a field 7; the batch, round and content it was made with.
    private final int[] terminals;
    private final int[] batches;
    private final int[] rounds;
    private final long[] requestHashes;
    private final KeptAnswers answers;
    private int next;
    private int size;

    /** @param capacity holds kept at most; 0 keeps none. */
    PreAuthorizations(final int capacity)
    {
        fingerprints = new long[capacity];
        holds = new long[capacity];
        endpoints = new short[capacity];
        issuers = new short[capacity];
        cards = new int[capacity];
        rrnPrefixes = new int[capacity];
        completedBy = new int[capacity];
        terminals = new int[capacity];
        batches = new int[capacity];
        rounds = new int[capacity];
        requestHashes = new long[capacity];
        answers = new KeptAnswers(capacity);
        slots = new Long2LongHashMap(Math.max(2 * capacity, 16), LOAD, NONE);
    }

    /**
     * Keeps a hold as its issuer got it, under its acquirer key's fingerprint, letting the oldest go when full.
     *
     * @param issuer       the issuer that holds it.
     * @param mti          0100, or 0120 for one the issuer was advised of.
     * @param transmission the issuer's field 7, MMDDhhmmss as a number.
     * @param card         {@link #card} of the hold's card number.
     * @param rrnPrefix    the day and round of the RRN the issuer got ({@link Rrn#prefix}; the STAN is the rest), or {@link Rrn#NO_PREFIX}.
     * @param completion   the history's entry of the completion that took it over while the history held it, or {@link #NONE}.
     * @param terminal     a UnionPay POS hold's terminal, or -1: the pre-authorization sent again is answered for only by a
     *                     POS hold ({@link #answersFor}).
     * @param batch        a UnionPay POS hold's batch number (60.2).
     * @param round        {@link #round}.
     * @param requestHash  its content ({@link RequestContent}): what tells it sent again from another request under its key.
     * @return its slot, or {@link #NONE} when none are kept.
     */
    int add(
        final long fingerprint, final int endpoint, final int issuer, final int mti, final int switchStan, final long transmission, final int card,
        final int rrnPrefix, final int completion, final int terminal, final long batch, final int round, final long requestHash)
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
        fingerprints[next] = fingerprint;
        holds[next] = (mti == Mti.AUTHORIZATION_ADVICE ? ADVICE : 0) | (long)switchStan << STAN_SHIFT | transmission & TRANSMISSION_MASK;
        endpoints[next] = (short)endpoint;
        issuers[next] = (short)issuer;
        cards[next] = card;
        rrnPrefixes[next] = rrnPrefix;
        completedBy[next] = completion;
        terminals[next] = terminal;
        batches[next] = (int)batch;
        rounds[next] = round;
        requestHashes[next] = requestHash;
        answers.clear(next);
        slots.put(fingerprint, next);
        final int slot = next;
        next = next + 1 == fingerprints.length ? 0 : next + 1;
        return slot;
    }

    /** The hold of this card kept under this fingerprint from this listener, or {@link #NONE}. */
    int find(final long fingerprint, final int endpoint, final int card)
    {
        final int slot = size == 0 ? NONE : (int)slots.get(fingerprint);
        return slot != NONE && endpoints[slot] == endpoint && cards[slot] == card ? slot : NONE;
    }

    /**
     * What a hold keeps of its card number ({@code length} ASCII digits from index 0): the number (19 digits fit an
     * unsigned long, so no two card numbers give the same one) mixed and folded to 32 bits.
     */
    static int card(final DirectBuffer digits, final int length)
    {
        long number = 0;
        for (int i = 0; i < length; i++)
        {
            number = number * 10 + (digits.getByte(i) - '0');
        }
        return Hashing.hash(number * 31 + length);
    }

    int mti(final int slot)
    {
        return (holds[slot] & ADVICE) != 0 ? Mti.AUTHORIZATION_ADVICE : Mti.AUTHORIZATION_REQUEST;
    }

    int switchStan(final int slot)
    {
        return (int)((holds[slot] & ~(ADVICE | REVERSED)) >>> STAN_SHIFT);
    }

    int issuer(final int slot)
    {
        return issuers[slot];
    }

    /**
     * The first six digits of the RRN (field 37) the issuer got the hold under, YDDD and the STAN sequence's rounds
     * (its last six are {@link #switchStan}), or {@link #NONE}: an issuer may find the hold by its RRN, as by field 90.
     */
    int rrnPrefix(final int slot)
    {
        return rrnPrefixes[slot];
    }

    /** The acquirer reversed the hold: its issuer has been told (an 0420 owed), and is not told again. */
    void reversed(final int slot)
    {
        holds[slot] |= REVERSED;
    }

    boolean isReversed(final int slot)
    {
        return (holds[slot] & REVERSED) != 0;
    }

    /** A completion, the history's entry {@code completion}, took the hold over. */
    void completedBy(final int slot, final int completion)
    {
        completedBy[slot] = completion;
    }

    /** Whether a completion that stands took the hold over. */
    boolean completed(final int slot)
    {
        return completedBy[slot] != NONE;
    }

    /**
     * The hold kept under {@code fingerprint}, when {@code from} took it over ({@link #NONE}: nothing did), is taken over by
     * {@code to} ({@link #NONE}: it may be completed again), which is how the history or a kept completion names it.
     */
    void handOver(final long fingerprint, final int from, final int to)
    {
        final int slot = size == 0 ? NONE : (int)slots.get(fingerprint);
        if (slot != NONE && completedBy[slot] == from)
        {
            completedBy[slot] = to;
        }
    }

    /** What took over the hold kept under {@code fingerprint}, as {@link #handOver} names it, or {@link #NONE}. */
    int takenOverBy(final long fingerprint)
    {
        final int slot = size == 0 ? NONE : (int)slots.get(fingerprint);
        return slot == NONE ? NONE : completedBy[slot];
    }

    long fingerprint(final int slot)
    {
        return fingerprints[slot];
    }

    long transmission(final int slot)
    {
        return holds[slot] & TRANSMISSION_MASK;
    }

    int endpoint(final int slot)
    {
        return endpoints[slot];
    }

    /**
     * Whether the hold answers for its key when its terminal sends the pre-authorization again: a UnionPay POS hold
     * that has not been reversed (a pre-authorization sent again once its hold is released is new, as a sale reversed
     * is).
     */
    boolean answersFor(final int slot)
    {
        return terminals[slot] >= 0 && (holds[slot] & REVERSED) == 0;
    }

    /** A UnionPay POS hold's terminal ({@link #answersFor}). */
    int terminal(final int slot)
    {
        return terminals[slot];
    }

    /** A UnionPay POS hold's batch number: the one its terminal was in, which its totals may have taken up since. */
    long batch(final int slot)
    {
        return batches[slot];
    }

    /**
     * How many of its terminal's UnionPay POS batches have closed (settled, set aside for their upload, or left behind)
     * while the hold's batch is the terminal's open one, taken up by its totals (SwitchHandler#holdRound). A hold counts
     * in no batch, but its key holds the batch number, which comes again only once batches have closed (a terminal set
     * up again starts from its first): while no more have, the key is the hold's.
     */
    int round(final int slot)
    {
        return rounds[slot];
    }

    long requestHash(final int slot)
    {
        return requestHashes[slot];
    }

    /** What the pre-authorization's answer added to its echo ({@link KeptAnswers}), by the hold's slot. */
    KeptAnswers answers()
    {
        return answers;
    }

    int capacity()
    {
        return fingerprints.length;
    }
}
