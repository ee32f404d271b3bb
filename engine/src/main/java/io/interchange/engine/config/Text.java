package io.interchange.engine.config;

import java.time.Duration;
import java.util.Locale;

/** How values are written in messages, and the few text rules the reader shares. */
final class Text
{
    private Text()
    {
    }

    /** {@code 0..65535}, or {@code at least 1} when there is no upper bound. */
    static String range(final long min, final long max)
    {
        return max == Long.MAX_VALUE ? "at least " + min : min + ".." + max;
    }

    /** In the largest HOCON unit that writes it exactly: {@code 24h}, {@code 100ms}. */
    static String duration(final Duration duration)
    {
        final long nanos = duration.toNanos();
        if (nanos == 0)
        {
            return "0s";
        }
        final long[] sizes = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        final String[] units = {"d", "h", "m", "s", "ms", "us"};
        for (int i = 0; i < sizes.length; i++)
        {
            if (nanos % sizes[i] == 0)
            {
                return nanos / sizes[i] + units[i];
            }
        }
        return nanos + "ns";
    }

    /** The name a constant is written with in the file: MSYNC_PER_BATCH is {@code msync-per-batch}. */
    static String configName(final Enum<?> constant)
    {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** An optional minus sign and 1 to 18 digits: always a long. */
    static boolean isWholeNumber(final String text)
    {
        final int start = text.startsWith("-") ? 1 : 0;
        final int digits = text.length() - start;
        return digits >= 1 && digits <= 18 && isDigits(text.substring(start));
    }

    static boolean isDigits(final String text)
    {
        return text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Levenshtein distance: how many one-character edits turn {@code a} into {@code b}. */
    static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
