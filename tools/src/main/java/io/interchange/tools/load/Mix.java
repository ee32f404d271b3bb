package io.interchange.tools.load;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How often each {@link Share} of work is drawn: whole-number weights, not necessarily summing to 100, so
 * {@code purchase=100} and {@code purchase=1} draw alike. Written as on the command line:
 * {@code purchase=70,preauth=8,refund=5,balance=5,void=5,decline=5,malformed=2}; a share left out has weight 0.
 * Immutable.
 */
public final class Mix
{
    // First: DEFAULT and PURCHASES below are parsed with it.
    private static final Share[] SHARES = Share.values();

    /** The realistic mix (issue 4): mostly purchases, a few of everything else. */
    public static final Mix DEFAULT = parse("purchase=70,preauth=8,refund=5,balance=5,void=5,decline=5,malformed=2");
    /** Purchases only: what a baseline switch that only forwards purchases (the jPOS one in bench) can take. */
    public static final Mix PURCHASES = parse("purchase=100");

    private final int[] weights;
    // Cumulative weights: a draw in [0, total) falls in the first share whose bound is above it.
    private final int[] bounds;
    private final int total;

    private Mix(final int[] weights)
    {
        this.weights = weights.clone();
        this.bounds = new int[weights.length];
        int sum = 0;
        for (int i = 0; i < weights.length; i++)
        {
            sum += weights[i];
            bounds[i] = sum;
        }
        if (sum <= 0)
        {
            throw new IllegalArgumentException("mix has no weight: give at least one share above 0");
        }
        this.total = sum;
    }

    /** The mix of these weights; every share of the map may be left out (weight 0). */
    public static Mix of(final Map<Share, Integer> weights)
    {
        final int[] w = new int[SHARES.length];
        weights.forEach((share, weight) ->
        {
            if (weight < 0 || weight > 1_000_000)
            {
                throw new IllegalArgumentException("mix weight of " + share.label() + " is not 0 to 1000000: " + weight);
            }
            w[share.ordinal()] = weight;
        });
        return new Mix(w);
    }

    /**
     * Reads {@code share=weight} pairs separated by commas, for example {@code purchase=90,decline=10}.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown share, a weight that is not a whole number,
     *                                  a share given twice, or no weight at all.
     */
    public static Mix parse(final String text)
    {
        final Map<Share, Integer> weights = new EnumMap<>(Share.class);
        for (final String part : text.split(",", -1))
        {
            final String item = part.strip();
            final int eq = item.indexOf('=');
            if (eq <= 0)
            {
                throw new IllegalArgumentException("mix entry '" + item + "' is not share=weight, e.g. purchase=70");
            }
            final String name = item.substring(0, eq).strip();
            final Share share = Share.byLabel(name);
            if (share == null)
            {
                throw new IllegalArgumentException("mix share '" + name + "' is not one of " + labels());
            }
            final String number = item.substring(eq + 1).strip();
            if (number.isEmpty() || number.length() > 7 || !number.chars().allMatch(c -> c >= '0' && c <= '9'))
            {
                throw new IllegalArgumentException("mix weight of " + name + " is not a whole number: '" + number + "'");
            }
            if (weights.put(share, Integer.parseInt(number)) != null)
            {
                throw new IllegalArgumentException("mix share " + name + " is given twice");
            }
        }
        return of(weights);
    }

    /** The share labels, for messages and help. */
    public static String labels()
    {
        final StringJoiner names = new StringJoiner(", ");
        for (final Share share : SHARES)
        {
            names.add(share.label());
        }
        return names.toString();
    }

    public int weight(final Share share)
    {
        return weights[share.ordinal()];
    }

    /** The sum of the weights: a draw is a number below it. */
    public int total()
    {
        return total;
    }

    /** The share's part of the whole, 0 to 1. */
    public double fraction(final Share share)
    {
        return (double)weight(share) / total;
    }

    /** The share a draw in [0, {@link #total()}) lands on. */
    public Share share(final int draw)
    {
        for (int i = 0; i < bounds.length; i++)
        {
            if (draw < bounds[i])
            {
                return SHARES[i];
            }
        }
        throw new IllegalArgumentException("draw " + draw + " is not below " + total);
    }

    /** The form {@link #parse} reads, shares of weight 0 left out. */
    @Override
    public String toString()
    {
        final StringJoiner text = new StringJoiner(",");
        for (final Share share : SHARES)
        {
            if (weights[share.ordinal()] > 0)
            {
                text.add(share.label() + "=" + weights[share.ordinal()]);
            }
        }
        return text.toString();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Mix mix && Arrays.equals(weights, mix.weights);
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(weights);
    }
}
