package io.interchange.tools.issuer;

import java.util.random.RandomGenerator;

/**
 * Steele, Lea and Flood's SplitMix64 (OOPSLA 2014), written out here rather than taken from the JDK: the
 * sequence a seed gives is then fixed by this file alone, so a {@link CardBook} generated from a seed is the
 * same in every JVM and every Java version, and the terminal simulator can rely on it.
 */
final class SplitMix64 implements RandomGenerator
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix64(final long seed)
    {
        this.state = seed;
    }

    @Override
    public long nextLong()
    {
        long z = state += GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A number in [0, bound) by multiply-and-shift of the top 31 bits: no loop, so every call takes exactly one
     * step of the sequence, which keeps the draws of a generated card book in a fixed order. The bias, below
     * bound / 2^31, does not matter for test data.
     */
    @Override
    public int nextInt(final int bound)
    {
        if (bound <= 0)
        {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        return (int)(((nextLong() >>> 33) * bound) >>> 31);
    }

    /** A number in [0, 1) from the top 53 bits. */
    @Override
    public double nextDouble()
    {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
