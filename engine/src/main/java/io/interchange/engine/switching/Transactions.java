package io.interchange.engine.switching;

import java.util.Arrays;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;

/**
 * The business day's recent financial requests, by the acquirer's key (DESIGN.md §4: acquirer, terminal, STAN,
 * field 7): what makes duplicates (same key: the same content gets the original answer again, other content gets 94),
 * reversals (field 90 names the original by the same key) and UnionPay POS voids (61 names the sale) work.
 *
 * <p>Each entry keeps a hash of the request's content ({@link RequestContent}), its state, the answer the acquirer got
 * (for retransmissions) and the message forwarded to the issuer (to build its reversal advice). Entries live in a
 * ring: the oldest is forgotten when a new one needs its room, so duplicate and reversal detection covers the last
 * {@code capacity} requests, less those still in flight, which are never forgotten. Pre-allocated; single-threaded (the
 * switch handler's).
 */
final class Transactions
{
    static final int NONE = -1;

    /** Known, not yet answered (validation running, or forwarded and in flight). */
    static final byte PENDING = 1;
    /** Answered to the acquirer. */
    static final byte ANSWERED = 2;
    /** Reversed by the acquirer (before or after its answer). */
    static final byte REVERSED = 3;
    private static final int MAX_PAN_DIGITS = 19;
    private static final float KEYS_LOAD = 0.6f;

    private final int capacity;
    private final int maxAnswer;
    private final int maxForwarded;
    private final Long2LongHashMap byKey;
    private final long[] fingerprints;
    private final int[] endpoints;
    private final long[] terminalHighs;
    private final long[] terminalLows;
    private final int[] stans;
    private final long[] transmissions;
    private final boolean[] keysDated;
    private final long[] requestHashes;
    private final byte[] states;
    private final boolean[] approved;
    private final int[] issuers;
    private final int[] terminals;
    // Whether counts() was called: in replay a request of a terminal removed from the settings since counts, with
    // terminal -1, as it did live with its own.
    private final boolean[] counted;
    private final long[] amounts;
    private final boolean[] credits;
    private final boolean[] voidsOfDebits;
    // A UnionPay POS completion (of a hold, 60.1 = 20 or an 0220), which only a completion void (21) takes back, where
    // only a sale's void (23) takes back anything else.
    private final boolean[] completions;
    private final int[] cards;
    // A UnionPay POS sale and the void that takes it back, each naming the other while the void stands or is still with
    // its issuer: a second void of the sale is refused, and a void declined, timed out or reversed lets the sale go.
    private final int[] voidedBy;
    private final int[] voidOf;
    // A hold (or any original a completion names) and the completion that took it over while that completion stands: a
    // second completion of it would charge the card twice. The completion keeps the fingerprint of what it completes, which
    // finds the hold once the history has let it go to the pre-authorizations kept beyond it.
    private final int[] completedBy;
    private final long[] completedKey;
    // The hold an approved completion void gave back (its completion's completedKey): the completion, older, may be let go
    // from the kept sales while its void is still here or kept, and the void reversed must still take the hold again for
    // the completion it makes stand again at the issuer, or a second completion of the hold would charge the card twice.
    private final long[] voidedHolds;
    private final short[] currencies;
    private final short[] reversalReasons;
    private final boolean[] foreign;
    private final UnsafeBuffer answers;
    private final int[] answerLengths;
    // The acquirer's dialect each answer is in: what reads it again when its sale goes on to the kept sales.
    private final byte[] answerDialects;
    // The round of its terminal's UnionPay POS batch an approval counted in, or -1: a kept sale answers for its key only
    // while that batch is open.
    private final int[] batchRounds;
    // A UnionPay POS pre-authorization's terminal (-1 for any other request) and its round ({@link PreAuthorizations#round}):
    // a hold counts in no batch, and goes on with them to {@link #preAuthorizations}.
    private final int[] holdTerminals;
    private final int[] holdRounds;
    private final UnsafeBuffer forwarded;
    private final int[] forwardedLengths;
    private final long[] addedAt;
    private final int[] inFlight;
    private final int[] ownAdvice;
    private final long[] ownAdviceSerial;
    private final boolean[] authorizations;
    private final boolean[] inquiries;
    private final ForgottenKeys forgotten;
    private final PreAuthorizations preAuthorizations;
    private final KeptSales keptSales;
    private final MessageReader forwardedReader;
    private final MessageReader[] answerReaders;
    private final UnsafeBuffer panScratch = new UnsafeBuffer(new byte[MAX_PAN_DIGITS]);
    private long evictedAddedAt = Long.MIN_VALUE;
    private int next;

    /**
     * @param forgottenKeys     keys of forgotten requests kept beyond {@code capacity} ({@link ForgottenKeys}).
     * @param preAuthorizations approved pre-authorizations kept beyond {@code capacity} ({@link PreAuthorizations}).
     * @param posSales          approved UnionPay POS sales kept beyond {@code capacity} for their voids ({@link KeptSales}).
     * @param issuerDialect     what forwarded messages are written in.
     * @param acquirerDialects  what answers are written in, by the dialect ids {@link #answered} is given.
     */
    Transactions(
        final int capacity, final int maxAnswer, final int maxForwarded, final int forgottenKeys, final int preAuthorizations,
        final int posSales, final Dialect issuerDialect, final List<Dialect> acquirerDialects)
    {
        this.capacity = capacity;
        this.maxAnswer = maxAnswer;
        this.maxForwarded = maxForwarded;
        // The history's keys and the forgotten ones in one map (ForgottenKeys), never grown: sized for both at KEYS_LOAD.
        byKey = new Long2LongHashMap((int)Math.min(1 << 29, (long)Math.ceil((capacity + (long)forgottenKeys) / KEYS_LOAD) + 1), KEYS_LOAD, NONE);
        fingerprints = new long[capacity];
        endpoints = new int[capacity];
        terminalHighs = new long[capacity];
        terminalLows = new long[capacity];
        stans = new int[capacity];
        transmissions = new long[capacity];
        keysDated = new boolean[capacity];
        requestHashes = new long[capacity];
        states = new byte[capacity];
        approved = new boolean[capacity];
        issuers = new int[capacity];
        terminals = new int[capacity];
        counted = new boolean[capacity];
        amounts = new long[capacity];
        credits = new boolean[capacity];
        voidsOfDebits = new boolean[capacity];
        completions = new boolean[capacity];
        cards = new int[capacity];
        voidedBy = new int[capacity];
        voidOf = new int[capacity];
        completedBy = new int[capacity];
        completedKey = new long[capacity];
        voidedHolds = new long[capacity];
        foreign = new boolean[capacity];
        currencies = new short[capacity];
        reversalReasons = new short[capacity];
        answers = new UnsafeBuffer(new byte[capacity * maxAnswer]);
        answerLengths = new int[capacity];
        answerDialects = new byte[capacity];
        batchRounds = new int[capacity];
        holdTerminals = new int[capacity];
        holdRounds = new int[capacity];
        forwarded = new UnsafeBuffer(new byte[capacity * maxForwarded]);
        forwardedLengths = new int[capacity];
        addedAt = new long[capacity];
        inFlight = new int[capacity];
        Arrays.fill(inFlight, NONE);
        ownAdvice = new int[capacity];
        ownAdviceSerial = new long[capacity];
        authorizations = new boolean[capacity];
        inquiries = new boolean[capacity];
        forgotten = new ForgottenKeys(forgottenKeys, byKey);
        this.preAuthorizations = new PreAuthorizations(preAuthorizations);
        keptSales = new KeptSales(posSales);
        forwardedReader = new MessageReader(issuerDialect);
        answerReaders = new MessageReader[acquirerDialects.size()];
        for (int i = 0; i < answerReaders.length; i++)
        {
            answerReaders[i] = new MessageReader(acquirerDialects.get(i));
        }
    }

    /** The entry for the key, or NONE. */
    int find(final int endpoint, final long terminalHigh, final long terminalLow, final int stan, final long transmission)
    {
        final long fingerprint = fingerprint(endpoint, terminalHigh, terminalLow, stan, transmission);
        final int entry = (int)byKey.get(fingerprint);
        if (entry < 0 || endpoints[entry] != endpoint || terminalHighs[entry] != terminalHigh || terminalLows[entry] != terminalLow ||
            stans[entry] != stan || transmissions[entry] != transmission)
        {
            return NONE;
        }
        return entry;
    }

    /**
     * The approved pre-authorization with this key the history has forgotten, as {@link #preAuthorizations()} keeps it,
     * or {@link PreAuthorizations#NONE}.
     */
    int forgottenHold(final int endpoint, final long terminalHigh, final long terminalLow, final int stan, final long transmission, final int card)
    {
        return preAuthorizations.find(fingerprint(endpoint, terminalHigh, terminalLow, stan, transmission), endpoint, card);
    }

    PreAuthorizations preAuthorizations()
    {
        return preAuthorizations;
    }

    /** Whether a request with this key was made and has been forgotten since, all but its key ({@link ForgottenKeys}). */
    boolean forgotten(final int endpoint, final long terminalHigh, final long terminalLow, final int stan, final long transmission)
    {
        return forgotten.contains(fingerprint(endpoint, terminalHigh, terminalLow, stan, transmission));
    }

    /**
     * Whether a request with this key was reversed before the history forgot it ({@link ForgottenKeys#reversed}): a
     * reversal naming it now is a repeat of one the switch acknowledged.
     */
    boolean forgottenReversed(final int endpoint, final long terminalHigh, final long terminalLow, final int stan, final long transmission)
    {
        return forgotten.reversed(fingerprint(endpoint, terminalHigh, terminalLow, stan, transmission));
    }

    /**
     * A new entry for the key, made at event time {@code now}, forgetting the oldest when the ring is full: when it
     * did, {@link #evictedAddedAt} says when the forgotten one was made. {@code dated}: the key's transmission is a
     * field 7, whose duplicate window bounds how long it can come back, so its key is kept once the entry is forgotten
     * ({@link ForgottenKeys}). A UnionPay POS key (its batch number instead) has no such bound, and a terminal that
     * starts its STANs again once its batch has closed must not meet the keys of long ago: only an approved sale's goes
     * on, to {@link KeptSales}, which answers for it while its batch is open, and an approved pre-authorization's, to
     * {@link PreAuthorizations}, which answers for it while its terminal is in its batch.
     */
    int add(
        final int endpoint, final long terminalHigh, final long terminalLow, final int stan, final long transmission, final boolean dated,
        final boolean authorization, final long requestHash, final long now, final AdviceQueue advices)
    {
        // A request still in flight keeps its entry: its answer, time-out and reversal advice go through it; so does a
        // stand-in whose own advice (0220, 0120) the issuer has not yet acknowledged, which a void must still find. The
        // config holds at least twice as many entries as requests in flight, so a free one is never far; only a
        // history made smaller than that by hand would have to take one of those.
        int entry = next;
        for (int skipped = 0; (inFlight[entry] != NONE || advices.queued(ownAdvice[entry], ownAdviceSerial[entry])) && skipped < capacity; skipped++)
        {
            entry = (entry + 1) % capacity;
        }
        next = (entry + 1) % capacity;
        evictedAddedAt = Long.MIN_VALUE;
        if (states[entry] != 0)
        {
            if (byKey.get(fingerprints[entry]) == entry)
            {
                if (keysDated[entry])
                {
                    forgotten.add(fingerprints[entry], states[entry] == REVERSED);
                }
                else
                {
                    byKey.remove(fingerprints[entry]);
                }
                if (authorizations[entry] && approved[entry] && states[entry] == ANSWERED)
                {
                    keepHold(entry);
                }
                else if (!keysDated[entry] && approved[entry] && states[entry] == ANSWERED && terminals[entry] >= 0 && !voidsOfDebits[entry])
                {
                    // A refund too: sent again once forgotten, it would be credited to the card a second time.
                    keepSale(entry);
                }
                else if (!keysDated[entry] && approved[entry] && states[entry] == ANSWERED && terminals[entry] >= 0 && voidsOfDebits[entry])
                {
                    keepVoid(entry);
                }
            }
            evictedAddedAt = addedAt[entry];
        }
        addedAt[entry] = now;
        inFlight[entry] = NONE;
        ownAdvice[entry] = NONE;
        final long fingerprint = fingerprint(endpoint, terminalHigh, terminalLow, stan, transmission);
        fingerprints[entry] = fingerprint;
        endpoints[entry] = endpoint;
        terminalHighs[entry] = terminalHigh;
        terminalLows[entry] = terminalLow;
        stans[entry] = stan;
        transmissions[entry] = transmission;
        keysDated[entry] = dated;
        authorizations[entry] = authorization;
        inquiries[entry] = false;
        requestHashes[entry] = requestHash;
        states[entry] = PENDING;
        approved[entry] = false;
        issuers[entry] = -1;
        terminals[entry] = -1;
        counted[entry] = false;
        amounts[entry] = 0;
        credits[entry] = false;
        voidsOfDebits[entry] = false;
        completions[entry] = false;
        cards[entry] = 0;
        voidedBy[entry] = NONE;
        voidOf[entry] = NONE;
        completedBy[entry] = NONE;
        completedKey[entry] = 0;
        voidedHolds[entry] = 0;
        currencies[entry] = 0;
        reversalReasons[entry] = 0;
        foreign[entry] = false;
        answerLengths[entry] = 0;
        batchRounds[entry] = -1;
        holdTerminals[entry] = -1;
        forwardedLengths[entry] = 0;
        byKey.put(fingerprint, entry);
        return entry;
    }

    /**
     * An approved pre-authorization leaves the history: how its issuer got it goes on to {@link #preAuthorizations}, and
     * for a UnionPay POS one what its terminal sending it again is told: its content, and what of its answer makes that
     * again.
     */
    private void keepHold(final int entry)
    {
        if (forwardedLengths[entry] > 0 &&
            forwardedReader.wrap(forwarded, entry * maxForwarded, forwardedLengths[entry]) == DecodeError.NONE &&
            Mti.messageClass(forwardedReader.mti()) == 1 && forwardedReader.has(11) && forwardedReader.has(7) && forwardedReader.has(2) &&
            forwardedReader.units(2) <= MAX_PAN_DIGITS)
        {
            // The switch forwards every request with field 2, a swipe's taken from its track 2.
            final int slot = preAuthorizations.add(fingerprints[entry], endpoints[entry], issuers[entry], forwardedReader.mti(),
                (int)forwardedReader.getLong(11), forwardedReader.getLong(7), PreAuthorizations.card(panScratch, forwardedReader.getText(2, panScratch, 0)),
                Rrn.prefix(forwardedReader), completedBy[entry], keysDated[entry] ? -1 : holdTerminals[entry], transmissions[entry],
                holdRounds[entry], requestHashes[entry]);
            if (slot != PreAuthorizations.NONE)
            {
                keepAnswer(entry, preAuthorizations.answers(), slot);
            }
        }
    }

    /** What the answer the acquirer got for {@code entry} added to its echo, kept in {@code kept} at {@code slot}. */
    private void keepAnswer(final int entry, final KeptAnswers kept, final int slot)
    {
        final MessageReader answer = answerReaders.length == 0 ? null : answerReaders[answerDialects[entry]];
        if (answer != null && answerLengths[entry] > 0 && answer.wrap(answers, entry * maxAnswer, answerLengths[entry]) == DecodeError.NONE)
        {
            kept.keep(slot, answer);
        }
    }

    /**
     * An approved UnionPay POS sale, completion or refund leaves the history: what a void of it is checked against goes on to
     * {@link #keptSales}, with the void that takes it back, which then names the kept sale, and for a completion the hold
     * it took over, which then names the kept completion (its void approved or reversed must still find the hold); what
     * its terminal sending it again is told: its content, and what of its answer makes that again; and how its issuer got
     * it, which its reversal's 0420 names.
     */
    private void keepSale(final int entry)
    {
        final int voidEntry = voidedBy[entry];
        final int slot = keep(entry, voidEntry, completedKey[entry], completions[entry]);
        if (slot != KeptSales.NONE && voidEntry != NONE && voidOf[voidEntry] == entry)
        {
            voidOf[voidEntry] = keptRef(slot);
        }
        if (slot != KeptSales.NONE)
        {
            handOver(completedKey[entry], entry, keptRef(slot));
        }
    }

    /**
     * An approved UnionPay POS void (60.1 = 23, 21) leaves the history: while the sale it takes back is kept, it is kept
     * beside it ({@link KeptSales#keptVoid}), so that its terminal's reversal of it (its answer never got) undoes it at
     * its issuer and in the batch, and the same void sent again gets its original answer rather than a second refund. A
     * void whose sale the history still holds (one held past its turn, in flight) is not: its sale is not kept to be
     * given back.
     */
    private void keepVoid(final int entry)
    {
        final int sale = voidOf[entry];
        if (sale >= NONE || !keptSales.voidedBy(NONE - 1 - sale, entry))
        {
            return;
        }
        final int slot = keep(entry, NONE, voidedHolds[entry], false);
        if (slot != KeptSales.NONE)
        {
            // Its own slot may have been the sale's, the oldest let go: a void kept alone, reversed all the same.
            keptSales.keptVoid(slot, keptSales.voidedBy(NONE - 1 - sale, entry) ? NONE - 1 - sale : KeptSales.NONE);
        }
    }

    /**
     * Keeps the approved {@code entry} in {@link #keptSales}: its key, batch and card, what its answer added to its echo,
     * how it counts, and how its issuer got it. Returns its slot, or {@link KeptSales#NONE}.
     */
    private int keep(final int entry, final int voidEntry, final long completedOf, final boolean completion)
    {
        final int slot = keptSales.add(fingerprints[entry], endpoints[entry], terminals[entry], transmissions[entry], amounts[entry], currencies[entry],
            cards[entry], voidEntry, completedOf, completion, batchRounds[entry], requestHashes[entry]);
        if (slot == KeptSales.NONE)
        {
            return slot;
        }
        keepAnswer(entry, keptSales.answers(), slot);
        keptSales.counted(slot, credits[entry], foreign[entry]);
        if (forwardedLengths[entry] > 0 && forwardedReader.wrap(forwarded, entry * maxForwarded, forwardedLengths[entry]) == DecodeError.NONE &&
            forwardedReader.has(11) && forwardedReader.has(7))
        {
            keptSales.issuerGot(slot, issuers[entry], forwardedReader.mti(), (int)forwardedReader.getLong(11), forwardedReader.getLong(7),
                Rrn.prefix(forwardedReader));
        }
        return slot;
    }

    /**
     * The kept void at {@code slot} was reversed by its terminal: the sale it took back, while kept, stands again, and a
     * completion takes its hold back, as when a void the history holds is reversed ({@link #voidFailed}): by its kept
     * completion, or, that let go, by the void's own slot, which kept the hold's key, so that no other completion takes
     * the hold its completion, standing again at the issuer, holds.
     */
    void keptVoidReversed(final int slot)
    {
        final int sale = keptSales.voidedSale(slot);
        keptSales.voidUndone(slot);
        final int holder = sale != KeptSales.NONE ? keptRef(sale) : keptRef(slot);
        handOver(completedKey(holder), NONE, holder);
    }

    /**
     * Whether the kept void at {@code slot}, a completion void, gave back a hold another completion has taken over since:
     * reversed, it would make its completion stand again beside that one ({@link #holdTakenSince}).
     */
    boolean keptVoidHoldTakenSince(final int slot)
    {
        final int sale = keptSales.voidedSale(slot);
        return heldByAnother(sale != KeptSales.NONE ? keptRef(sale) : keptRef(slot));
    }

    /**
     * The approved UnionPay POS sale with this key the history has forgotten, as {@link #keptSales()} keeps it, or
     * {@link KeptSales#NONE}.
     */
    int keptSale(final int endpoint, final long terminalHigh, final long terminalLow, final int stan, final long transmission)
    {
        return keptSales.find(fingerprint(endpoint, terminalHigh, terminalLow, stan, transmission), endpoint);
    }

    /**
     * The kept sale at {@code slot} was reversed by its terminal: it no longer stands, and a kept completion's hold may be
     * completed again, as when a completion the history holds is reversed.
     */
    void keptSaleReversed(final int slot)
    {
        keptSales.reversed(slot);
        handOver(keptSales.completedKey(slot), keptRef(slot), NONE);
    }

    KeptSales keptSales()
    {
        return keptSales;
    }

    /** What a void names a kept sale by, where it names a sale in the history by its entry: below {@link #NONE}. */
    static int keptRef(final int slot)
    {
        return NONE - 1 - slot;
    }

    /**
     * Forgets a request the switch refused for a passing want of its own (96), key and all, so that the same key is
     * new again: its entry's room is taken by a later {@link #add}.
     */
    void forget(final int entry)
    {
        if (byKey.get(fingerprints[entry]) == entry)
        {
            byKey.remove(fingerprints[entry]);
        }
        voidFailed(entry);
        completionUndone(entry);
        states[entry] = 0;
        inFlight[entry] = NONE;
        ownAdvice[entry] = NONE;
    }

    /**
     * The request's entry in the in-flight table while it is with an issuer, or NONE once it is not: such an entry is
     * never forgotten, even once reversed, since its answer or time-out still goes through it.
     */
    void inFlight(final int entry, final int inFlightEntry)
    {
        inFlight[entry] = inFlightEntry;
    }

    /** The request's entry in the in-flight table, or NONE when it is not with an issuer. */
    int inFlightEntry(final int entry)
    {
        return inFlight[entry];
    }

    /** The advice the switch owes the issuer for this request (a stand-in's 0220 or 0120, a completion's 0220): its entry and serial. */
    void ownAdvice(final int entry, final int advice, final long serial)
    {
        ownAdvice[entry] = advice;
        ownAdviceSerial[entry] = serial;
    }

    /** The entry's own advice (0220, 0120) in the advice queue, or NONE; {@link #ownAdviceSerial} tells whether it is still that one. */
    int ownAdvice(final int entry)
    {
        return ownAdvice[entry];
    }

    long ownAdviceSerial(final int entry)
    {
        return ownAdviceSerial[entry];
    }

    /** Whether the entry's request is still in the in-flight table (see {@link #inFlight(int, int)}). */
    boolean withIssuer(final int entry)
    {
        return inFlight[entry] != NONE;
    }

    /** Requests remembered at most. */
    int capacity()
    {
        return capacity;
    }

    /** When the entry the last {@link #add} forgot had been made (event time), or Long.MIN_VALUE if it forgot none. */
    long evictedAddedAt()
    {
        return evictedAddedAt;
    }

    long requestHash(final int entry)
    {
        return requestHashes[entry];
    }

    byte state(final int entry)
    {
        return states[entry];
    }

    void state(final int entry, final byte state)
    {
        states[entry] = state;
        if (state == REVERSED)
        {
            voidFailed(entry);
            completionUndone(entry);
        }
    }

    /**
     * The reason (field 39, two ASCII characters) the acquirer gave for reversing the request while it was with its
     * issuer: the 0420 that undoes the issuer's approval, when it comes, gives it.
     */
    void reversalReason(final int entry, final char first, final char second)
    {
        reversalReasons[entry] = (short)(first << 8 | second);
    }

    /** The reversal reason kept by {@link #reversalReason(int, char, char)} into {@code to} (two characters), or nothing when none was. */
    void reversalReason(final int entry, final StringBuilder to)
    {
        to.setLength(0);
        final int reason = reversalReasons[entry] & 0xFFFF;
        if (reason != 0)
        {
            to.append((char)(reason >>> 8)).append((char)(reason & 0xFF));
        }
    }

    boolean approved(final int entry)
    {
        return approved[entry];
    }

    int issuer(final int entry)
    {
        return issuers[entry];
    }

    /**
     * What the request adds to its terminal's batch totals once approved: the terminal, the amount and its currency
     * (ISO 4217 numeric), debit or credit, and the card ({@link PreAuthorizations#card}), which a void must be of. A
     * request that never counts (a balance inquiry, a pre-authorization) keeps terminal -1. {@code voidOfDebit}: a
     * UnionPay POS void of a sale or completion, a credit to the issuer that takes the voided debit out of the batch,
     * as POS terminals report it.
     */
    void counts(
        final int entry, final int terminal, final long amount, final int currency, final boolean credit, final boolean voidOfDebit, final int card)
    {
        terminals[entry] = terminal;
        counted[entry] = true;
        amounts[entry] = amount;
        currencies[entry] = (short)currency;
        credits[entry] = credit;
        voidsOfDebits[entry] = voidOfDebit;
        cards[entry] = card;
    }

    /** The card of a request that counts, as {@link #counts} kept it. */
    int card(final int entry)
    {
        return cards[entry];
    }

    /**
     * The void {@code voidEntry}, gone to its issuer, takes back {@code sale} (an entry, or a kept sale's {@link #keptRef}):
     * until it fails, the sale is voided.
     */
    void voids(final int voidEntry, final int sale)
    {
        voidOf[voidEntry] = sale;
        if (sale < NONE)
        {
            keptSales.voids(NONE - 1 - sale, voidEntry);
        }
        else
        {
            voidedBy[sale] = voidEntry;
        }
    }

    /** Whether a void of the sale stands, or is still with its issuer. */
    boolean voided(final int sale)
    {
        return voidedBy[sale] != NONE;
    }

    /**
     * The entry, a void, did not take its sale back (declined, timed out, reversed, forgotten): the sale may be voided
     * again. Its sale's entry taken by another request since has nothing of it, and is left alone.
     */
    private void voidFailed(final int entry)
    {
        final int sale = voidOf[entry];
        if (sale == NONE)
        {
            return;
        }
        voidOf[entry] = NONE;
        final boolean itsVoid = sale < NONE ? keptSales.voidFailed(NONE - 1 - sale, entry) : voidedBy[sale] == entry;
        if (!itsVoid)
        {
            // Its completion let go from the kept sales: an approved void gave its hold back, and the completion it makes
            // stand again takes it through the void, which stands in for it from now on.
            handOver(voidedHolds[entry], NONE, entry);
            return;
        }
        if (sale > NONE)
        {
            voidedBy[sale] = NONE;
        }
        // A completion whose void was approved and is now reversed stands again at its issuer: it holds its hold again,
        // unless another completion has taken that over since. A void declined or timed out never let the hold go.
        handOver(completedKey(sale), NONE, sale);
    }

    /** Whether the request was an authorization (0100, 0120, or a repeat of one): what a field 90 of class 1 names. */
    boolean authorization(final int entry)
    {
        return authorizations[entry];
    }

    /** The request is a balance inquiry (processing code 31): it moves and holds nothing, so its reversal has nothing to undo. */
    void markInquiry(final int entry)
    {
        inquiries[entry] = true;
    }

    boolean inquiry(final int entry)
    {
        return inquiries[entry];
    }

    /** The completion {@code completion} takes over {@code original}, a request the history still holds: until it is undone, that is completed. */
    void completes(final int completion, final int original)
    {
        completedBy[original] = completion;
        completedKey[completion] = fingerprints[original];
    }

    /** The completion {@code completion} takes over the hold {@code slot} of {@link #preAuthorizations}, which the history has let go. */
    void completesForgotten(final int completion, final int slot)
    {
        preAuthorizations.completedBy(slot, completion);
        completedKey[completion] = preAuthorizations.fingerprint(slot);
    }

    /** The entry is a completion (an 0220, or a UnionPay POS one asked for online), whether or not it found what it completes. */
    void completion(final int entry)
    {
        completions[entry] = true;
    }

    /** Whether the entry is a completion ({@link #completion(int)}): what a UnionPay POS completion void names, and a sale's void does not. */
    boolean isCompletion(final int entry)
    {
        return completions[entry];
    }

    /** Whether a completion that stands has taken over the request. */
    boolean completed(final int original)
    {
        return completedBy[original] != NONE;
    }

    /**
     * The void {@code voidEntry} was approved: when what it takes back is a completion (a UnionPay POS completion void,
     * 60.1 = 21), the hold that completion took over is the terminal's to complete again, as the issuer restores it,
     * whether the history still holds the completion or has let it go ({@link KeptSales} keeps the hold it took over).
     */
    void voidApproved(final int voidEntry)
    {
        final int voided = voidOf[voidEntry];
        if (takesBack(voidEntry, voided))
        {
            // The completion keeps what it completed: reversed, the void makes it stand again (voidFailed).
            voidedHolds[voidEntry] = completedKey(voided);
            handOver(voidedHolds[voidEntry], voided, NONE);
        }
    }

    /**
     * Whether {@code voided}, what the void names, is still what it takes back: it may be a kept sale's slot (below
     * NONE), and either may hold another request since.
     */
    private boolean takesBack(final int voidEntry, final int voided)
    {
        return voided != NONE && (voided < NONE ? keptSales.voidedBy(NONE - 1 - voided, voidEntry) : voidedBy[voided] == voidEntry);
    }

    /**
     * Whether the void, a UnionPay POS completion void approved, gave back a hold that another completion has taken over
     * since: reversed, it would make the completion it took back stand again beside that one, the hold completed twice.
     */
    boolean holdTakenSince(final int voidEntry)
    {
        final int voided = voidOf[voidEntry];
        // Its completion let go from the kept sales, the hold it gave back taken by anyone is another's.
        return takesBack(voidEntry, voided) ? heldByAnother(voided) : voidedHolds[voidEntry] != 0 && holder(voidedHolds[voidEntry]) != NONE;
    }

    /** Whether the hold the completion {@code voided} (an entry, or a kept one's {@link #keptRef}) took over is another's now. */
    private boolean heldByAnother(final int voided)
    {
        final long key = completedKey(voided);
        if (key == 0)
        {
            return false;
        }
        final int holder = holder(key);
        return holder != NONE && holder != voided;
    }

    /** What has taken over the hold (or original) under {@code key}: a completion's entry or {@link #keptRef}, or {@link #NONE}. */
    private int holder(final long key)
    {
        final int original = (int)byKey.get(key);
        return original >= 0 && fingerprints[original] == key ? completedBy[original] : preAuthorizations.takenOverBy(key);
    }

    /** What a completion, by its entry or a kept sale's {@link #keptRef}, took over: the hold's fingerprint, or 0. */
    private long completedKey(final int completion)
    {
        return completion < NONE ? keptSales.completedKey(NONE - 1 - completion) : completedKey[completion];
    }

    /**
     * The entry, a completion, no longer stands (reversed, or forgotten for a passing want of the switch's own): the
     * original it took over may be completed again, whether the history still holds that or has let it go. A completion
     * voided keeps what it completed ({@link #voidApproved}), for its void may be reversed.
     */
    private void completionUndone(final int completion)
    {
        final long key = completedKey[completion];
        if (key == 0)
        {
            return;
        }
        completedKey[completion] = 0;
        handOver(key, completion, NONE);
    }

    /**
     * The original under {@code key} (a hold the history holds, or one it let go to {@link #preAuthorizations}), when
     * {@code from} took it over ({@link #NONE}: nothing did), is taken over by {@code to} ({@link #NONE}: it may be
     * completed again): a completion by its entry, or once the history lets it go by its {@link #keptRef}.
     */
    private void handOver(final long key, final int from, final int to)
    {
        if (key == 0)
        {
            return;
        }
        final int original = (int)byKey.get(key);
        if (original >= 0 && fingerprints[original] == key && completedBy[original] == from)
        {
            completedBy[original] = to;
        }
        else
        {
            preAuthorizations.handOver(key, from, to);
        }
    }

    /**
     * A UnionPay POS pre-authorization of {@code terminal}, made in its round {@code round} ({@link PreAuthorizations#round}):
     * once approved and forgotten, its hold answers for its key while that terminal closes no batch.
     */
    void heldAt(final int entry, final int terminal, final int round)
    {
        holdTerminals[entry] = terminal;
        holdRounds[entry] = round;
    }

    /** The approval counted in round {@code round} of its terminal's UnionPay POS batch ({@link KeptSales#round}). */
    void countedIn(final int entry, final int round)
    {
        batchRounds[entry] = round;
    }

    /** The batch (60.2) that keys a UnionPay POS request in place of a field 7; -1 for a request keyed by its field 7. */
    long posBatch(final int entry)
    {
        return keysDated[entry] ? -1 : transmissions[entry];
    }

    boolean voidOfDebit(final int entry)
    {
        return voidsOfDebits[entry];
    }

    int currency(final int entry)
    {
        return currencies[entry];
    }

    int terminal(final int entry)
    {
        return terminals[entry];
    }

    /**
     * Whether the request counts in its terminal's batch ({@link #counts}): a sale, cash, a refund, a completion, a void,
     * whose amount and currency are kept. Its terminal is -1 in replay when the settings no longer have it.
     */
    boolean counted(final int entry)
    {
        return counted[entry];
    }

    long amount(final int entry)
    {
        return amounts[entry];
    }

    boolean credit(final int entry)
    {
        return credits[entry];
    }

    /** The card's origin, once its BIN routed it: which part of a UnionPay POS batch's totals it counts in. */
    void foreign(final int entry, final boolean isForeign)
    {
        foreign[entry] = isForeign;
    }

    boolean foreign(final int entry)
    {
        return foreign[entry];
    }

    /**
     * Keeps the answer the acquirer got (message bytes, no header, in the acquirer dialect of id {@code dialect}); an
     * answer too large is not kept.
     */
    void answered(final int entry, final int dialect, final DirectBuffer src, final int offset, final int length, final boolean wasApproved)
    {
        if (states[entry] == PENDING)
        {
            states[entry] = ANSWERED;
        }
        approved[entry] = wasApproved;
        if (!wasApproved)
        {
            voidFailed(entry);
        }
        if (length <= maxAnswer)
        {
            answers.putBytes(entry * maxAnswer, src, offset, length);
            answerLengths[entry] = length;
            answerDialects[entry] = (byte)dialect;
        }
    }

    /** The switch approved it itself, as it does a completion (0220): a reversal of it is a reversal of an approval. */
    void approvedBySwitch(final int entry)
    {
        approved[entry] = true;
    }

    /** Answered, with no answer to keep (the acquirer's link had gone). */
    void closed(final int entry, final boolean wasApproved)
    {
        if (states[entry] == PENDING)
        {
            states[entry] = ANSWERED;
        }
        approved[entry] = wasApproved;
        if (!wasApproved)
        {
            voidFailed(entry);
        }
    }

    /** The answer kept for retransmissions; 0 when there is none. */
    int answerLength(final int entry)
    {
        return answerLengths[entry];
    }

    DirectBuffer answers()
    {
        return answers;
    }

    int answerOffset(final int entry)
    {
        return entry * maxAnswer;
    }

    /** Keeps the message forwarded to the issuer, from which its reversal advice is built. */
    void forwarded(final int entry, final int issuer, final DirectBuffer src, final int offset, final int length)
    {
        issuers[entry] = issuer;
        if (length <= maxForwarded)
        {
            forwarded.putBytes(entry * maxForwarded, src, offset, length);
            forwardedLengths[entry] = length;
        }
    }

    int forwardedLength(final int entry)
    {
        return forwardedLengths[entry];
    }

    DirectBuffer forwardedMessages()
    {
        return forwarded;
    }

    int forwardedOffset(final int entry)
    {
        return entry * maxForwarded;
    }

    private static long fingerprint(final int endpoint, final long terminalHigh, final long terminalLow, final int stan, final long transmission)
    {
        long h = endpoint * 0x9E3779B97F4A7C15L;
        h = (h ^ terminalHigh) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ terminalLow) * 0x165667B19E3779F9L;
        h = (h ^ stan) * 0x9E3779B97F4A7C15L;
        h = (h ^ transmission) * 0xC2B2AE3D27D4EB4FL;
        return h ^ (h >>> 31);
    }
}
