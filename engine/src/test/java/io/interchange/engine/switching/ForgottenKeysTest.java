package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import com.sun.management.ThreadMXBean;

/** The keys the duplicate history has forgotten, and which of them were reversed: bounded, and allocation-free once built. */
class ForgottenKeysTest
{
    @Test
    void shouldKeepWhetherAKeyWasReversedWithinItsCapacityAndLetItGoWithTheOldest()
    {
        final ForgottenKeys keys = new ForgottenKeys(4);
        keys.add(101, true);
        keys.add(102, false);
        assertTrue(keys.contains(101));
        assertTrue(keys.reversed(101));
        assertTrue(keys.contains(102));
        assertFalse(keys.reversed(102), "forgotten, never reversed");
        assertFalse(keys.reversed(103), "never seen");
        // The reversed key takes two of the four places: two more keys let it go, its mark last.
        keys.add(103, false);
        keys.add(104, false);
        assertFalse(keys.contains(101));
        assertTrue(keys.reversed(101));
        keys.add(105, false);
        assertFalse(keys.reversed(101));
        assertTrue(keys.contains(102) && keys.contains(105));
    }

    @Test
    void shouldKeepNothingAtCapacityZero()
    {
        final ForgottenKeys keys = new ForgottenKeys(0);
        keys.add(7, true);
        assertFalse(keys.contains(7));
        assertFalse(keys.reversed(7));
    }

    @Test
    void shouldNotAllocateOnceBuilt()
    {
        final ForgottenKeys keys = new ForgottenKeys(1_024);
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
}
