package io.interchange.engine.switching;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Store and forward: advices the switch owes issuers (0420 reversal advices, 0220 stand-in and completion
 * advices), sent when the issuer can take them and repeated (0421, 0221) until it acknowledges (0430, 0230).
 * The queue is switch state like any other: rebuilt on restart by replaying the journal.
 *
 * <p>Each advice is kept as the ISO 8583:1987 binary message it is sent as, with field 11 left for the STAN of
 * the link that carries it; an acknowledgement is matched on (link, STAN) like any issuer answer. Pre-allocated,
 * single-threaded (the switch handler's).
 */
final class AdviceQueue
{
    static final int NONE = -1;

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
    // The advices in the order they were queued: a list through the slots, so that going through it from the head
    // gives the oldest first however slots were freed and taken again.
    private final int[] next;
    private final int[] previous;
    private final int[] heldStans;
    private final IntHashSet held;
    // Each advice's serial (the n-th queued), and the advice it must wait for: a 0420 reversing a stand-in or a
    // completion goes only once the issuer has acknowledged that 0220, whatever link either takes.
    private final long[] serials;
    private final int[] waitFor;
    private final long[] waitForSerial;
    private long nextSerial;
    private int head = NONE;
    private int tail = NONE;
    private int size;
    private int cursor;

    AdviceQueue(final int capacity, final int maxMessage)
    {
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
        next = new int[capacity];
        previous = new int[capacity];
        heldStans = new int[capacity];
        held = new IntHashSet(capacity * 2);
        serials = new long[capacity];
        waitFor = new int[capacity];
        waitForSerial = new long[capacity];
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

    /** The advice at {@code entry} is not sent until the one at {@code blocker} (serial {@code blockerSerial}) is acknowledged. */
    void waitFor(final int entry, final int blocker, final long blockerSerial)
    {
        waitFor[entry] = blocker;
        waitForSerial[entry] = blockerSerial;
    }

    /** Whether the advice waits for another still owed. */
    boolean waiting(final int entry)
    {
        return waitFor[entry] != NONE && queued(waitFor[entry], waitForSerial[entry]);
    }

    /** Whether a queued advice keeps {@code stan} as its own. */
    boolean holds(final int stan)
    {
        return held.contains(stan);
    }

    int size()
    {
        return size;
    }

    /** Room for a message: the caller writes it at {@link #offset} and calls {@link #add}; NONE when full. */
    int reserve()
    {
        if (size == capacity)
        {
            return NONE;
        }
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
     * Queues the message written at the reserved entry, due at once. {@code heldStan}: the STAN it keeps on every send
     * (a stand-in's or completion's 0220), which no other message may take while it is queued; 0 for none.
     */
    void add(final int entry, final int length, final int issuer, final long now, final int heldStan)
    {
        heldStans[entry] = heldStan;
        serials[entry] = ++nextSerial;
        waitFor[entry] = NONE;
        if (heldStan > 0)
        {
            held.add(heldStan);
        }
        used[entry] = true;
        lengths[entry] = length;
        issuers[entry] = issuer;
        dueAt[entry] = now;
        attempts[entry] = 0;
        keys[entry] = Long.MIN_VALUE;
        next[entry] = NONE;
        previous[entry] = tail;
        if (tail == NONE)
        {
            head = entry;
        }
        else
        {
            next[tail] = entry;
        }
        tail = entry;
        size++;
    }

    /**
     * The next advice of any issuer due at {@code now} after {@code after} (NONE to start), in the order they were
     * queued; NONE when none is. Order matters: a stand-in's 0220 must reach its issuer before the 0420 that reverses
     * it.
     */
    int due(final long now, final int after)
    {
        for (int entry = after == NONE ? head : next[after]; entry != NONE; entry = next[entry])
        {
            if (dueAt[entry] <= now)
            {
                return entry;
            }
        }
        return NONE;
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
    }

    /** The advice an acknowledgement on (link, STAN) answers, or NONE. */
    int acknowledged(final int link, final int stan)
    {
        return (int)bySent.get(key(link, stan));
    }

    /**
     * After a restart the links the advices went out on are gone: forget where they were sent and make them due
     * at once, so each is sent again (as a repeat) on a new link.
     */
    void linksLost()
    {
        bySent.clear();
        Arrays.fill(keys, Long.MIN_VALUE);
        Arrays.fill(dueAt, Long.MIN_VALUE);
    }

    void remove(final int entry)
    {
        if (keys[entry] != Long.MIN_VALUE && bySent.get(keys[entry]) == entry)
        {
            bySent.remove(keys[entry]);
        }
        if (heldStans[entry] > 0)
        {
            held.remove(heldStans[entry]);
            heldStans[entry] = 0;
        }
        keys[entry] = Long.MIN_VALUE;
        used[entry] = false;
        if (previous[entry] == NONE)
        {
            head = next[entry];
        }
        else
        {
            next[previous[entry]] = next[entry];
        }
        if (next[entry] == NONE)
        {
            tail = previous[entry];
        }
        else
        {
            previous[next[entry]] = previous[entry];
        }
        size--;
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

    /** Times sent so far: the first send is the advice (0420, 0220), later ones its repeat (0421, 0221). */
    int attempts(final int entry)
    {
        return attempts[entry];
    }

    private static long key(final int link, final int stan)
    {
        return ((long)link << 32) | (stan & 0xFFFFFFFFL);
    }
}
