package io.interchange.engine.switching;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Requests forwarded to an issuer and not yet answered. Each entry keeps a copy of the acquirer's frame (fixed
 * header and message), so that the answer, a time-out or a reversal can be built from what the acquirer sent,
 * and is found by the issuer link and the switch's STAN on that link (DESIGN.md §4, matching).
 *
 * <p>Entries of one issuer form a list in the order they were sent; with one time-out per issuer and event time
 * that only moves forward, the head is always the first to expire, so a tick looks at heads only.
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
    private final boolean[] roomKept;
    // The issuer answered, and the switch took its answer for no answer ({@link #answerRefused}).
    private final boolean[] answerRefused;
    private final long[] keys;
    private final int[] next;
    private final int[] previous;
    private final int[] heads;
    private final int[] tails;
    private final int[] counts;
    private final Long2LongHashMap byKey;
    // The switch's STANs (1..999,999) of the entries, one bit each (122 KB): the STAN sequence skips them when it comes
    // round, so that an answer to a request still waiting is never taken for a newer one's.
    private final long[] stansInUse = new long[(MAX_STAN >> 6) + 1];
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
        roomKept = new boolean[capacity];
        answerRefused = new boolean[capacity];
        keys = new long[capacity];
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
        byKey = new Long2LongHashMap(capacity * 2, 0.5f, NONE);
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

    /** Adds a request; returns its entry, or {@link #NONE} when the table is full. */
    int add(
        final int issuer, final int issuerLink, final int switchStan, final int mti, final long deadline, final int history,
        final int acquirerLink, final int acquirerDialect, final DirectBuffer frame, final int headerLength, final int messageLength)
    {
        if (free == NONE || headerLength + messageLength > maxFrame)
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
        roomKept[entry] = false;
        answerRefused[entry] = false;
        final long key = key(issuerLink, switchStan);
        keys[entry] = key;
        byKey.put(key, entry);
        if (switchStan > 0 && switchStan <= MAX_STAN)
        {
            stansInUse[switchStan >> 6] |= 1L << switchStan;
        }
        next[entry] = NONE;
        previous[entry] = tails[issuer];
        if (tails[issuer] != NONE)
        {
            next[tails[issuer]] = entry;
        }
        else
        {
            heads[issuer] = entry;
        }
        tails[issuer] = entry;
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
        return (int)byKey.get(key(issuerLink, switchStan));
    }

    /** Whether a request in flight carries this switch STAN, on any link. */
    boolean holdsStan(final int switchStan)
    {
        return switchStan > 0 && switchStan <= MAX_STAN && (stansInUse[switchStan >> 6] & 1L << switchStan) != 0;
    }

    void remove(final int entry)
    {
        byKey.remove(keys[entry]);
        final int stan = switchStans[entry];
        if (stan > 0 && stan <= MAX_STAN)
        {
            stansInUse[stan >> 6] &= ~(1L << stan);
        }
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

    private static long key(final int link, final int stan)
    {
        return ((long)link << 32) | (stan & 0xFFFFFFFFL);
    }
}
