package io.interchange.engine.switching;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Store and forward: advices the switch owes issuers (0420 reversal advices, 0220 stand-in and completion
 * advices, 0120 stand-in authorization advices), sent when the issuer can take them and repeated (0421, 0221, 0121)
 * until it acknowledges (0430, 0230, 0130).
 * The queue is switch state like any other: rebuilt on restart by replaying the journal.
 *
 * <p>Each advice is kept as the ISO 8583:1987 binary message it is sent as, with field 11 left for the STAN of
 * the link that carries it; an acknowledgement is matched on (link, STAN) like any issuer answer. Pre-allocated,
 * single-threaded (the switch handler's).
 *
 * <p>Each issuer has four lists through the slots, so that finding the next advice to send costs the same with
 * ten advices owed or ten thousand (the switch looks on every event, not only on its ticks):
 * <ul>
 *   <li><em>ready</em>: not yet sent, oldest first. Order matters: a stand-in's 0220 must reach its issuer before the
 *       0420 that reverses it;</li>
 *   <li><em>sent</em>: sent and awaiting the acknowledgement, in the order sent, so by the time each is due again (an
 *       issuer's advices are all repeated after the same interval);</li>
 *   <li><em>due</em>: sent, and the acknowledgement overdue or impossible (the link it went on is gone): to be sent
 *       again, before any advice never sent, so that a backlog of new advices cannot hold a repeat back for ever;</li>
 *   <li><em>blocked</em>: an advice naming one the issuer has not yet acknowledged (a 0420 of a stand-in's 0220 or
 *       0120, a completion of a stood-in pre-authorization's 0120); back to the head of <em>ready</em> when
 *       it does (each advice keeps the list of those that wait for it, so an acknowledgement frees exactly those).</li>
 * </ul>
 * An issuer has at most its window of advices on its <em>sent</em> list: store and forward paces itself by the
 * issuer's acknowledgements. Without the window, an issuer coming back from an outage got every advice owed at once,
 * and, were it slower to acknowledge them than the repeat interval, every one again and again.
 *
 * <p>Each issuer has its own share of the capacity (the slots are one pool; the count is the issuer's): its advices
 * queued and the room kept for those it may owe later ({@link #keepRoom}) never exceed it, so that one issuer's outage
 * (its advices unacknowledged, its requests timing out) cannot take the room another issuer's advices need.
 *
 * <p>Replay never asks for the next advice (it sends what the journal says was sent), so the lists' order is the live
 * switch's own business; recovery puts every waiting advice on its blocked list ({@link #linksLost}).
 */
final class AdviceQueue
{
    static final int NONE = -1;

    private static final int READY = 0;
    private static final int SENT = 1;
    private static final int BLOCKED = 2;
    private static final int DUE = 3;
    private static final int LISTS_PER_ISSUER = 4;

    private final int capacity;
    private final int maxMessage;
    private final UnsafeBuffer messages;
    private final int[] lengths;
    private final int[] issuers;
    private final long[] dueAt;
    private final int[] attempts;
    private final long[] keys;
    private final boolean[] used;
    private final Long2LongHashMap bySent;
    // What each advice is, whatever STAN, link or repeat it goes with: how replay finds the advice a journaled send
    // carried (SwitchHandler.adviceIdentity).
    private final long[] identities;
    private final Long2LongHashMap byIdentity;
    // Advices alike (the same identity: the same message) are chained, newest first, from the one byIdentity names.
    private final int[] olderAlike;
    private final int[] newerAlike;
    // The lists: each slot is on at most one, named by issuer * 4 + READY, SENT, BLOCKED or DUE.
    private final int[] next;
    private final int[] previous;
    private final int[] listOf;
    private final int[] heads;
    private final int[] tails;
    private final int[] counts;
    private final int[] windows;
    private final int[] heldStans;
    // The STANs advices keep as their own (stand-in advices), one bit each: nextStan asks on every forward, and a hash
    // set's probe was a cache miss each time (3% of the ring path), where the bits it asks about lie side by side.
    private final long[] held = new long[(InFlight.MAX_STAN >> 6) + 1];
    // Each advice's serial (the n-th queued), and the advice it must wait for: a 0420 reversing a stand-in or a
    // completion goes only once the issuer has acknowledged that 0220 (or 0120), whatever link either takes; so does
    // the completion of a stood-in pre-authorization, after its 0120.
    private final long[] serials;
    private final int[] waitFor;
    private final long[] waitForSerial;
    // Those that wait for an advice: the first, and each one's next (a list through the slots).
    private final int[] firstWaiter;
    private final int[] nextWaiter;
    private long nextSerial;
    private int size;
    // Room kept for advices owed later (keepRoom), all issuers': counted against the capacity as if queued.
    private int kept;
    // While true (replay), an issuer's advices and kept room may go beyond its share into free slots.
    private boolean beyondShares;
    // Each issuer's share of the capacity, and what it holds of it: advices queued, room kept.
    private final int[] shares;
    private final int[] queuedBy;
    private final int[] keptBy;
    private int ready;
    private int cursor;

    /**
     * @param windows each issuer's window: advices sent and not yet acknowledged, at most; issuers are numbered 0 to
     *                {@code windows.length - 1}.
     * @param shares  each issuer's share of the capacity: its advices queued and room kept, at most; together at most the
     *                capacity ({@link #shares}).
     */
    AdviceQueue(final int capacity, final int maxMessage, final int[] windows, final int[] shares)
    {
        final int issuerCount = windows.length;
        if (shares.length != issuerCount || Arrays.stream(shares).asLongStream().sum() > capacity || Arrays.stream(shares).anyMatch(share -> share < 0))
        {
            throw new IllegalArgumentException("shares " + Arrays.toString(shares) + " of " + issuerCount + " issuers beyond a capacity of " + capacity);
        }
        this.shares = shares.clone();
        queuedBy = new int[issuerCount];
        keptBy = new int[issuerCount];
        this.windows = windows.clone();
        this.capacity = capacity;
        this.maxMessage = maxMessage;
        messages = new UnsafeBuffer(new byte[capacity * maxMessage]);
        lengths = new int[capacity];
        issuers = new int[capacity];
        dueAt = new long[capacity];
        attempts = new int[capacity];
        keys = new long[capacity];
        used = new boolean[capacity];
        Arrays.fill(keys, Long.MIN_VALUE);
        bySent = new Long2LongHashMap(capacity * 2, 0.5f, NONE);
        identities = new long[capacity];
        byIdentity = new Long2LongHashMap(capacity * 2, 0.5f, NONE);
        olderAlike = new int[capacity];
        newerAlike = new int[capacity];
        next = new int[capacity];
        previous = new int[capacity];
        listOf = new int[capacity];
        heads = new int[issuerCount * LISTS_PER_ISSUER];
        tails = new int[issuerCount * LISTS_PER_ISSUER];
        Arrays.fill(heads, NONE);
        Arrays.fill(tails, NONE);
        counts = new int[issuerCount * LISTS_PER_ISSUER];
        heldStans = new int[capacity];
        serials = new long[capacity];
        waitFor = new int[capacity];
        waitForSerial = new long[capacity];
        firstWaiter = new int[capacity];
        nextWaiter = new int[capacity];
    }

    /** The advice's serial: with its entry, what names it even once its slot is taken again. */
    long serial(final int entry)
    {
        return serials[entry];
    }

    /** Whether the advice {@code serial} is still queued at {@code entry}: not yet acknowledged. */
    boolean queued(final int entry, final long serial)
    {
        return entry >= 0 && entry < capacity && used[entry] && serials[entry] == serial;
    }

    /**
     * The advice at {@code entry}, just added, is not sent until the one at {@code blocker} (serial {@code blockerSerial},
     * the same issuer's) is acknowledged.
     */
    void waitFor(final int entry, final int blocker, final long blockerSerial)
    {
        if (!queued(blocker, blockerSerial))
        {
            return;
        }
        waitFor[entry] = blocker;
        waitForSerial[entry] = blockerSerial;
        nextWaiter[entry] = firstWaiter[blocker];
        firstWaiter[blocker] = entry;
    }

    /** Whether the advice waits for another still owed. */
    boolean waiting(final int entry)
    {
        return waitFor[entry] != NONE && queued(waitFor[entry], waitForSerial[entry]);
    }

    /** Whether a queued advice keeps {@code stan} as its own. */
    boolean holds(final int stan)
    {
        return stan > 0 && stan <= InFlight.MAX_STAN && (held[stan >> 6] & 1L << stan) != 0;
    }

    int size()
    {
        return size;
    }

    /**
     * Each issuer's share of the capacity: what an issuer's outage can take is its own share, never another's. An issuer
     * with a share of its own ({@code requested}, issuer-advice-share) has it; the rest of the capacity is split evenly
     * among those whose request is 0, the remainder of the division one each to the first of them, so that the shares
     * add up to the capacity whenever one is split. ConfigReader has checked that the requested fit.
     */
    static int[] shares(final int capacity, final int[] requested)
    {
        long rest = capacity;
        int even = 0;
        for (final int share : requested)
        {
            rest -= share;
            even += share == 0 ? 1 : 0;
        }
        final int[] shares = requested.clone();
        int k = 0;
        for (int issuer = 0; issuer < shares.length; issuer++)
        {
            if (shares[issuer] == 0)
            {
                shares[issuer] = (int)(rest / even + (k++ < rest % even ? 1 : 0));
            }
        }
        return shares;
    }

    /** The issuer's share of the capacity: its advices queued and room kept, at most. */
    int share(final int issuer)
    {
        return shares[issuer];
    }

    /** Advices to {@code issuer} queued (not yet acknowledged). */
    int size(final int issuer)
    {
        return queuedBy[issuer];
    }

    /**
     * Whether another advice to {@code issuer} can be queued, beside its advices queued and the room kept for its
     * advices owed later ({@link #keepRoom}): a decision that must be followed by one is not made when it cannot.
     */
    boolean hasRoom(final int issuer)
    {
        // The slots too: an issuer recovered beyond its share (beyondShares) takes slots another's share counts as its own.
        return (beyondShares || queuedBy[issuer] + keptBy[issuer] < shares[issuer]) && size + kept < capacity;
    }

    /**
     * While {@code replay}, advices and room kept go beyond their issuer's share, as long as there are free slots: the
     * journal says what was owed under the shares of its time, and an issuer added since, or a smaller queue, shrinks
     * them; what was owed is recovered rather than lost, and live the issuer's requests are refused (91) until it has
     * acknowledged its way back under its share. Only a queue smaller than what is owed loses advices (counted, logged).
     */
    void beyondShares(final boolean replay)
    {
        beyondShares = replay;
    }

    /**
     * Keeps room in {@code issuer}'s share for an advice the switch may owe it later (the 0420 of a request forwarded,
     * should it time out, its approval come for a terminal gone, or for a reversal acknowledged meanwhile), so that
     * advices queued meanwhile cannot take it; false, and nothing kept, when there is none. Given back by
     * {@link #releaseRoom}, just before the advice is queued or once it turns out not to be owed.
     */
    boolean keepRoom(final int issuer)
    {
        if (!hasRoom(issuer))
        {
            return false;
        }
        keptBy[issuer]++;
        kept++;
        return true;
    }

    /** Gives back room {@link #keepRoom} kept in {@code issuer}'s share. */
    void releaseRoom(final int issuer)
    {
        if (keptBy[issuer] > 0)
        {
            keptBy[issuer]--;
            kept--;
        }
    }

    /** Room kept in {@code issuer}'s share for advices owed later. */
    int kept(final int issuer)
    {
        return keptBy[issuer];
    }

    /** Advices never sent and not blocked: when 0, only a repeat falling due can give {@link #next} anything. */
    int ready()
    {
        return ready;
    }

    /**
     * Whether {@link #next} may give some issuer an advice at {@code now}: one never sent or due again, and room in
     * the issuer's window. A look at each issuer's lists' heads and counts: cheap enough for every event.
     */
    boolean sendable(final long now)
    {
        for (int issuer = 0; issuer < windows.length; issuer++)
        {
            final int sentList = list(issuer, SENT);
            final int oldest = heads[sentList];
            final boolean oneDue = oldest != NONE && dueAt[oldest] <= now;
            if ((counts[list(issuer, READY)] > 0 || heads[list(issuer, DUE)] != NONE || oneDue) &&
                (counts[sentList] < windows[issuer] || oneDue))
            {
                return true;
            }
        }
        return false;
    }

    /** Advices sent to {@code issuer} and awaiting their acknowledgement (not yet due again): at most its window. */
    int awaiting(final int issuer)
    {
        return counts[list(issuer, SENT)];
    }

    /**
     * Room for a message to {@code issuer}: the caller writes it at {@link #offset} and calls {@link #add} for the same
     * issuer; NONE when its share is full, counting the room kept for advices owed later (an advice owed so gives its
     * room back first: {@link #releaseRoom}).
     */
    int reserve(final int issuer)
    {
        return hasRoom(issuer) ? freeSlot() : NONE;
    }

    /**
     * As {@link #reserve}, for an advice into the room {@link #keepRoom} kept for it, which {@link #releaseRoom} has just
     * given back: a free slot is all it needs, whatever its issuer's share holds now, for the room kept was one. An
     * issuer recovered beyond its share ({@link #beyondShares}) still has room kept for the requests it had in flight, and
     * the 0420 each may owe must not be lost to the share it is beyond.
     */
    int reserveKept()
    {
        return size + kept < capacity ? freeSlot() : NONE;
    }

    private int freeSlot()
    {
        for (int i = 0; i < capacity; i++)
        {
            final int entry = (cursor + i) % capacity;
            if (!used[entry])
            {
                cursor = (entry + 1) % capacity;
                return entry;
            }
        }
        return NONE;
    }

    MutableDirectBuffer buffer()
    {
        return messages;
    }

    int offset(final int entry)
    {
        return entry * maxMessage;
    }

    int maxMessage()
    {
        return maxMessage;
    }

    /**
     * Queues the message written at the reserved entry, to be sent at once. {@code heldStan}: the STAN it keeps on
     * every send (a stand-in's 0220 or 0120, a completion's 0220), which no other message may take while it is queued;
     * 0 for none.
     * {@code identity}: what names it whatever it is sent with (0 for nothing), for {@link #find}.
     */
    void add(final int entry, final int length, final int issuer, final long now, final int heldStan, final long identity)
    {
        identities[entry] = identity;
        olderAlike[entry] = NONE;
        newerAlike[entry] = NONE;
        if (identity != 0)
        {
            final int newest = (int)byIdentity.get(identity);
            if (newest != NONE)
            {
                olderAlike[entry] = newest;
                newerAlike[newest] = entry;
            }
            byIdentity.put(identity, entry);
        }
        heldStans[entry] = heldStan;
        serials[entry] = ++nextSerial;
        waitFor[entry] = NONE;
        firstWaiter[entry] = NONE;
        nextWaiter[entry] = NONE;
        if (heldStan > 0 && heldStan <= InFlight.MAX_STAN)
        {
            held[heldStan >> 6] |= 1L << heldStan;
        }
        used[entry] = true;
        lengths[entry] = length;
        issuers[entry] = issuer;
        dueAt[entry] = now;
        attempts[entry] = 0;
        keys[entry] = Long.MIN_VALUE;
        append(entry, list(issuer, READY));
        size++;
        queuedBy[issuer]++;
    }

    /**
     * The advice to send {@code issuer} next at {@code now}, or NONE while its window is full: the one sent longest
     * ago that is due again, else the oldest never sent that waits for nothing. It stays where it is until
     * {@link #sent}.
     */
    int next(final int issuer, final long now)
    {
        final int sentList = list(issuer, SENT);
        int entry;
        while ((entry = heads[sentList]) != NONE && dueAt[entry] <= now)
        {
            unlink(entry);
            append(entry, list(issuer, DUE));
        }
        if (counts[sentList] >= windows[issuer])
        {
            return NONE;
        }
        entry = heads[list(issuer, DUE)];
        if (entry != NONE)
        {
            return entry;
        }
        final int readyList = list(issuer, READY);
        while ((entry = heads[readyList]) != NONE && waiting(entry))
        {
            unlink(entry);
            append(entry, list(issuer, BLOCKED));
        }
        return entry;
    }

    /**
     * The queued advice with {@code identity} that a send of it as a {@code repeat} (or not) fits, or NONE: of advices
     * alike (the same message), the oldest never sent for a first send, the oldest sent for a repeat, else the oldest.
     */
    int find(final long identity, final boolean repeat)
    {
        if (identity == 0)
        {
            return NONE;
        }
        int oldest = NONE;
        int fits = NONE;
        for (int entry = (int)byIdentity.get(identity); entry != NONE; entry = olderAlike[entry])
        {
            oldest = entry;
            if ((attempts[entry] > 0) == repeat)
            {
                fits = entry;
            }
        }
        return fits != NONE ? fits : oldest;
    }

    /** The STAN the advice keeps on every send, or 0 when it takes one of the link's each time. */
    int heldStan(final int entry)
    {
        return heldStans[entry];
    }

    /** Records a send on (link, STAN), due again after {@code retryNanos} unless acknowledged. */
    void sent(final int entry, final int link, final int stan, final long now, final long retryNanos)
    {
        if (keys[entry] != Long.MIN_VALUE && bySent.get(keys[entry]) == entry)
        {
            bySent.remove(keys[entry]);
        }
        final long key = key(link, stan);
        keys[entry] = key;
        bySent.put(key, entry);
        attempts[entry]++;
        dueAt[entry] = now + retryNanos;
        unlink(entry);
        append(entry, list(issuers[entry], SENT));
    }

    /** The advice an acknowledgement on (link, STAN) answers, or NONE. */
    int acknowledged(final int link, final int stan)
    {
        return (int)bySent.get(key(link, stan));
    }

    /**
     * After a restart the links the advices went out on are gone: forget where they were sent and make them due
     * at once, so each is sent again (as a repeat) on a new link, as the window lets.
     */
    void linksLost()
    {
        bySent.clear();
        Arrays.fill(keys, Long.MIN_VALUE);
        Arrays.fill(dueAt, Long.MIN_VALUE);
        for (int issuer = 0; issuer < windows.length; issuer++)
        {
            final int sentList = list(issuer, SENT);
            int entry;
            while ((entry = heads[sentList]) != NONE)
            {
                unlink(entry);
                append(entry, list(issuer, DUE));
            }
        }
        // Replay sends advices as the journal says and never asks for the next: every advice that waits goes to its
        // blocked list now, as the live switch would have moved it, so that ready() counts only what can go.
        for (int readyList = READY; readyList < heads.length; readyList += LISTS_PER_ISSUER)
        {
            int entry = heads[readyList];
            while (entry != NONE)
            {
                final int after = next[entry];
                if (waiting(entry))
                {
                    unlink(entry);
                    append(entry, readyList - READY + BLOCKED);
                }
                entry = after;
            }
        }
    }

    /**
     * {@code issuer}'s link {@code link} is gone: no acknowledgement can come on it, so the advices last sent on it
     * are due again at once (on another link, or this issuer's next), and leave the window to others.
     */
    void linkDown(final int issuer, final int link)
    {
        forgetLink(list(issuer, SENT), link, true);
        forgetLink(list(issuer, DUE), link, false);
    }

    private void forgetLink(final int list, final int link, final boolean makeDue)
    {
        int entry = heads[list];
        while (entry != NONE)
        {
            final int after = next[entry];
            if (keys[entry] != Long.MIN_VALUE && (int)(keys[entry] >>> 32) == link)
            {
                if (bySent.get(keys[entry]) == entry)
                {
                    bySent.remove(keys[entry]);
                }
                keys[entry] = Long.MIN_VALUE;
                if (makeDue)
                {
                    dueAt[entry] = Long.MIN_VALUE;
                    unlink(entry);
                    append(entry, list - SENT + DUE);
                }
            }
            entry = after;
        }
    }

    void remove(final int entry)
    {
        if (keys[entry] != Long.MIN_VALUE && bySent.get(keys[entry]) == entry)
        {
            bySent.remove(keys[entry]);
        }
        final int heldStan = heldStans[entry];
        if (heldStan > 0 && heldStan <= InFlight.MAX_STAN)
        {
            held[heldStan >> 6] &= ~(1L << heldStan);
            heldStans[entry] = 0;
        }
        if (identities[entry] != 0)
        {
            forgetIdentity(entry);
        }
        keys[entry] = Long.MIN_VALUE;
        used[entry] = false;
        unlink(entry);
        size--;
        queuedBy[issuers[entry]]--;
        unblockWaitersOf(entry);
    }

    DirectBuffer messages()
    {
        return messages;
    }

    int length(final int entry)
    {
        return lengths[entry];
    }

    int issuer(final int entry)
    {
        return issuers[entry];
    }

    /** Times sent so far: the first send is the advice (0420, 0220, 0120), later ones its repeat (0421, 0221, 0121). */
    int attempts(final int entry)
    {
        return attempts[entry];
    }

    /** Takes the advice out of its identity's chain; the next older alike becomes the one looked up, if it is the newest. */
    private void forgetIdentity(final int entry)
    {
        final int older = olderAlike[entry];
        final int newer = newerAlike[entry];
        if (newer == NONE)
        {
            if (older == NONE)
            {
                byIdentity.remove(identities[entry]);
            }
            else
            {
                byIdentity.put(identities[entry], older);
            }
        }
        else
        {
            olderAlike[newer] = older;
        }
        if (older != NONE)
        {
            newerAlike[older] = newer;
        }
        olderAlike[entry] = NONE;
        newerAlike[entry] = NONE;
        identities[entry] = 0;
    }

    /**
     * The advices blocked on {@code entry}, just acknowledged, go back to the head of their issuer's ready list. Those
     * still only ready are left alone: {@link #next} finds they no longer wait. Waiters are added newest first, so
     * putting each at the head in turn leaves the oldest there.
     */
    private void unblockWaitersOf(final int entry)
    {
        // Bounded by the queue's size: a chain is never longer, whatever slots were taken again meanwhile.
        int steps = 0;
        for (int waiter = firstWaiter[entry]; waiter != NONE && steps++ < capacity; waiter = nextWaiter[waiter])
        {
            if (used[waiter] && waitFor[waiter] == entry && listOf[waiter] == list(issuers[waiter], BLOCKED))
            {
                unlink(waiter);
                prepend(waiter, list(issuers[waiter], READY));
            }
        }
        firstWaiter[entry] = NONE;
    }

    private static int list(final int issuer, final int kind)
    {
        return issuer * LISTS_PER_ISSUER + kind;
    }

    private void append(final int entry, final int list)
    {
        listOf[entry] = list;
        next[entry] = NONE;
        previous[entry] = tails[list];
        if (tails[list] == NONE)
        {
            heads[list] = entry;
        }
        else
        {
            next[tails[list]] = entry;
        }
        tails[list] = entry;
        count(list, 1);
    }

    private void prepend(final int entry, final int list)
    {
        listOf[entry] = list;
        previous[entry] = NONE;
        next[entry] = heads[list];
        if (heads[list] == NONE)
        {
            tails[list] = entry;
        }
        else
        {
            previous[heads[list]] = entry;
        }
        heads[list] = entry;
        count(list, 1);
    }

    private void unlink(final int entry)
    {
        final int list = listOf[entry];
        if (previous[entry] == NONE)
        {
            heads[list] = next[entry];
        }
        else
        {
            next[previous[entry]] = next[entry];
        }
        if (next[entry] == NONE)
        {
            tails[list] = previous[entry];
        }
        else
        {
            previous[next[entry]] = previous[entry];
        }
        next[entry] = NONE;
        previous[entry] = NONE;
        count(list, -1);
    }

    private void count(final int list, final int delta)
    {
        counts[list] += delta;
        if (list % LISTS_PER_ISSUER == READY)
        {
            ready += delta;
        }
    }

    private static long key(final int link, final int stan)
    {
        return ((long)link << 32) | (stan & 0xFFFFFFFFL);
    }
}
