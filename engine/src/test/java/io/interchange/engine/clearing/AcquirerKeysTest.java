package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The day's key index against a HashMap of the same keys: what one says, the other says. */
class AcquirerKeysTest
{
    private record Key(long high, long low)
    {
    }

    @Test
    void shouldAgreeWithAMapThroughGrowthAndReplacement()
    {
        final long seed = Long.getLong("interchange.seed", System.nanoTime());
        final SplittableRandom random = new SplittableRandom(seed);
        final AcquirerKeys keys = new AcquirerKeys();
        final Map<Key, Integer> oracle = new HashMap<>();
        for (int row = 0; row < 200_000; row++)
        {
            // Few terminals and a narrow STAN range, so keys repeat and a later request replaces an earlier one.
            final Key key = new Key(AcquirerKeys.high(random.nextInt(3), random.nextInt(50)),
                AcquirerKeys.low(random.nextLong(5_000), 1_126_120_000L + random.nextLong(100)));
            keys.put(key.high(), key.low(), row);
            oracle.put(key, row);
        }
        oracle.forEach((key, row) -> assertEquals(row, keys.get(key.high(), key.low()), () -> key + ", seed " + seed));
        for (int i = 0; i < 10_000; i++)
        {
            final Key key = new Key(AcquirerKeys.high(random.nextInt(6), random.nextInt(100)), AcquirerKeys.low(random.nextLong(10_000), 0));
            assertEquals(oracle.getOrDefault(key, AcquirerKeys.MISSING), keys.get(key.high(), key.low()), () -> key + ", seed " + seed);
        }
    }

    @Test
    void shouldKeepStanAndTransmissionApartOnlyWhenTheyFit()
    {
        assertEquals(true, AcquirerKeys.fits(999_999, 9_999_999_999L));
        assertEquals(false, AcquirerKeys.fits(1_000_000, 0), "a STAN beyond 6 digits would meet field 7");
        assertEquals(false, AcquirerKeys.fits(1, 10_000_000_000L), "a field 7 beyond 10 digits would meet the STAN");
        assertEquals(false, AcquirerKeys.fits(-1, 0), "not a number");
    }
}
