package io.interchange.engine.switching;

import org.agrona.BitUtil;
import org.agrona.collections.Hashing;

/**
 * Per card, what the risk rules count within the current minute of event time: its requests (the frequency
 * limit) and its last merchant with the changes of merchant (the merchant-hopping rule). Open addressing with
 * linear probing over primitive arrays, every slot tagged with the minute it was written in.
 *
 * <p>A slot of an earlier minute is as good as empty, so a new minute costs nothing: no clearing. Clearing a table
 * sized for millions of cards stalled the ring thread for some 20 ms each minute (Agrona's {@code clear} fills the
 * whole array). Probing stays correct without it: within a minute slots are only added, each at the first slot on
 * its path that is empty or of an earlier minute, so every slot before it on the path is of this minute; a look-up
 * therefore stops at the first slot not of this minute, and slots of earlier minutes never lengthen a probe.
 *
 * <p>Sized at start for the cards of the busiest minute; a minute with more grows it (allocating, rehashing this
 * minute's cards), which {@link #capacity} shows. Single threaded, the switch handler's.
 */
final class CardMinutes
{
    static final float LOAD = 0.6f;
    private static final int NO_MINUTE = 0;

    private long[] keys;
    private int[] minutes;
    private int[] requests;
    private long[] merchants;
    private int mask;
    private int limit;
    private int size;
    private int minute = NO_MINUTE;

    /** @param cards cards a minute the table holds before it grows */
    CardMinutes(final int cards)
    {
        allocate(BitUtil.findNextPositivePowerOfTwo((int)Math.min(1 << 30, (long)Math.ceil(Math.max(cards, 16) / LOAD))));
    }

    /** Slots, a power of two; it changes only when a minute's cards outgrow the table. */
    int capacity()
    {
        return keys.length;
    }

    /** Cards seen in the current minute. */
    int size()
    {
        return size;
    }

    /** Moves to minute {@code epochMinute} of event time, if it is another: every card's figures start again at zero. */
    void minute(final long epochMinute)
    {
        // Tags are the minute plus one, 0 meaning a slot never written; an int wraps in some 4,000 years.
        final int tag = (int)epochMinute + 1;
        if (tag != minute)
        {
            minute = tag == NO_MINUTE ? tag + 1 : tag;
            size = 0;
        }
    }

    /** The card's slot in this minute, added with no requests and no merchant if it has none yet. */
    int slot(final long card)
    {
        int i = Hashing.hash(card, mask);
        while (minutes[i] == minute)
        {
            if (keys[i] == card)
            {
                return i;
            }
            i = (i + 1) & mask;
        }
        if (size >= limit)
        {
            grow();
            return slot(card);
        }
        keys[i] = card;
        minutes[i] = minute;
        requests[i] = 0;
        merchants[i] = 0;
        size++;
        return i;
    }

    /** Counts a request of the slot's card; returns its requests this minute. */
    int countRequest(final int slot)
    {
        return ++requests[slot];
    }

    /** The slot's merchant word (the switch handler's layout: last merchant and changes), 0 for none yet. */
    long merchant(final int slot)
    {
        return merchants[slot];
    }

    void merchant(final int slot, final long word)
    {
        merchants[slot] = word;
    }

    private void grow()
    {
        final long[] oldKeys = keys;
        final int[] oldMinutes = minutes;
        final int[] oldRequests = requests;
        final long[] oldMerchants = merchants;
        allocate(oldKeys.length << 1);
        for (int j = 0; j < oldKeys.length; j++)
        {
            if (oldMinutes[j] == minute)
            {
                int i = Hashing.hash(oldKeys[j], mask);
                while (minutes[i] == minute)
                {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                minutes[i] = minute;
                requests[i] = oldRequests[j];
                merchants[i] = oldMerchants[j];
            }
        }
    }

    private void allocate(final int capacity)
    {
        keys = new long[capacity];
        minutes = new int[capacity];
        requests = new int[capacity];
        merchants = new long[capacity];
        mask = capacity - 1;
        limit = (int)(capacity * LOAD);
    }
}
