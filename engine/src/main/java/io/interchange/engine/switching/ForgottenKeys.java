package io.interchange.engine.switching;

import org.agrona.collections.Long2LongHashMap;

/**
 * The keys (acquirer, terminal, STAN, field 7) of the last requests the duplicate history ({@link Transactions}) has
 * forgotten, with neither their content nor their answer: enough to know that a request with one of them is not new.
 * The switch answers it 94 rather than forward it a second time, so a terminal's retransmission that comes after the
 * history has moved on (at 20,000 TPS the default history spans 6.5 s) is never charged twice. A repeat of the
 * reversal (0401, 0421) of a request reversed before it was forgotten is known for one ({@link #reversed}) and
 * answered 00 as the first was, not 25, which would tell the acquirer the switch never had the original.
 *
 * <p>The keys live in the history's own map, fingerprint to entry, marked {@link #FORGOTTEN} or
 * {@link #FORGOTTEN_REVERSED} where the entry's index was: a new request's key is one look-up for both (the check
 * for a forgotten key then reads the slot the history's look-up just brought into the cache), and forgetting a request
 * overwrites its slot where a set of their own took a look-up, an insert and a removal in another table, each a cache
 * miss at the defaults' size (bench/RESULTS.md, "One map for the history's keys and the forgotten ones"). This class
 * keeps the order of forgetting, oldest first, to know which to let go when full.
 *
 * <p>Only a key's 64-bit fingerprint is kept. Two keys share a fingerprint with odds of about one in 2^64 a pair, and
 * then a new request would get 94. Pre-allocated; no allocation once built; single-threaded (the switch handler's).
 */
final class ForgottenKeys
{
    /** A key's mark in the shared map: forgotten. Below every entry index and the map's missing value. */
    static final long FORGOTTEN = -2;
    /** A key's mark in the shared map: reversed, then forgotten. */
    static final long FORGOTTEN_REVERSED = -3;

    private final Long2LongHashMap keys;
    private final long[] order;
    private int next;
    private int size;

    /**
     * @param capacity keys kept at most; 0 keeps none.
     * @param keys     the history's map, fingerprint to entry, sized for its entries and {@code capacity} more keys:
     *                 a key this class lets go is removed from it only while it still bears a mark of forgetting.
     */
    ForgottenKeys(final int capacity, final Long2LongHashMap keys)
    {
        this.keys = keys;
        order = new long[capacity];
    }

    /**
     * The request under {@code fingerprint}, which the history held, is forgotten: its entry's index in the map
     * becomes a mark, reversed or not, and the oldest mark is let go when full. At capacity 0 the key goes.
     */
    void add(final long fingerprint, final boolean reversed)
    {
        if (order.length == 0)
        {
            keys.remove(fingerprint);
            return;
        }
        if (size == order.length)
        {
            // A key forgotten, made again and held by the history has an entry's index, not a mark: the history's now.
            final long oldest = order[next];
            if (isMark(keys.get(oldest)))
            {
                keys.remove(oldest);
            }
        }
        else
        {
            size++;
        }
        order[next] = fingerprint;
        keys.put(fingerprint, reversed ? FORGOTTEN_REVERSED : FORGOTTEN);
        next = next + 1 == order.length ? 0 : next + 1;
    }

    boolean contains(final long fingerprint)
    {
        return isMark(keys.get(fingerprint));
    }

    /** Whether the request with this key was reversed before the history forgot it, and its key is still kept. */
    boolean reversed(final long fingerprint)
    {
        return keys.get(fingerprint) == FORGOTTEN_REVERSED;
    }

    static boolean isMark(final long value)
    {
        return value == FORGOTTEN || value == FORGOTTEN_REVERSED;
    }
}
