package io.interchange.engine.switching;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Requests forwarded to an issuer and not yet answered. Each entry keeps a copy of the acquirer's frame (fixed
 * header and message), so that the answer, a time-out or a reversal can be built from what the acquirer sent,
 * and is found by the issuer link and the switch's STAN on that link (DESIGN.md §4, matching).
 *
 * <p>The switch's STANs are one sequence over all its issuer links, and no two requests in flight share one (the
 * sequence skips those held, {@link #holdsStan}), so an entry is found by its STAN alone, in a table indexed by it, and
 * its link checked. The sequence moves by one a request, so the table is touched where it was just touched, where a
 * hash map of (link, STAN) cost a cache miss to add, find and remove each request (bench/RESULTS.md, "The pretouch
 * distance, in flight by STAN").
 *
 * <p>Entries of one issuer form a list in the order they are due: the order they were sent, with one time-out per
 * issuer and event time that only moves forward, but for requests recovered with a time-out the settings have since
 * shortened. The head is always the first to expire, so a tick looks at heads only.
 * Pre-allocated: no allocation per request; owned by the switch handler's thread.
 */
final class InFlight
{
    static final int NONE = -1;
    static final int MAX_STAN = 999_999;

    private final int capacity;
    private final int maxFrame;
    private final UnsafeBuffer frames;
    private final int[] headerLengths;
    private final int[] messageLengths;
    private final int[] acquirerLinks;
    private final int[] acquirerDialects;
    private final int[] issuerLinks;
    private final int[] switchStans;
    private final short[] mtis;
    private final int[] issuers;
    private final int[] histories;
    private final long[] deadlines;
    // The RRN (field 37) the request went to its issuer with, as a number; Rrn.NONE if none.
    private final long[] rrns;
    private final boolean[] roomKept;
    // The issuer answered, and the switch took its answer for no answer ({@link #answerRefused}).
    private final boolean[] answerRefused;
    private final int[] next;
    private final int[] previous;
    private final int[] heads;
    private final int[] tails;
    private final int[] counts;
    // The entry of each switch STAN (1..999,999) in flight, else NONE (4 MB): the STAN sequence skips those held when
    // it comes round, so that an answer to a request still waiting is never taken for a newer one's.
    private final int[] byStan = new int[MAX_STAN + 1];
    private int free;
    private int size;

    InFlight(final int capacity, final int maxFrame, final int issuerCount)
    {
        this.capacity = capacity;
        this.maxFrame = maxFrame;
        frames = new UnsafeBuffer(new byte[capacity * maxFrame]);
        headerLengths = new int[capacity];
        messageLengths = new int[capacity];
        acquirerLinks = new int[capacity];
        acquirerDialects = new int[capacity];
        issuerLinks = new int[capacity];
        switchStans = new int[capacity];
        mtis = new short[capacity];
        issuers = new int[capacity];
        histories = new int[capacity];
        deadlines = new long[capacity];
        rrns = new long[capacity];
        roomKept = new boolean[capacity];
        answerRefused = new boolean[capacity];
        next = new int[capacity];
        previous = new int[capacity];
        heads = new int[issuerCount];
        tails = new int[issuerCount];
        counts = new int[issuerCount];
        Arrays.fill(heads, NONE);
        Arrays.fill(tails, NONE);
        for (int i = 0; i < capacity; i++)
        {
            next[i] = i + 1 < capacity ? i + 1 : NONE;
        }
        free = 0;
        Arrays.fill(byStan, NONE);
    }

    int size()
    {
        return size;
    }

    /** The issuer's requests waiting for an answer. */
    int size(final int issuer)
    {
        return counts[issuer];
    }

    int maxFrame()
    {
        return maxFrame;
    }

    /**
     * Adds a request; returns its entry, or {@link #NONE} when the table is full, or when its STAN is not one the
     * switch gives (1..999,999) or is held by another request: never so live, where the sequence skips those held; in
     * replay only of a journal whose requests no longer match what the switch holds.
     */
    int add(
        final int issuer, final int issuerLink, final int switchStan, final int mti, final long deadline, final int history,
        final int acquirerLink, final int acquirerDialect, final DirectBuffer frame, final int headerLength, final int messageLength)
    {
        if (free == NONE || headerLength + messageLength > maxFrame || switchStan <= 0 || switchStan > MAX_STAN || byStan[switchStan] != NONE)
        {
            return NONE;
        }
        final int entry = free;
        free = next[entry];
        frames.putBytes(entry * maxFrame, frame, 0, headerLength + messageLength);
        headerLengths[entry] = headerLength;
        messageLengths[entry] = messageLength;
        acquirerLinks[entry] = acquirerLink;
        acquirerDialects[entry] = acquirerDialect;
        issuerLinks[entry] = issuerLink;
        switchStans[entry] = switchStan;
        mtis[entry] = (short)mti;
        issuers[entry] = issuer;
        histories[entry] = history;
        deadlines[entry] = deadline;
        rrns[entry] = Rrn.NONE;
        roomKept[entry] = false;
        answerRefused[entry] = false;
        byStan[switchStan] = entry;
        // After the last entry due no later: the tail, but for a request recovered from the journal with a longer
        // time-out than the issuer's now, which later requests, due before it, go ahead of.
        int after = tails[issuer];
        while (after != NONE && deadlines[after] > deadline)
        {
            after = previous[after];
        }
        final int before = after == NONE ? heads[issuer] : next[after];
        previous[entry] = after;
        next[entry] = before;
        if (after != NONE)
        {
            next[after] = entry;
        }
        else
        {
            heads[issuer] = entry;
        }
        if (before != NONE)
        {
            previous[before] = entry;
        }
        else
        {
            tails[issuer] = entry;
        }
        counts[issuer]++;
        size++;
        return entry;
    }

    /** The MTI of the request the entry forwarded (0100, 0200): what its answer must answer. */
    int mti(final int entry)
    {
        return mtis[entry];
    }

    /** The entry waiting for an answer with this STAN on this link, or {@link #NONE}. */
    int find(final int issuerLink, final int switchStan)
    {
        if (switchStan <= 0 || switchStan > MAX_STAN)
        {
            return NONE;
        }
        final int entry = byStan[switchStan];
        return entry != NONE && issuerLinks[entry] == issuerLink ? entry : NONE;
    }

    /** Whether a request in flight carries this switch STAN, on any link. */
    boolean holdsStan(final int switchStan)
    {
        return switchStan > 0 && switchStan <= MAX_STAN && byStan[switchStan] != NONE;
    }

    void remove(final int entry)
    {
        byStan[switchStans[entry]] = NONE;
        final int issuer = issuers[entry];
        final int before = previous[entry];
        final int after = next[entry];
        if (before != NONE)
        {
            next[before] = after;
        }
        else
        {
            heads[issuer] = after;
        }
        if (after != NONE)
        {
            previous[after] = before;
        }
        else
        {
            tails[issuer] = before;
        }
        next[entry] = free;
        free = entry;
        counts[issuer]--;
        size--;
    }

    /**
     * After a restart no acquirer link of before is alive, and a new link may get an old one's id: no answer or
     * time-out of an old request may go to it.
     */
    void acquirersLost()
    {
        Arrays.fill(acquirerLinks, -1);
    }

    /**
     * The acquirer sent the request again on another link of the same listener (its terminal reconnected): its answer
     * or time-out goes there now, under that frame's header. A listener's frames all have its header's length.
     */
    void reroute(final int entry, final int acquirerLink, final DirectBuffer frame, final int headerLength)
    {
        if (headerLength == headerLengths[entry])
        {
            frames.putBytes(entry * maxFrame, frame, 0, headerLength);
        }
        acquirerLinks[entry] = acquirerLink;
    }

    /** The oldest entry of the issuer, or {@link #NONE}. */
    int oldest(final int issuer)
    {
        return heads[issuer];
    }

    /**
     * Whether the advice queue keeps room for the 0420 the entry's request may owe when its answer or time-out comes
     * ({@link AdviceQueue#keepRoom}): the switch gives that room back then, before it queues the 0420 or finds none owed.
     */
    boolean roomKept(final int entry)
    {
        return roomKept[entry];
    }

    void roomKept(final int entry, final boolean kept)
    {
        roomKept[entry] = kept;
    }

    /**
     * The issuer answered the entry's request with an answer the switch cannot pass on (another kind, a field it cannot
     * relay, an approval of another amount or under another code than 00): the request times out as unanswered, but
     * the issuer was heard, so its time-out is no outage to stand in for.
     */
    void answerRefused(final int entry)
    {
        answerRefused[entry] = true;
    }

    boolean isAnswerRefused(final int entry)
    {
        return answerRefused[entry];
    }

    long deadline(final int entry)
    {
        return deadlines[entry];
    }

    /** The RRN the entry's request went with, as {@link Rrn#pack} reads it; {@link Rrn#NONE} when it carried none. */
    long rrn(final int entry)
    {
        return rrns[entry];
    }

    void rrn(final int entry, final long rrn)
    {
        rrns[entry] = rrn;
    }

    int capacity()
    {
        return capacity;
    }

    DirectBuffer frames()
    {
        return frames;
    }

    int frameOffset(final int entry)
    {
        return entry * maxFrame;
    }

    int headerLength(final int entry)
    {
        return headerLengths[entry];
    }

    int messageLength(final int entry)
    {
        return messageLengths[entry];
    }

    int acquirerLink(final int entry)
    {
        return acquirerLinks[entry];
    }

    int acquirerDialect(final int entry)
    {
        return acquirerDialects[entry];
    }

    int issuerLink(final int entry)
    {
        return issuerLinks[entry];
    }

    int switchStan(final int entry)
    {
        return switchStans[entry];
    }

    int issuer(final int entry)
    {
        return issuers[entry];
    }

    /** The request's entry in {@link Transactions}. */
    int history(final int entry)
    {
        return histories[entry];
    }
}
