package io.interchange.tools.issuer;

import java.time.Duration;

/**
 * Durations as the command line writes them: a whole number and a unit, {@code 250us}, {@code 5ms}, {@code 2s}. Shared by
 * the commands that take durations (issuer-sim, load).
 */
public final class DurationText
{
    private DurationText()
    {
    }

    /** {@code 0}, or digits followed by ns, us, ms or s. */
    public static Duration parse(final String text)
    {
        final String t = text.strip();
        if (t.equals("0"))
        {
            return Duration.ZERO;
        }
        int digits = 0;
        while (digits < t.length() && Character.isDigit(t.charAt(digits)))
        {
            digits++;
        }
        if (digits == 0 || digits > 12)
        {
            throw new IllegalArgumentException("duration '" + text + "' is not a whole number with a unit (ns, us, ms, s), e.g. 5ms");
        }
        final long value = Long.parseLong(t.substring(0, digits));
        switch (t.substring(digits))
        {
            case "ns":
                return Duration.ofNanos(value);
            case "us":
                return Duration.ofNanos(value * 1_000);
            case "ms":
                return Duration.ofMillis(value);
            case "s":
                return Duration.ofSeconds(value);
            default:
                throw new IllegalArgumentException("duration '" + text + "' has no unit of ns, us, ms or s");
        }
    }

    /** The shortest exact form {@link #parse} reads back. */
    public static String format(final Duration duration)
    {
        final long nanos = duration.toNanos();
        if (nanos == 0)
        {
            return "0";
        }
        if (nanos % 1_000_000_000L == 0)
        {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0)
        {
            return nanos / 1_000_000L + "ms";
        }
        return nanos % 1_000L == 0 ? nanos / 1_000L + "us" : nanos + "ns";
    }
}
