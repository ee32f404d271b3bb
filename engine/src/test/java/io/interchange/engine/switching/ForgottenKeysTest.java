package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.agrona.collections.Long2LongHashMap;
import org.junit.jupiter.api.Test;

import com.sun.management.ThreadMXBean;

/**
 * The keys the duplicate history has forgotten, and which of them were reversed, marked in the history's own map: bounded,
 * and allocation-free once built.
 */
class ForgottenKeysTest
{
    @Test
    void shouldKeepWhetherAKeyWasReversedWithinItsCapacityAndLetItGoWithTheOldest()
    {
        final Long2LongHashMap map = map();
        final ForgottenKeys keys = new ForgottenKeys(3, map);
        map.put(101, 0);
        map.put(102, 1);
        keys.add(101, true);
        keys.add(102, false);
        assertTrue(keys.contains(101));
        assertTrue(keys.reversed(101));
        assertTrue(keys.contains(102));
        assertFalse(keys.reversed(102), "forgotten, never reversed");
        assertFalse(keys.reversed(103), "never seen");
        keys.add(103, false);
        assertTrue(keys.contains(101) && keys.reversed(101), "a reversed key takes one place, as any other");
        keys.add(104, false);
        assertFalse(keys.contains(101));
        assertFalse(keys.reversed(101));
        assertEquals(Transactions.NONE, map.get(101), "let go from the history's map too");
        assertTrue(keys.contains(102) && keys.contains(104));
    }

    @Test
    void shouldLeaveAKeyTheHistoryHoldsAgainWhenItsMarkIsLetGo()
    {
        final Long2LongHashMap map = map();
        final ForgottenKeys keys = new ForgottenKeys(1, map);
        keys.add(7, false);
        map.put(7, 5); // the history took the key again
        keys.add(8, false);
        assertEquals(5, map.get(7), "the history's entry stays");
        assertFalse(keys.contains(7));
        assertTrue(keys.contains(8));
    }

    @Test
    void shouldKeepNothingAtCapacityZero()
    {
        final Long2LongHashMap map = map();
        map.put(7, 0);
        final ForgottenKeys keys = new ForgottenKeys(0, map);
        keys.add(7, true);
        assertEquals(Transactions.NONE, map.get(7), "the history's key goes");
        assertFalse(keys.contains(7));
        assertFalse(keys.reversed(7));
    }

    @Test
    void shouldNotAllocateOnceBuilt()
    {
        final ForgottenKeys keys = new ForgottenKeys(1_024, new Long2LongHashMap(4_096, 0.6f, Transactions.NONE));
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        long previous = -1;
        long fingerprint = 0x9E3779B97F4A7C15L;
        int found = 0;
        for (int round = 0; round < 50; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++)
            {
                fingerprint = fingerprint * 0xC2B2AE3D27D4EB4FL + i;
                keys.add(fingerprint, (i & 7) == 0);
                found += keys.reversed(fingerprint) ? 1 : 0;
                found += keys.contains(fingerprint ^ 1) ? 1 : 0;
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (allocated == 0 && previous == 0)
            {
                assertEquals(1_250 * (round + 1), found, "each reversed key found so, and no other key");
                return;
            }
            previous = allocated;
        }
        throw new AssertionError("adding and looking up keys still allocates after 50 rounds");
    }

    private static Long2LongHashMap map()
    {
        return new Long2LongHashMap(16, 0.6f, Transactions.NONE);
    }
}
