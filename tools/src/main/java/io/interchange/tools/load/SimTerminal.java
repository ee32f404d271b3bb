package io.interchange.tools.load;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated terminal: its terminal id and merchant, its cards, its STANs, what it may still void, and its batch
 * totals. Confined to the event loop of its connection: nothing here is shared, so nothing is locked.
 *
 * <p>STANs are unique over the whole run, not only per terminal: terminal {@code t} of {@code n} takes
 * {@code t + 1}, {@code t + 1 + n}, {@code t + 1 + 2n}... up to 999,999, then starts again. Simulated terminals
 * may share a terminal id (there are more of them than the configuration has ids), and the switch knows a request
 * by its terminal id, STAN and field 7 (duplicates, reversals); a STAN comes round again only after 999,999
 * requests of the whole run, by when field 7 has moved on.
 */
final class SimTerminal
{
    private static final int MAX_STAN = 999_999;
    /** 10,000 a second a lane: 160,000 requests a second over 16 terminals. */
    private static final long STAN_STEPS_PER_MILLI = 10;

    private final int index;
    private final LoadPlan.Acceptor acceptor;
    private final int stride;
    private final int[] active;
    private final int[] lost;
    private final int[] stolen;
    private final int[] expired;
    private final long[] lastUse;
    private final long spacingNanos;
    private final SplittableRandom random;
    private final List<TransactionCase> declines;
    private final long overLimit;

    private int stanStep;
    private int activeCursor;
    private int lostCursor;
    private int stolenCursor;
    private int expiredCursor;
    private int declineTurn;
    private int malformedTurn;

    // The last approved purchase not yet voided: what a void reverses.
    private boolean voidable;
    private int voidStan;
    private long voidTransmission;
    private long voidAmount;
    private int voidCard;

    private final long[] totals = new long[TerminalBatch.FIELDS];

    /**
     * Terminal {@code index} of the plan; {@code epochMillis} is when the run starts, which decides where in its
     * card pools the terminal starts (see {@link #startOf}).
     */
    SimTerminal(final LoadPlan plan, final int index, final long seed, final long epochMillis)
    {
        this.index = index;
        this.acceptor = plan.acceptor(index);
        this.stride = plan.options().terminals();
        this.stanStep = firstStanStep(epochMillis, stride);
        this.active = plan.active(index);
        this.lost = plan.lost(index);
        this.stolen = plan.stolen(index);
        this.expired = plan.expired(index);
        this.lastUse = plan.lastUse();
        this.spacingNanos = plan.spacingNanos();
        this.random = new SplittableRandom(seed * 1_000_003L + index);
        this.declines = plan.declines();
        this.overLimit = plan.maxAmount() + 1;
        // Each terminal starts its turns of declines and malformed messages at its own place, so that a short run
        // with many terminals still sends every kind.
        this.declineTurn = index;
        this.malformedTurn = index;
        final long spacingMillis = Math.max(1, spacingNanos / 1_000_000);
        activeCursor = startOf(active.length, epochMillis, spacingMillis);
        lostCursor = startOf(lost.length, epochMillis, spacingMillis);
        stolenCursor = startOf(stolen.length, epochMillis, spacingMillis);
        expiredCursor = startOf(expired.length, epochMillis, spacingMillis);
    }

    /**
     * Where in a pool of {@code size} cards a run starting at {@code epochMillis} starts: where a terminal taking
     * the whole pool every spacing would be by then. The switch counts a card's requests per minute whichever run
     * sent them; runs started one after another so start further on in their pools, past the cards the run before
     * took last, rather than all at the first cards again.
     */
    static int startOf(final int size, final long epochMillis, final long spacingMillis)
    {
        return size == 0 ? 0 : (int)(Math.floorMod(epochMillis, spacingMillis) * size / spacingMillis);
    }

    int index()
    {
        return index;
    }

    LoadPlan.Acceptor acceptor()
    {
        return acceptor;
    }

    SplittableRandom random()
    {
        return random;
    }

    /**
     * Where a run starting at {@code epochMillis} starts its terminals' STAN lanes: where a clock moving
     * {@value #STAN_STEPS_PER_MILLI} steps a millisecond, faster than any run takes STANs, is by then, so that runs one
     * after another with the same number of terminals do not send the same STANs. What keeps two runs' keys apart
     * whatever their sizes is field 7: each run's first request waits for the next whole second (LoadRun, and
     * LoadConnection's closed loop), so no two runs share a field 7, and the same terminal, STAN and field 7 (which the
     * switch would answer 94, other content under a known key) never come twice.
     */
    static int firstStanStep(final long epochMillis, final int stride)
    {
        final int steps = MAX_STAN / stride;
        return (int)Math.floorMod(epochMillis * STAN_STEPS_PER_MILLI, (long)steps);
    }

    /** The next STAN of this terminal's lane. */
    int nextStan()
    {
        int stan = index + 1 + stanStep * stride;
        if (stan > MAX_STAN)
        {
            stanStep = 0;
            stan = index + 1;
        }
        stanStep++;
        return stan;
    }

    /**
     * The amount of a request of case {@code c}: 1.00 to 9.99 ({@link LoadPlan#MIN_AMOUNT}, {@link LoadPlan#MAX_AMOUNT}),
     * 0 for a balance inquiry, and just above the switch's limit for {@link TransactionCase#OVER_LIMIT}.
     */
    long amount(final TransactionCase c)
    {
        return switch (c)
        {
            case BALANCE -> 0;
            case OVER_LIMIT -> Math.min(LoadPlan.MAX_FIELD_AMOUNT, overLimit + random.nextInt(100));
            default -> LoadPlan.MIN_AMOUNT + random.nextInt((int)(LoadPlan.MAX_AMOUNT - LoadPlan.MIN_AMOUNT + 1));
        };
    }

    /** The next decline of the turn, among those the configuration allows and this terminal has cards for. */
    TransactionCase nextDecline()
    {
        for (int tried = 0; tried < declines.size(); tried++)
        {
            final TransactionCase candidate = declines.get(declineTurn++ % declines.size());
            if (pool(candidate).length > 0)
            {
                return candidate;
            }
        }
        return TransactionCase.UNSUPPORTED;
    }

    TransactionCase nextMalformed()
    {
        return (malformedTurn++ & 1) == 0 ? TransactionCase.MISSING_FIELD : TransactionCase.BAD_LENGTH;
    }

    /** The cards a case is sent with. */
    int[] pool(final TransactionCase c)
    {
        return switch (c)
        {
            case LOST_CARD -> lost;
            case STOLEN_CARD -> stolen;
            case EXPIRED_CARD -> expired;
            default -> active;
        };
    }

    /**
     * The next card of the case's pool, or -1 when it was picked less than the spacing ago (then every other card
     * of the pool was picked more recently still: the pool is too small for the pace, and the send must wait).
     */
    int pick(final TransactionCase c, final long now)
    {
        final int[] pool = pool(c);
        final int cursor = switch (c)
        {
            case LOST_CARD -> lostCursor;
            case STOLEN_CARD -> stolenCursor;
            case EXPIRED_CARD -> expiredCursor;
            default -> activeCursor;
        };
        final int card = pool[cursor];
        final long last = lastUse[card];
        if (last != 0 && now - last < spacingNanos)
        {
            return -1;
        }
        lastUse[card] = now;
        final int next = cursor + 1 == pool.length ? 0 : cursor + 1;
        switch (c)
        {
            case LOST_CARD -> lostCursor = next;
            case STOLEN_CARD -> stolenCursor = next;
            case EXPIRED_CARD -> expiredCursor = next;
            default -> activeCursor = next;
        }
        return card;
    }

    /** When the next card of the case's pool may be picked (System.nanoTime). */
    long availableAt(final TransactionCase c)
    {
        final int[] pool = pool(c);
        final int cursor = switch (c)
        {
            case LOST_CARD -> lostCursor;
            case STOLEN_CARD -> stolenCursor;
            case EXPIRED_CARD -> expiredCursor;
            default -> activeCursor;
        };
        return lastUse[pool[cursor]] + spacingNanos;
    }

    boolean voidable()
    {
        return voidable;
    }

    int voidStan()
    {
        return voidStan;
    }

    long voidTransmission()
    {
        return voidTransmission;
    }

    long voidAmount()
    {
        return voidAmount;
    }

    int voidCard()
    {
        return voidCard;
    }

    /** A purchase was approved: the next void may reverse it. */
    void approvedPurchase(final int stan, final long transmission, final long amount, final int card)
    {
        voidable = true;
        voidStan = stan;
        voidTransmission = transmission;
        voidAmount = amount;
        voidCard = card;
    }

    /** The void of the last purchase went: it cannot be voided twice. */
    void voided()
    {
        voidable = false;
    }

    /** Adds an answer the switch counts in the terminal's batch (BatchTotals): see {@link TerminalBatch}. */
    void count(final int countField, final long amount)
    {
        totals[countField]++;
        totals[countField + 1] += amount;
    }

    TerminalBatch batch()
    {
        return TerminalBatch.of(acceptor.terminalId(), acceptor.merchantId(), totals);
    }
}
