package io.interchange.engine.clearing;

import java.util.Arrays;

/**
 * The day's requests by the key the switch gives them for duplicates and reversals: listener, terminal, STAN, and
 * field 7 (or, for UnionPay POS, the batch number). Every financial request of the day is in it, since a reversal
 * or a completion may name any of them; so it is open addressing over primitive arrays, not a map of String keys:
 * about 28 bytes a request.
 *
 * <p>A key is two longs: {@code listener << 32 | terminal code} and {@code STAN × 10^10 + field 7}; the caller
 * builds them ({@link #high}, {@link #low}), and checks that STAN and field 7 fit (6 and 10 digits).
 */
final class AcquirerKeys
{
    static final int MISSING = -1;
    private static final long STAN_SCALE = 10_000_000_000L;

    private long[] highs = new long[1_024];
    private long[] lows = new long[1_024];
    private int[] rows = new int[1_024];
    private int entries;
    /** Entry number + 1 in each slot, 0 for an empty one; never more than half full. */
    private int[] slots = new int[2_048];

    static long high(final int listener, final int terminalCode)
    {
        return ((long)listener << 32) | (terminalCode & 0xFFFF_FFFFL);
    }

    /** {@code stan} below 10^6 and {@code transmission} below 10^10, as their fields allow. */
    static long low(final long stan, final long transmission)
    {
        return stan * STAN_SCALE + transmission;
    }

    /** Whether STAN and field 7 (or batch) can make a key without two keys meeting. */
    static boolean fits(final long stan, final long transmission)
    {
        return stan >= 0 && stan < 1_000_000L && transmission >= 0 && transmission < STAN_SCALE;
    }

    /** The key now names {@code row}: a later request with the same key replaces an earlier one, as in the switch. */
    void put(final long high, final long low, final int row)
    {
        final int mask = slots.length - 1;
        for (int slot = hash(high, low) & mask; ; slot = (slot + 1) & mask)
        {
            final int entry = slots[slot] - 1;
            if (entry < 0)
            {
                if (entries == rows.length)
                {
                    highs = Arrays.copyOf(highs, entries * 2);
                    lows = Arrays.copyOf(lows, entries * 2);
                    rows = Arrays.copyOf(rows, entries * 2);
                }
                highs[entries] = high;
                lows[entries] = low;
                rows[entries] = row;
                slots[slot] = ++entries;
                if (entries * 2 > slots.length)
                {
                    rehash();
                }
                return;
            }
            if (highs[entry] == high && lows[entry] == low)
            {
                rows[entry] = row;
                return;
            }
        }
    }

    /** The row the key names, or {@link #MISSING}. */
    int get(final long high, final long low)
    {
        final int mask = slots.length - 1;
        for (int slot = hash(high, low) & mask; ; slot = (slot + 1) & mask)
        {
            final int entry = slots[slot] - 1;
            if (entry < 0)
            {
                return MISSING;
            }
            if (highs[entry] == high && lows[entry] == low)
            {
                return rows[entry];
            }
        }
    }

    private void rehash()
    {
        slots = new int[Math.multiplyExact(slots.length, 2)];
        final int mask = slots.length - 1;
        for (int entry = 0; entry < entries; entry++)
        {
            int slot = hash(highs[entry], lows[entry]) & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }
            slots[slot] = entry + 1;
        }
    }

    /** MurmurHash3's 64-bit finalizer over both halves: STANs and times are sequential, the low bits must mix. */
    private static int hash(final long high, final long low)
    {
        long h = high * 0x9E37_79B9_7F4A_7C15L ^ low;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return (int)h;
    }
}
