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

    // The most slots a long[] of three longs a slot can index: 2^29.
    static final int MAX_CAPACITY = Integer.highestOneBit(Integer.MAX_VALUE / STRIDE - 1);

    private final int maxCapacity;
    private long[] slots;
    private int capacity;
    private int mask;
    private int limit;
    private int size;
    private int minute = NO_MINUTE;
    private long uncounted;

    /** @param cards cards a minute the table holds before it grows */
    CardMinutes(final int cards)
    {
        this(cards, MAX_CAPACITY);
    }

    /** @param maxCapacity slots it never grows past: a minute with more cards than fit leaves the rest uncounted */
    CardMinutes(final int cards, final int maxCapacity)
    {
        this.maxCapacity = maxCapacity;
        allocate(Math.min(maxCapacity, BitUtil.findNextPositivePowerOfTwo((int)Math.min(1 << 28, (long)Math.ceil(Math.max(cards, 16) / LOAD)))));
    }

    /** Slots, a power of two; it changes only when a minute's cards outgrow the table. */
    int capacity()
    {
        return capacity;
    }

    /** Look-ups of cards that found the table full at its largest, since start: those cards went uncounted. */
    long uncounted()
    {
        return uncounted;
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
            if (capacity < maxCapacity)
            {
                grow();
                return slot(card);
            }
            if (size >= capacity - 1)
            {
                // Full (one slot always stays free, so that a probe ends): the card gets the spare slot past the table,
                // emptied for it, and is not counted this minute. Rather that than stop the ring or refuse the card.
                uncounted++;
                at = capacity * STRIDE;
                slots[at + TAG_REQUESTS] = 0;
                slots[at + MERCHANT] = 0;
                return at;
            }
        }
        slots[at + CARD] = card;
        slots[at + TAG_REQUESTS] = (long)minute << 32;
        slots[at + MERCHANT] = 0;
        size++;
        return at;
    }

    /**
     * Reads the first slot of the card's probe and returns what it holds, changing nothing: a caller that will look the
     * card up later reads its line into the caches now, beside other look-ups whose misses then overlap with this one.
     */
    long touch(final long card)
    {
        return slots[Hashing.hash(card, mask) * STRIDE + TAG_REQUESTS];
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
        for (int j = 0; j < old.length - STRIDE; j += STRIDE)
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
        // One slot more than the table: where a card goes when the table is full at its largest.
        slots = new long[(capacity + 1) * STRIDE];
        this.capacity = capacity;
        mask = capacity - 1;
        limit = (int)(capacity * LOAD);
    }
}
