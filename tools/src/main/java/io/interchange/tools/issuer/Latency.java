package io.interchange.tools.issuer;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long the issuer takes to answer, drawn per answer. The answer is scheduled on the event loop for later,
 * never slept on, so a slow issuer still reads every request as it comes.
 */
public sealed interface Latency permits Latency.Fixed, Latency.Uniform, Latency.Exponential
{
    /** Answers as soon as they are decided, in the read batch that brought their requests. */
    Latency NONE = new Fixed(Duration.ZERO);

    /** The delay of one answer in nanoseconds. */
    long sampleNanos(RandomGenerator random);

    /**
     * {@code 0} (none), {@code 5ms} (fixed), {@code 1ms..20ms} (uniform between the two) or {@code exp:5ms}
     * (exponential with that mean); units ns, us, ms, s.
     */
    static Latency parse(final String text)
    {
        final String t = text.strip();
        if (t.startsWith("exp:"))
        {
            return new Exponential(DurationText.parse(t.substring(4)));
        }
        final int range = t.indexOf("..");
        if (range >= 0)
        {
            return new Uniform(DurationText.parse(t.substring(0, range)), DurationText.parse(t.substring(range + 2)));
        }
        return new Fixed(DurationText.parse(t));
    }

    private static Duration checked(final Duration d, final String what)
    {
        Objects.requireNonNull(d, what);
        if (d.isNegative())
        {
            throw new IllegalArgumentException(what + " is negative: " + d);
        }
        return d;
    }

    /** Every answer after the same delay. */
    record Fixed(Duration delay) implements Latency
    {
        public Fixed
        {
            checked(delay, "delay");
        }

        @Override
        public long sampleNanos(final RandomGenerator random)
        {
            return delay.toNanos();
        }

        @Override
        public String toString()
        {
            return DurationText.format(delay);
        }
    }

    /** Delays spread evenly from {@code min} to {@code max}. */
    record Uniform(Duration min, Duration max) implements Latency
    {
        public Uniform
        {
            checked(min, "min");
            checked(max, "max");
            if (max.compareTo(min) < 0)
            {
                throw new IllegalArgumentException("latency range " + DurationText.format(min) + ".." + DurationText.format(max) + " ends before it starts");
            }
        }

        @Override
        public long sampleNanos(final RandomGenerator random)
        {
            final long low = min.toNanos();
            return low + (long)(random.nextDouble() * (max.toNanos() - low));
        }

        @Override
        public String toString()
        {
            return DurationText.format(min) + ".." + DurationText.format(max);
        }
    }

    /** Mostly quick with a long tail, as a loaded host answers: exponential with the given mean. */
    record Exponential(Duration mean) implements Latency
    {
        public Exponential
        {
            checked(mean, "mean");
        }

        @Override
        public long sampleNanos(final RandomGenerator random)
        {
            return (long)(-mean.toNanos() * Math.log(1.0 - random.nextDouble()));
        }

        @Override
        public String toString()
        {
            return "exp:" + DurationText.format(mean);
        }
    }
}
