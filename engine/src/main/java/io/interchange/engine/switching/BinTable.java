package io.interchange.engine.switching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.agrona.DirectBuffer;

/**
 * Routes a card number to its issuer: ranges of BIN prefixes (6 to 11 digits), the longest matching prefix
 * winning, so a co-branded 8-digit range can sit inside its network's 6-digit one. Built once; a look-up
 * reads the PAN's leading digits as numbers and binary-searches one sorted array per prefix length.
 *
 * <p>Each range also says whether its cards are domestic or foreign (a UnionPay POS batch totals them apart). The
 * look-up gives both in the one int it returns, so the switch learns a card's origin without a second search or an
 * object: {@link #issuer} and {@link #foreign} take it apart.
 */
public final class BinTable
{
    public static final int MIN_DIGITS = 6;
    public static final int MAX_DIGITS = 11;
    public static final int NO_ROUTE = -1;
    /** Set in a route of a foreign card; issuer indexes stay far below it. */
    private static final int FOREIGN = 1 << 30;

    private final long[][] lows = new long[MAX_DIGITS + 1][];
    private final long[][] highs = new long[MAX_DIGITS + 1][];
    private final int[][] issuers = new int[MAX_DIGITS + 1][];

    private BinTable(final List<Range> ranges)
    {
        for (int digits = MIN_DIGITS; digits <= MAX_DIGITS; digits++)
        {
            final int length = digits;
            final List<Range> same = new ArrayList<>();
            for (final Range range : ranges)
            {
                if (range.low.length() == length)
                {
                    same.add(range);
                }
            }
            same.sort(Comparator.comparingLong(r -> Long.parseLong(r.low)));
            lows[digits] = new long[same.size()];
            highs[digits] = new long[same.size()];
            issuers[digits] = new int[same.size()];
            for (int i = 0; i < same.size(); i++)
            {
                final Range range = same.get(i);
                lows[digits][i] = Long.parseLong(range.low);
                highs[digits][i] = Long.parseLong(range.high);
                issuers[digits][i] = range.foreign ? range.issuer | FOREIGN : range.issuer;
                if (i > 0 && lows[digits][i] <= highs[digits][i - 1])
                {
                    throw new IllegalArgumentException("BIN ranges overlap: " + same.get(i - 1) + " and " + range);
                }
            }
        }
    }

    /**
     * The route for the PAN whose ASCII digits are {@code digits[0, length)}: its issuer index and origin, read with
     * {@link #issuer} and {@link #foreign}; or {@link #NO_ROUTE}. A domestic card's route is its issuer index.
     */
    public int route(final DirectBuffer digits, final int length)
    {
        long prefix = 0;
        int best = NO_ROUTE;
        for (int n = 1; n <= Math.min(MAX_DIGITS, length); n++)
        {
            final int d = digits.getByte(n - 1) - '0';
            if (d < 0 || d > 9)
            {
                return best;
            }
            prefix = prefix * 10 + d;
            if (n >= MIN_DIGITS)
            {
                final int found = find(n, prefix);
                if (found != NO_ROUTE)
                {
                    best = found;
                }
            }
        }
        return best;
    }

    private int find(final int digits, final long prefix)
    {
        final long[] low = lows[digits];
        int lo = 0;
        int hi = low.length - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (low[mid] > prefix)
            {
                hi = mid - 1;
            }
            else if (highs[digits][mid] < prefix)
            {
                lo = mid + 1;
            }
            else
            {
                return issuers[digits][mid];
            }
        }
        return NO_ROUTE;
    }

    /** The issuer index of a route other than {@link #NO_ROUTE}. */
    public static int issuer(final int route)
    {
        return route & ~FOREIGN;
    }

    /** True when a route (other than {@link #NO_ROUTE}) is to a foreign card. */
    public static boolean foreign(final int route)
    {
        return (route & FOREIGN) != 0;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    private record Range(String low, String high, int issuer, boolean foreign)
    {
    }

    public static final class Builder
    {
        private final List<Range> ranges = new ArrayList<>();

        /** Domestic cards with prefixes from {@code low} to {@code high} inclusive, both of the same number of digits. */
        public Builder add(final String low, final String high, final int issuer)
        {
            return add(low, high, issuer, false);
        }

        /** Prefixes from {@code low} to {@code high} inclusive, both of the same number of digits; foreign cards or domestic. */
        public Builder add(final String low, final String high, final int issuer, final boolean foreign)
        {
            if (issuer < 0 || issuer >= FOREIGN)
            {
                throw new IllegalArgumentException("bad issuer index " + issuer + " for BIN range " + low + "-" + high);
            }
            if (low.length() != high.length() || low.length() < MIN_DIGITS || low.length() > MAX_DIGITS ||
                !low.chars().allMatch(Character::isDigit) || !high.chars().allMatch(Character::isDigit) ||
                Long.parseLong(low) > Long.parseLong(high))
            {
                throw new IllegalArgumentException("bad BIN range " + low + "-" + high);
            }
            ranges.add(new Range(low, high, issuer, foreign));
            return this;
        }

        public BinTable build()
        {
            return new BinTable(ranges);
        }
    }
}
