package io.interchange.engine.switching;

import org.agrona.BitUtil;
import org.agrona.collections.Hashing;

/**
 * Per card, what the risk rules count within the current minute of event time: its requests (the frequency
 * limit) and its last merchant with the changes of merchant (the merchant-hopping rule). Open addressing with
 * linear probing, every slot tagged with the minute it was written in.
 *
 * <p>A slot of an earlier minute is as good as empty, so a new minute costs nothing: no clearing. Clearing a table
 * sized for millions of cards stalled the ring thread for some 20 ms each minute (Agrona's {@code clear} fills the
 * whole array). Probing stays correct without it: within a minute slots are only added, each at the first slot on
 * its path that is empty or of an earlier minute, so every slot before it on the path is of this minute; a look-up
 * therefore stops at the first slot not of this minute, and slots of earlier minutes never lengthen a probe.
 *
 * <p>A slot is three adjacent longs of one array (the card; its minute's tag and requests; its merchant word), not
 * four arrays side by side: sized for millions of cards the table is far larger than the caches, each card's look-up
 * lands somewhere new, and four arrays made that four cache misses and four pages where one slot is one miss.
 *
 * <p>Sized at start for the cards of the busiest minute; a minute with more grows it (allocating, rehashing this
 * minute's cards), which {@link #capacity} shows. Single threaded, the switch handler's.
 */
final class CardMinutes
{
    static final float LOAD = 0.6f;
    private static final int NO_MINUTE = 0;
    private static final int STRIDE = 3;
    private static final int CARD = 0;
    // The minute's tag in the high half, the card's requests this minute in the low half.
    private static final int TAG_REQUESTS = 1;
    private static final int MERCHANT = 2;

    private long[] slots;
    private int capacity;
    private int mask;
    private int limit;
    private int size;
    private int minute = NO_MINUTE;

    /** @param cards cards a minute the table holds before it grows */
    CardMinutes(final int cards)
    {
        allocate(BitUtil.findNextPositivePowerOfTwo((int)Math.min(1 << 28, (long)Math.ceil(Math.max(cards, 16) / LOAD))));
    }

    /** Slots, a power of two; it changes only when a minute's cards outgrow the table. */
    int capacity()
    {
        return capacity;
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
        final long[] slots = this.slots;
        int i = Hashing.hash(card, mask);
        int at;
        while (tag(slots[(at = i * STRIDE) + TAG_REQUESTS]) == minute)
        {
            if (slots[at + CARD] == card)
            {
                return at;
            }
            i = (i + 1) & mask;
        }
        if (size >= limit)
        {
            grow();
            return slot(card);
        }
        slots[at + CARD] = card;
        slots[at + TAG_REQUESTS] = (long)minute << 32;
        slots[at + MERCHANT] = 0;
        size++;
        return at;
    }

    /** Counts a request of the slot's card; returns its requests this minute. */
    int countRequest(final int slot)
    {
        // A card cannot make 2^32 requests in a minute, so the count never carries into the tag.
        return (int)++slots[slot + TAG_REQUESTS];
    }

    /** The slot's merchant word (the switch handler's layout: last merchant and changes), 0 for none yet. */
    long merchant(final int slot)
    {
        return slots[slot + MERCHANT];
    }

    void merchant(final int slot, final long word)
    {
        slots[slot + MERCHANT] = word;
    }

    private static int tag(final long tagAndRequests)
    {
        return (int)(tagAndRequests >>> 32);
    }

    private void grow()
    {
        final long[] old = slots;
        allocate(capacity << 1);
        for (int j = 0; j < old.length; j += STRIDE)
        {
            if (tag(old[j + TAG_REQUESTS]) == minute)
            {
                int i = Hashing.hash(old[j + CARD], mask);
                while (tag(slots[i * STRIDE + TAG_REQUESTS]) == minute)
                {
                    i = (i + 1) & mask;
                }
                System.arraycopy(old, j, slots, i * STRIDE, STRIDE);
            }
        }
    }

    private void allocate(final int capacity)
    {
        slots = new long[capacity * STRIDE];
        this.capacity = capacity;
        mask = capacity - 1;
        limit = (int)(capacity * LOAD);
    }
}
