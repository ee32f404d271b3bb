package io.interchange.engine.switching;

import java.util.Arrays;

/**
 * An open-addressing map from a {@link FixedKey} to a small int (an index into a table of merchants or
 * terminals). Built once from configuration, then only read: no allocation and no locking on look-up.
 */
final class KeyIndex
{
    private final long[] highs;
    private final long[] lows;
    private final int[] values;
    private final int mask;
    private int size;

    KeyIndex(final int expected)
    {
        int capacity = 16;
        while (capacity < expected * 2)
        {
            capacity <<= 1;
        }
        highs = new long[capacity];
        lows = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, -1);
        mask = capacity - 1;
    }

    void put(final long high, final long low, final int value)
    {
        if (size * 2 >= values.length)
        {
            throw new IllegalStateException("key index full: " + size);
        }
        int i = slot(high, low);
        while (values[i] >= 0)
        {
            if (highs[i] == high && lows[i] == low)
            {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        highs[i] = high;
        lows[i] = low;
        values[i] = value;
        size++;
    }

    /** The value for the key, or -1. */
    int get(final long high, final long low)
    {
        int i = slot(high, low);
        while (values[i] >= 0)
        {
            if (highs[i] == high && lows[i] == low)
            {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private int slot(final long high, final long low)
    {
        long h = high * 0x9E3779B97F4A7C15L ^ low * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        return (int)h & mask;
    }
}
